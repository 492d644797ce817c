"""Forms of the attribution pages. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from awareness.models import Assessment, ThreatActor
from cdt.core.date_input import NativeDateInput, NativeDateTimeInput
from cdt.core.forms import DateTimeField, ModelMultipleChoiceField
from cdt.directory.models import MemberState, Organisation
from council.models import VotingRule

from .choices import AttributionOption, Basis, Channel, ClaimType, Confidence, Rating, StatementType
from .models import PARTNER_KINDS


def _aligning():
    return Organisation.objects.filter(kind__in=Organisation.ALIGNING_KINDS).order_by("name")


def _partners():
    return Organisation.objects.filter(kind__in=PARTNER_KINDS).order_by("name")


class StatementForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        label=_("Text"),
        help_text=_("Separate paragraphs by a blank line: comments attach to a paragraph."),
    )


class StatementCreateForm(StatementForm):
    statement_type = forms.ChoiceField(choices=StatementType.choices, label=_("Type"))
    partners = ModelMultipleChoiceField(_partners(), required=False, label=_("Partners joining (joint statement)"))


class AlignmentForm(forms.Form):
    country = forms.ModelChoiceField(Organisation.objects.none(), label=_("Country aligning"))
    aligned_on = forms.DateField(required=False, label=_("Aligned on"), widget=NativeDateInput())

    def __init__(self, *args, statement=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the directory's candidate, potential candidate and EEA/EFTA countries are offered.
        queryset = _aligning()
        if statement is not None:
            queryset = queryset.exclude(pk__in=statement.alignments.values("country_id"))
        self.fields["country"].queryset = queryset


class ClaimForm(forms.Form):
    actor = forms.ModelChoiceField(ThreatActor.objects.order_by("name"), label=_("Actor"))
    basis = forms.ChoiceField(choices=Basis.choices, label=_("Basis"))
    claim_type = forms.ChoiceField(choices=ClaimType.choices, label=_("Type"))
    confidence = forms.ChoiceField(choices=Confidence.choices, label=_("Confidence"))
    member_state = forms.ModelChoiceField(
        MemberState.objects.order_by("protocol_order"), required=False, label=_("Member State attributing")
    )
    partner = forms.ModelChoiceField(_partners(), required=False, label=_("Partner attributing"))
    industry_source = forms.CharField(required=False, max_length=200, label=_("Company or research group"))
    public = forms.BooleanField(required=False, label=_("Made publicly"))
    attributed_to_state = forms.CharField(required=False, max_length=100, label=_("State named"))
    made_on = forms.DateField(required=False, label=_("Made on"), widget=NativeDateInput())
    reference = forms.CharField(required=False, max_length=500, label=_("Reference"))
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Summary"))
    assessments = ModelMultipleChoiceField(Assessment.objects.none(), required=False, label=_("Assessments it rests on"))

    def __init__(self, *args, assessments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assessments is not None:
            self.fields["assessments"].queryset = assessments


class DeliberationOpenForm(forms.Form):
    options_considered = forms.MultipleChoiceField(
        choices=AttributionOption.choices, required=False, label=_("Options considered"), widget=forms.CheckboxSelectMultiple
    )
    recommended_option = forms.ChoiceField(choices=[("", "—"), *AttributionOption.choices], required=False, label=_("Recommended option"))


class ConsiderationForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput)
    assessment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Assessment"))
    rating = forms.ChoiceField(choices=Rating.choices, label=_("Rating"))


class ConsiderationCommentForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"))


class ReferForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Question"))
    voting_rule = forms.ChoiceField(choices=VotingRule.choices, initial=VotingRule.UNANIMITY, label=_("Voting rule"))


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(choices=AttributionOption.choices, label=_("Outcome"))
    on = forms.DateField(required=False, label=_("Date"), widget=NativeDateInput())
    actors = ModelMultipleChoiceField(
        ThreatActor.objects.none(), required=False, label=_("Actors the attribution covers"), widget=forms.CheckboxSelectMultiple
    )
    attributed_to_state = forms.CharField(required=False, max_length=100, label=_("State the activity is attributed to"))
    territory_state = forms.CharField(
        required=False,
        max_length=100,
        label=_("State whose territory the activity emanates from"),
        help_text=_("Only for activity emanating from a State's territory: it does not attribute the activity to that State."),
    )
    partners = ModelMultipleChoiceField(_partners(), required=False, label=_("Partners joining"))
    member_states_alongside = ModelMultipleChoiceField(
        MemberState.objects.order_by("protocol_order"), required=False, label=_("Member States attributing nationally alongside the EU")
    )
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Outcome"))

    def __init__(self, *args, actors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actors is not None:
            self.fields["actors"].queryset = actors


def _names(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class PlanForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    objectives = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Objectives"))
    audiences = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Audiences (one per line)"))
    public = forms.BooleanField(required=False, initial=True, label=_("Public communication"))
    channels = forms.MultipleChoiceField(choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple, label=_("Channels"))
    timing = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Timing"))
    embargo_until = DateTimeField(required=False, label=_("Embargo until"), widget=NativeDateTimeInput())
    lines_to_take = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Lines to take"))
    eu_delegations = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("EU Delegations involved (one per line)")
    )
    partner_coordination = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Coordination with partners"))
    partners = ModelMultipleChoiceField(_partners(), required=False, label=_("Partners"))

    def clean_audiences(self):
        return _names(self.cleaned_data["audiences"])

    def clean_eu_delegations(self):
        return _names(self.cleaned_data["eu_delegations"])
