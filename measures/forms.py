from django import forms
from django.utils.translation import gettext_lazy as _

from awareness.models import ThreatActor
from cdt.directory.models import Organisation

from .models import ImpactEvaluation, MeasureType


class ProposeForm(forms.Form):
    measure_type = forms.ModelChoiceField(MeasureType.objects.filter(active=True), label=_("Measure"))
    actor = forms.ModelChoiceField(ThreatActor.objects.all(), required=False, label=_("Actor concerned"),
                                   help_text=_("Needed for measures that require attribution."))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Description"))
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Rationale"))


class MeasureTransitionForm(forms.Form):
    reason = forms.CharField(required=False, label=_("Reason"))
    decision = forms.IntegerField(required=False, label=_("Decision (id)"))
    implementing_actor = forms.ModelChoiceField(Organisation.objects.all(), required=False, to_field_name="code",
                                                label=_("Implementing actor"))
    on = forms.DateField(required=False, label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class OverrideForm(forms.Form):
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Justification"))


class EvaluationForm(forms.Form):
    observed_change = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Observed change in the actor's behaviour"))
    indicators = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Indicators"))
    effect = forms.ChoiceField(choices=ImpactEvaluation.Effect.choices, label=_("Effect"))
    recommendation = forms.ChoiceField(choices=ImpactEvaluation.Recommendation.choices, label=_("Recommendation"))
