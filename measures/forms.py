from django import forms
from django.utils.translation import gettext_lazy as _

from awareness.models import ThreatActor
from cdt.directory.models import Organisation

from .models import ImpactEvaluation, MeasureType


class ProposeForm(forms.Form):
    measure_type = forms.ModelChoiceField(MeasureType.objects.filter(active=True), label=_("Measure"))
    actors = forms.ModelMultipleChoiceField(
        ThreatActor.objects.all(), required=False, label=_("Actors concerned"), help_text=_("Needed for measures that require attribution.")
    )
    proposed_on = forms.DateField(
        required=False,
        label=_("Proposed on"),
        help_text=_("For a measure proposed earlier; today if left empty."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Description"))
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Rationale"))


class MeasureTransitionForm(forms.Form):
    reason = forms.CharField(required=False, label=_("Reason"))
    decision = forms.IntegerField(required=False, label=_("Decision (id)"))
    implementing_actor = forms.ModelChoiceField(
        Organisation.objects.all(), required=False, to_field_name="code", label=_("Implementing actor")
    )
    on = forms.DateField(required=False, label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class OverrideForm(forms.Form):
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


OptionFormSet = forms.formset_factory(OptionForm, extra=1, can_order=True, can_delete=True)


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


StrategicMeasureFormSet = forms.formset_factory(StrategicMeasureForm, extra=1, can_order=True, can_delete=True)
