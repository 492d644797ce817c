"""Form helpers that give Django forms the Europa Component Library look."""

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

WIDGET_CLASSES = {
    forms.Textarea: "ecl-text-area",
    forms.Select: "ecl-select",
    # includes/field.html draws every field with ECL's markup and classes
    # (cdt/core/templatetags/ecl_forms.py). These classes serve a field a
    # template draws by itself: yes/no boxes and groups of choices stay the
    # browser's own controls there, as ECL's ``ecl-checkbox__input`` is
    # visually hidden without ECL's label-and-box markup beside it.
    forms.CheckboxInput: "cdt-check",
    forms.RadioSelect: "cdt-choices",  # CheckboxSelectMultiple too (a subclass)
}
BOXES = (forms.CheckboxInput, forms.RadioSelect)


#: The most digits a posted id or version may have: more overflows a 64-bit
#: column (SQLite raises OverflowError) and, past 4,300, ``int()`` itself.
MAX_WHOLE_NUMBER_DIGITS = 18


def whole_number(raw: str) -> int | None:
    """``raw`` as a non-negative whole number if it is written as one, else
    None. ASCII digits only: ``"²".isdigit()`` is true and ``int()`` refuses it."""
    if isinstance(raw, str) and 0 < len(raw) <= MAX_WHOLE_NUMBER_DIGITS and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


class EclFormMixin:
    """Adds ECL classes and ARIA links to every widget, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next((css for widget, css in WIDGET_CLASSES.items() if isinstance(field.widget, widget)), "ecl-text-input")
            width = "" if isinstance(field.widget, BOXES) else " ecl-u-width-100"
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}{width}".strip()
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}_error"  # the message's id in includes/field.html


class DateTimeField(forms.DateTimeField):
    """A date and time that also exists in UTC, where it is stored: midnight
    on 1 January of year 1 in Brussels is in year 0 in UTC, beyond what
    Python (a 500 on save) or a reader of the database can represent. And
    no NUL: ``datetime.fromisoformat`` stops at one, taking
    "2026-11-20T10:00\\x00" for a date and time."""

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        result = super().to_python(value)
        if result is not None:
            try:
                result.astimezone(datetime.UTC)
            except OverflowError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return result


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id beyond a 64-bit integer as an unknown choice:
    one id alone finds nothing, but a list of them reaches SQLite's
    ``IN (…)``, which raises OverflowError (a 500)."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # not a number: Django's own check answers
            if not -(2**63) <= number < 2**63:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
        return super()._check_values(value)


class BoundedAuthenticationForm(AuthenticationForm):
    """Django's sign-in form shows the username's maximum length but never
    checks it: a longer name reached the failed-sign-in records (django-axes,
    the audit trail), whose columns PostgreSQL then refused (a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(EclFormMixin, BoundedAuthenticationForm):
    pass


class ChangePasswordForm(EclFormMixin, PasswordChangeForm):
    pass
