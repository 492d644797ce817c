"""Account forms: the second-factor code."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cdt.core.forms import EclFormMixin


class OtpTokenForm(EclFormMixin, forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("Enter the six digits shown by your authenticator app."))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
