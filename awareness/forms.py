"""The assessment form: SIAC (and whoever may contribute one) records an
assessment or briefing from a page, through the service the API uses
(:func:`awareness.services.assessment_record`), so the checks are the same."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseState
from cdt.core.date_input import NativeDateInput
from cdt.core.forms import EclFormMixin, ModelMultipleChoiceField
from cdt.directory.models import Organisation
from cdt.security.claims import claimable_organisations
from cdt.security.forms import MarkingsForm
from cdt.security.markings import Distribution
from cdt.security.selectors import protected_queryset

from .models import Assessment, ThreatActor
from .permissions import may_record_assessment


class CaseChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.reference} — {obj.title}"


def recordable_kinds(user: Any) -> list[tuple[str, str]]:
    """The kinds of assessment ``user`` may record (an oral briefing: the secretariat or the chair)."""
    return [(value, label) for value, label in Assessment.Kind.choices if may_record_assessment(user, value)]


class AssessmentFields(MarkingsForm):
    """The fields, with the choices ``user`` has (the types they may record,
    the organisations they may speak for, the cases they see)."""

    kind = forms.ChoiceField(label=_("Type"))
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 8}))
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Organisation.objects.none(), help_text=_("Your organisation, unless you record for another.")
    )
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=NativeDateInput())
    confidence = forms.ChoiceField(label=_("Confidence"), choices=Assessment.Confidence.choices, initial=Assessment.Confidence.MODERATE)
    cases = CaseChoiceField(
        label=_("Cases it informs"),
        queryset=Case.objects.none(),
        required=False,
        help_text=_("Open cases you have access to."),
    )
    actors = ModelMultipleChoiceField(label=_("Threat actors"), queryset=ThreatActor.objects.order_by("name"), required=False)
    distribution = forms.ChoiceField(
        label=_("Distribution"),
        choices=[
            (Distribution.WITH_CASES, Distribution.WITH_CASES.label),
            (Distribution.HWPCI, Distribution.HWPCI.label),
            (Distribution.RESTRICTED, Distribution.RESTRICTED.label),
        ],
        initial=Distribution.WITH_CASES,
        widget=forms.RadioSelect,
        help_text=_("The markings apply on top: a TLP:AMBER+STRICT assessment stays in your organisation."),
    )
    shared_with = ModelMultipleChoiceField(
        label=_("Also in the loop"),
        queryset=Organisation.objects.order_by("kind", "name"),
        required=False,
        help_text=_("Organisations given need-to-know besides yours and the secretariat."),
    )

    field_order = [
        "kind", "title", "body", "source", "assessed_on", "confidence", "cases", "actors",
        "classification", "limite", "tlp", "releasable_to_all", "releasable_to", "distribution", "shared_with",
    ]  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = recordable_kinds(user)  # type: ignore[attr-defined]
        self.fields["source"].queryset = claimable_organisations(user)  # type: ignore[attr-defined]
        self.fields["cases"].queryset = (  # type: ignore[attr-defined]
            protected_queryset(Case.objects.exclude(state=CaseState.CLOSED), user).order_by("exercise", "-brought_on", "-id")
        )
        self.initial.setdefault("source", getattr(user, "organisation_id", None))
        self.initial.setdefault("assessed_on", timezone.localdate())
        self.initial.setdefault("kind", Assessment.Kind.WRITTEN)

    def service_input(self) -> dict[str, Any]:
        """The cleaned fields, as :func:`awareness.services.assessment_record` takes them."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "source": data["source"],
            "assessed_on": data["assessed_on"],
            "confidence": data["confidence"],
            "cases": list(data["cases"]),
            "actors": list(data["actors"]),
            "shared_with": list(data["shared_with"]),
            "distribution": data["distribution"],
            **self.markings(),
        }


class AssessmentForm(EclFormMixin, AssessmentFields):
    """With the ECL look (the mixin runs after the choices are set)."""
