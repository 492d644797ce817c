from dataclasses import dataclass
from itertools import groupby

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awareness.models import ThreatActor
from cdt.core.date_input import NativeDateInput
from cdt.core.forms import EclFormMixin, ModelMultipleChoiceField
from cdt.directory.models import Organisation
from cdt.security.forms import MarkingsForm
from cdt.security.markings import Distribution

from .models import ImpactEvaluation, MeasureType


def measure_name(entry: MeasureType) -> str:
    """A catalogue entry's name in the reader's language where a translation
    exists (the secretariat's entries keep the name they were given)."""
    return entry.display_name if entry.name else ""


@dataclass(frozen=True)
class CatalogueChoice:
    """One radio of the catalogue: the input's name, value and id, and the entry it chooses."""

    name: str
    value: str
    id: str
    checked: bool
    entry: MeasureType

    @property
    def label(self) -> str:
        return measure_name(self.entry)


class ProposeForm(forms.Form):
    """The measure is chosen from the catalogue shown whole, each entry with
    its description, in the order of the gradual approach (para 16)."""

    measure_type = forms.ModelChoiceField(
        MeasureType.objects.filter(active=True).order_by("escalation_level", "name"),
        label=_("Measure"),
        widget=forms.RadioSelect,
        help_text=_("The catalogue, from the first options to sanctions (the gradual approach, para 16)."),
    )
    actors = forms.ModelMultipleChoiceField(
        ThreatActor.objects.all(), required=False, label=_("Actors concerned"), help_text=_("Needed for measures that require attribution.")
    )
    proposed_on = forms.DateField(
        required=False,
        label=_("Proposed on"),
        help_text=_("For a measure proposed earlier; today if left empty."),
        widget=NativeDateInput(),
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Description"))
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Rationale"))

    def catalogue_groups(self) -> list[tuple[int, list[CatalogueChoice]]]:
        """The radios, grouped by escalation level (one query: the choices' own)."""
        field = self["measure_type"]
        chosen = str(field.value() or "")
        choices = [
            CatalogueChoice(
                name=field.html_name,
                value=str(widget.data["value"]),
                id=widget.id_for_label,
                checked=str(widget.data["value"]) == chosen,
                entry=widget.data["value"].instance,
            )
            for widget in field.subwidgets
            if widget.data["value"] != ""
        ]
        return [(level, list(group)) for level, group in groupby(choices, key=lambda choice: choice.entry.escalation_level)]


class MeasureTransitionForm(forms.Form):
    reason = forms.CharField(required=False, label=_("Reason"))
    decision = forms.IntegerField(required=False, label=_("Council decision"))
    implementing_actor = forms.ModelChoiceField(
        Organisation.objects.all(), required=False, to_field_name="code", label=_("Implementing actor")
    )
    on = forms.DateField(required=False, label=_("Date"), widget=NativeDateInput())


class OverrideForm(forms.Form):
    #: One form among the measure page's: its refusal is shown on it (the page's summary leaves it out).
    error_summary_in_place = True

    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Justification"))


class EvaluationForm(forms.Form):
    observed_change = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Observed change in the actor's behaviour"))
    indicators = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Indicators"))
    effect = forms.ChoiceField(choices=ImpactEvaluation.Effect.choices, label=_("Effect"))
    recommendation = forms.ChoiceField(choices=ImpactEvaluation.Recommendation.choices, label=_("Recommendation"))


class OptionsNoteForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    situation = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Situation"))
    assessment_refs = forms.MultipleChoiceField(required=False, label=_("Assessments referred to"), widget=forms.CheckboxSelectMultiple)
    recommendation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Recommendation"))

    def __init__(self, *args, assessments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_refs"].choices = [(str(a.pk), a.title) for a in assessments]


class OptionForm(forms.Form):
    """One option of an options note (ordered and deletable in the formset: add, reorder, remove)."""

    measure_type = forms.ModelChoiceField(MeasureType.objects.filter(active=True), to_field_name="slug", label=_("Measure"))
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Rationale"))
    expected_effect = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Expected effect"))
    risks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Risks, including escalation and counter-response")
    )
    legal = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Legal considerations"))
    communication = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Communication aspects"))
    attribution_needed = forms.BooleanField(required=False, label=_("Attribution needed"))
    proportionality = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Proportionality"))


#: At most this many options in a note: HWPCI weighs a handful, and an editor of more is a list, not a choice.
MAX_OPTIONS = 10
#: At most this many measures in a strategy's ladder.
MAX_STRATEGIC_MEASURES = 20

OptionFormSet = forms.formset_factory(OptionForm, extra=1, can_order=True, can_delete=True, max_num=MAX_OPTIONS, validate_max=True)


class StrategicNoteForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    short_term_effects = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Short-term effects"))
    long_term_objectives = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Longer-term objectives"))
    risk_assessment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Risk assessment"))
    risk_scenarios = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Risk scenarios"))
    geographic_strategy = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Relevant geographic strategy"))
    actor_perspective = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("The actor's perspective and aims")
    )
    monitoring_indicators = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Monitoring indicators"))


class StrategicMeasureForm(forms.Form):
    measure_type = forms.ModelChoiceField(MeasureType.objects.filter(active=True), to_field_name="slug", label=_("Measure"))
    mode = forms.ChoiceField(choices=[("parallel", _("In parallel")), ("sequence", _("In sequence"))], label=_("Mode"))
    trigger = forms.CharField(required=False, label=_("Trigger"), help_text=_("“If the actor does X”"))
    escalation_level = forms.IntegerField(min_value=1, max_value=10, label=_("Escalation level"))


StrategicMeasureFormSet = forms.formset_factory(
    StrategicMeasureForm, extra=1, can_order=True, can_delete=True, max_num=MAX_STRATEGIC_MEASURES, validate_max=True
)


class StrategicNoteStartForm(EclFormMixin, MarkingsForm):
    """What a strategic response note starts with: its title, markings and
    distribution, and the date HWPCI reviews it. The strategy itself is
    written next, in the editor (every save a version)."""

    title = forms.CharField(max_length=300, label=_("Title"))
    distribution = forms.ChoiceField(
        label=_("Distribution"),
        choices=[(Distribution.HWPCI, Distribution.HWPCI.label), (Distribution.RESTRICTED, Distribution.RESTRICTED.label)],
        initial=Distribution.HWPCI,
        widget=forms.RadioSelect,
        help_text=_("The Council's strategy goes to HWPCI; restrict it only to keep it with named recipients."),
    )
    shared_with = ModelMultipleChoiceField(
        label=_("Also in the loop"),
        queryset=Organisation.objects.order_by("kind", "name"),
        required=False,
        help_text=_("Organisations given need-to-know besides the EEAS and the secretariat (Commission services, SIAC…)."),
    )
    review_on = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=NativeDateInput(),
        help_text=_("When HWPCI reviews the strategy (step 8)."),
    )

    field_order = [
        "title",
        "review_on",
        "classification",
        "limite",
        "tlp",
        "releasable_to_all",
        "releasable_to",
        "distribution",
        "shared_with",
    ]

    def clean_review_on(self):
        review_on = self.cleaned_data.get("review_on")
        if review_on is not None and review_on < timezone.localdate():
            raise forms.ValidationError(_("A review date is not in the past."))
        return review_on

    def service_input(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            **self.markings(),
            "shared_with": list(data["shared_with"]),
            "shared_with_all_delegations": data["distribution"] == Distribution.HWPCI,
            "review_on": data["review_on"],
        }
