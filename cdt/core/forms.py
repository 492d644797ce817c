"""Form helpers that give Django forms the Europa Component Library look."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

WIDGET_CLASSES = {
    forms.Textarea: "ecl-text-area",
    forms.Select: "ecl-select",
    forms.CheckboxInput: "ecl-checkbox__input",
}


class EclFormMixin:
    """Adds ECL classes and ARIA links to every widget, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next((css for widget, css in WIDGET_CLASSES.items() if isinstance(field.widget, widget)), "ecl-text-input")
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css} ecl-u-width-100".strip()
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}-error"


class LoginForm(EclFormMixin, AuthenticationForm):
    pass


class ChangePasswordForm(EclFormMixin, PasswordChangeForm):
    pass
