from django import forms
from django.utils.translation import gettext_lazy as _

from cdt.core.date_input import NativeDateTimeInput
from cdt.core.forms import DateTimeField, EclFormMixin
from cdt.directory.models import CouncilBody

from .models import Position, PositionValue, VotingRule, WrittenProcedure


class QuestionForm(EclFormMixin, forms.Form):
    text = forms.CharField(label=_("Question put to the Council"), widget=forms.Textarea(attrs={"rows": 2}))
    voting_rule = forms.ChoiceField(label=_("Voting rule"), choices=VotingRule.choices, initial=VotingRule.UNANIMITY)
    body = forms.ModelChoiceField(
        label=_("Deciding body"),
        queryset=CouncilBody.objects.filter(code__in=["HWPCI", "PSC", "COREPER", "COUNCIL"]),
        to_field_name="code",
        initial="HWPCI",  # per case: council.selectors.deciding_body_default
    )


class PositionForm(EclFormMixin, forms.Form):
    value = forms.ChoiceField(label=_("Position"), choices=PositionValue.choices)
    reserve = forms.ChoiceField(label=_("Reserve"), choices=Position.Reserve.choices, required=False)
    declaration = forms.CharField(
        label=_("Declaration (constructive abstention)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WrittenProcedureForm(EclFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Procedure"), choices=WrittenProcedure.Kind.choices, initial=WrittenProcedure.Kind.SILENCE)
    deadline = DateTimeField(label=_("Deadline"), widget=NativeDateTimeInput())
    coreu_reference = forms.CharField(label=_("COREU reference"), required=False, max_length=100)


class DecisionForm(EclFormMixin, forms.Form):
    legal_act = forms.CharField(label=_("Legal act (if any)"), required=False, max_length=300)


class HrActForm(EclFormMixin, forms.Form):
    explanation = forms.CharField(label=_("The HR's discretionary act"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_act = forms.CharField(label=_("Reference (if any)"), required=False)
