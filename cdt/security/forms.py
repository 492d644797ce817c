"""The markings every protected object carries, as form fields: pages that
create a protected object (a strategic response note, an assessment) ask
for them the same way. The services check them again (ceiling, clearance)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cdt.core.forms import ModelMultipleChoiceField
from cdt.directory.models import Organisation

from .markings import Classification, Tlp


class MarkingsForm(forms.Form):
    """Classification, LIMITE, TLP and releasability; a subclass adds what it
    marks, and ``EclFormMixin`` first in its bases (the mixin reads the
    errors, so it must run after a subclass has set its fields' choices)."""

    classification = forms.TypedChoiceField(
        label=_("Classification"), choices=Classification.choices, coerce=int, initial=Classification.RESTREINT_UE
    )
    limite = forms.BooleanField(
        label=_("LIMITE"), required=False, initial=True, help_text=_("Council distribution marking: not for public release.")
    )
    tlp = forms.TypedChoiceField(label=_("TLP"), choices=Tlp.choices, coerce=int, initial=Tlp.AMBER)
    releasable_to_all = forms.BooleanField(
        label=_("Releasable to all"),
        required=False,
        initial=True,
        help_text=_("Releasable to every delegation and body; otherwise only to those listed."),
    )
    releasable_to = ModelMultipleChoiceField(
        label=_("Releasable to"), queryset=Organisation.objects.order_by("kind", "name"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("releasable_to_all") and not cleaned.get("releasable_to"):
            self.add_error("releasable_to", _("Name at least one organisation, or make it releasable to all."))
        return cleaned

    def markings(self) -> dict[str, Any]:
        """The cleaned markings, as the services take them."""
        data = self.cleaned_data
        return {name: data[name] for name in ("classification", "limite", "tlp", "releasable_to_all", "releasable_to")}
