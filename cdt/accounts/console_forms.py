"""The console's account forms: onboarding in one form, deactivation, and
the first-login password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from cdt.core.date_input import DayMonthYearDateField
from cdt.core.forms import EclFormMixin
from cdt.directory.models import Organisation
from cdt.security.markings import Classification

from .models import User
from .onboarding import clearance_errors, email_in_use
from .roles import ONBOARDING_ROLES, ROLE_PLACES, Role, role_fits_organisation

#: The organisations people work for in CDT: the 27 delegations, the
#: Council secretariat and the EU institutions, bodies and agencies (the
#: EEAS, SIAC, the Commission's services…). Partners are not users.
USER_ORGANISATION_KINDS = (Organisation.Kind.DELEGATION, Organisation.Kind.SECRETARIAT, Organisation.Kind.EUIBA)


def user_has_language() -> bool:
    """Whether accounts carry a language of their own (for e-mails)."""
    return any(field.name == "language" for field in User._meta.get_fields())


class OnboardingForm(EclFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"), max_length=150, help_text=_("The invitation goes there, and it is the user's sign-in name.")
    )
    organisation = forms.ModelChoiceField(
        label=_("Delegation or body"),
        queryset=Organisation.objects.filter(kind__in=USER_ORGANISATION_KINDS).select_related("member_state").order_by("kind", "name"),
        empty_label=_("Choose…"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Choose…")), *((role.value, role.label) for role in ONBOARDING_ROLES)],
        help_text=_("The Presidency's chair is also an HWPCI delegate. Other roles, if ever needed, are given in the admin."),
    )
    clearance = forms.TypedChoiceField(
        label=_("Security clearance"), choices=Classification.choices, coerce=int, initial=Classification.UNCLASSIFIED
    )
    clearance_expires_on = DayMonthYearDateField(
        label=_("Clearance expires on"),
        required=False,
        help_text=_("Day/month/year. Needed for any clearance; after this day the user is treated as uncleared."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user_has_language():
            self.fields["language"] = forms.ChoiceField(
                label=_("Language of e-mails"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
            )
            self.fields["language"].widget.attrs["class"] = "ecl-select ecl-u-width-100"

    def clean(self) -> dict[str, Any]:
        """The service's rules, checked here too so that every field's error
        shows at once (and is marked on its field); the service checks
        them again for every other caller."""
        data = super().clean() or {}
        problems = clearance_errors(data.get("clearance", Classification.UNCLASSIFIED), data.get("clearance_expires_on"))
        role, organisation, email = data.get("role"), data.get("organisation"), data.get("email")
        if role in ONBOARDING_ROLES and organisation is not None and not role_fits_organisation(Role(role), organisation):
            problems["organisation"] = [str(ROLE_PLACES[Role(role)])]
        if email and email_in_use(email):
            problems["email"] = [str(_("An account with this e-mail address exists already."))]
        for name, messages in problems.items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return data


class DeactivateForm(EclFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit trail, e.g. left the delegation on 30/06/2026."),
    )


class FirstPasswordForm(EclFormMixin, SetPasswordForm):
    """Django's set-password form (the password validators apply)."""
