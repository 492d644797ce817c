from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awareness.models import ThreatActor
from cases.models import Case
from cdt.core.api import fields as json_fields
from cdt.directory.models import Organisation
from cdt.security.api import NamedChoiceField
from cdt.security.markings import Classification, validate_classification_ceiling
from cdt.security.selectors import visible_or_none
from cdt.workflow import workflow_for
from council.models import Decision

from .. import checks
from ..models import ImpactEvaluation, ListedPerson, MeasureType, ResponseMeasure, RestrictiveListing

#: A lifecycle recorded in one call: its longest path is a few steps; suspensions and resumptions repeat.
MAX_RECORDED_STEPS = 50


class MeasureTypeSerializer(json_fields.ModelSerializer):
    deciding_body = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = MeasureType
        fields = (
            "id",
            "slug",
            "name",
            "description",
            "forms",
            "effects",
            "attribution",
            "deciding_body",
            "voting_rule",
            "legal_basis",
            "leads",
            "public_by_default",
            "escalation_level",
            "restrictive",
            "source",
            "active",
        )


class ListedPersonSerializer(json_fields.ModelSerializer):
    actors = json_fields.PrimaryKeyRelatedField(
        queryset=ThreatActor.objects.all(),
        many=True,
        required=False,
        help_text="The actors the person or entity is linked to: ids among the measure's actors",
    )

    class Meta:
        model = ListedPerson
        fields = ("kind", "name", "aliases", "identifying_information", "function", "statement_of_reasons", "actors")


class ListingSerializer(json_fields.ModelSerializer):
    entries = ListedPersonSerializer(many=True)

    class Meta:
        model = RestrictiveListing
        fields = ("council_decision", "council_regulation", "review_on", "renewal_on", "entries")


class ResponseMeasureSerializer(json_fields.ModelSerializer):
    case = json_fields.PrimaryKeyRelatedField(queryset=Case.objects.all())
    measure_type = serializers.SlugRelatedField(slug_field="slug", queryset=MeasureType.objects.all())
    state = json_fields.CharField(read_only=True)
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    implementing_actor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    listing = serializers.SerializerMethodField()
    escalation_warning = serializers.SerializerMethodField(
        help_text="Empty when proportionate; its figures only for a reader cleared for the assessment they come from"
    )
    classification = NamedChoiceField(Classification, validators=[validate_classification_ceiling], required=False)
    actors = json_fields.PrimaryKeyRelatedField(
        queryset=ThreatActor.objects.all(), many=True, required=False, help_text="The actors the measure concerns (ids)"
    )
    proposed_on = serializers.DateField(
        required=False, help_text="When it was proposed (today if not given): not in the future, not before the case was brought"
    )

    class Meta:
        model = ResponseMeasure
        fields = (
            "id",
            "case",
            "measure_type",
            "actors",
            "description",
            "rationale",
            "state",
            "proposed_by",
            "proposed_on",
            "proposed_at",
            "escalation_warning",
            "override_justification",
            "decision",
            "implementing_actor",
            "implemented_on",
            "ended_on",
            "classification",
            "listing",
        )
        read_only_fields = ("proposed_at", "escalation_warning", "override_justification", "decision", "implemented_on", "ended_on")

    def _reader(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(ListingSerializer(allow_null=True))
    def get_listing(self, measure):
        """The listing has its own classification: ``null`` for a reader not
        cleared for it (decision record 0023)."""
        listing = getattr(measure, "listing", None) if measure.measure_type.restrictive else None
        listing = visible_or_none(self._reader(), listing, within=measure.case)
        return ListingSerializer(listing, context=self.context).data if listing else None

    def get_escalation_warning(self, measure) -> str:
        return checks.warning_for(measure, self._reader())


class ResponseMeasureCreateSerializer(ResponseMeasureSerializer):
    """A proposal, with the listing of a restrictive measure in the same
    call if its proposer may record it (the chair): one act, one write."""

    listing = ListingSerializer(
        required=False, write_only=True, help_text="The listing of a restrictive measure, recorded with it (chair or secretariat)"
    )


class MeasureTransitionRequestSerializer(serializers.Serializer):
    reason = json_fields.CharField(required=False, allow_blank=True, default="")
    decision = json_fields.PrimaryKeyRelatedField(queryset=Decision.objects.all(), required=False, allow_null=True, default=None)
    implementing_actor = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    on = serializers.DateField(required=False, allow_null=True, default=None)


class MeasureStepSerializer(MeasureTransitionRequestSerializer):
    """One step of a recorded lifecycle: the transition and its input."""

    transition = serializers.ChoiceField(choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transition"].choices = list(workflow_for(ResponseMeasure).user_steps())


class MeasureRecordSerializer(serializers.Serializer):
    steps = MeasureStepSerializer(many=True, allow_empty=False, max_length=MAX_RECORDED_STEPS)


class OverrideSerializer(serializers.Serializer):
    justification = json_fields.CharField()


class ImpactEvaluationSerializer(json_fields.ModelSerializer):
    evaluated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    done = json_fields.BooleanField(read_only=True)
    # "" until the evaluation is recorded.
    effect = serializers.ChoiceField(choices=ImpactEvaluation.Effect.choices, read_only=True, allow_blank=True)
    recommendation = serializers.ChoiceField(choices=ImpactEvaluation.Recommendation.choices, read_only=True, allow_blank=True)
    overdue = serializers.SerializerMethodField()
    classification = NamedChoiceField(Classification, read_only=True)

    class Meta:
        model = ImpactEvaluation
        fields = (
            "id",
            "case",
            "measure",
            "occasion",
            "months_after",
            "due_on",
            "cancelled",
            "done",
            "overdue",
            "observed_change",
            "indicators",
            "effect",
            "recommendation",
            "evaluated_by",
            "evaluated_at",
            "classification",
        )
        read_only_fields = fields

    def get_overdue(self, evaluation) -> bool:
        from django.utils import timezone

        return not evaluation.done and not evaluation.cancelled and evaluation.due_on < timezone.localdate()


class EvaluationRecordSerializer(serializers.Serializer):
    observed_change = json_fields.CharField()
    indicators = json_fields.CharField(required=False, allow_blank=True, default="")
    effect = serializers.ChoiceField(choices=ImpactEvaluation.Effect.choices)
    recommendation = serializers.ChoiceField(choices=ImpactEvaluation.Recommendation.choices)
