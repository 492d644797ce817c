"""Forms of the case pages (the API has its serializers; both end in the
same services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cdt.core.date_input import NativeDateInput
from cdt.core.dates import DatePrecision
from cdt.core.forms import EclFormMixin, ModelMultipleChoiceField
from cdt.directory.models import Organisation
from cdt.security.claims import claimable_organisations
from cdt.security.markings import Distribution
from cdt.security.types import AnyUser, is_signed_in

from .models import DIMENSIONS, Case, ProportionalityAssessment, Sector, SignificanceAssessment


class CaseForm(EclFormMixin, forms.ModelForm):
    sectors = forms.MultipleChoiceField(label=_("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple)
    distribution = forms.ChoiceField(
        label=_("Distribution"),
        choices=[(Distribution.HWPCI, Distribution.HWPCI.label), (Distribution.RESTRICTED, Distribution.RESTRICTED.label)],
        initial=Distribution.HWPCI,
        widget=forms.RadioSelect,
        help_text=_(
            "A case brought to the Council goes to HWPCI. Restrict it only to keep national or partner information with named recipients."
        ),
    )
    shared_with = ModelMultipleChoiceField(
        label=_("Also in the loop"),
        queryset=Organisation.objects.order_by("kind", "name"),
        required=False,
        help_text=_(
            "Organisations outside HWPCI (Commission services the case involves, a partner), or the delegations of a restricted case."
        ),
    )

    class Meta:
        model = Case
        fields = [
            "kind",
            "title",
            "summary",
            "brought_by",
            "brought_on",
            "exercise",
            "context",
            "legal_qualification",
            "article_42_7_invoked",
            "article_222_invoked",
            "ipcr_activated",
            "hybrid_toolbox_linked",
            "fimi_toolbox_linked",
            "activity_name",
            "first_seen",
            "last_seen",
            "victims",
            "sectors",
            "member_states_affected",
            "origin_territory",
            "transit_territory",
            "suspected_actors",
            "classification",
            "limite",
            "tlp",
            "releasable_to_all",
            "releasable_to",
            "distribution",
        ]
        widgets = {
            "brought_on": NativeDateInput(),
            "first_seen": NativeDateInput(),
            "last_seen": NativeDateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "victims": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = dict.fromkeys(("member_states_affected", "suspected_actors", "releasable_to"), ModelMultipleChoiceField)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        """``user`` is the one opening the case: "brought by" offers only the
        organisations they may speak for (decision 0026: a delegate, their own
        Member State), preselected when there is one."""
        super().__init__(*args, **kwargs)
        # Both are model choice fields (a foreign key and a many-to-many).
        brought_by = cast("forms.ModelChoiceField[Organisation]", self.fields["brought_by"])
        brought_by.queryset = claimable_organisations(user)
        if is_signed_in(user) and user.organisation_id is not None:
            self.initial.setdefault("brought_by", user.organisation_id)
        cast("forms.ModelChoiceField[Organisation]", self.fields["releasable_to"]).queryset = Organisation.objects.order_by("kind", "name")

    def clean(self) -> dict[str, Any]:
        super().clean()  # a ModelForm's returns its cleaned_data
        cleaned = self.cleaned_data
        if not cleaned.get("releasable_to_all") and not cleaned.get("releasable_to"):
            self.add_error("releasable_to", _("Name at least one organisation, or make the case releasable to all."))
        for name in ("first_seen", "last_seen"):
            if name in self.changed_data:  # a day picked here is a day, whatever the record had before
                cleaned[f"{name}_precision"] = DatePrecision.DAY
        return cleaned


class ProportionalityForm(EclFormMixin, forms.ModelForm):
    class Meta:
        model = ProportionalityAssessment
        fields = [f for d in DIMENSIONS for f in (d, f"{d}_rationale")]
        widgets = {
            **{d: forms.Select(choices=[(n, str(n)) for n in range(1, 6)]) for d in DIMENSIONS},
            **{f"{d}_rationale": forms.Textarea(attrs={"rows": 2}) for d in DIMENSIONS},
        }


class SignificanceForm(EclFormMixin, forms.ModelForm):
    class Meta:
        model = SignificanceAssessment
        fields = [*(f"factor_{letter}" for letter in "abcdefg"), "conclusion"]
        widgets = {f"factor_{letter}": forms.Textarea(attrs={"rows": 2}) for letter in "abcdefg"}


class TransitionForm(EclFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), required=False)
    target = forms.CharField(required=False)
    merged_into = forms.CharField(label=_("Merged into (case reference)"), required=False)
