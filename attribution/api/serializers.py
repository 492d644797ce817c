from typing import ClassVar

from rest_framework import serializers

from awareness.models import Assessment, ThreatActor
from cases.api.serializers import VisibleCaseField
from cdt.core.api import fields as json_fields
from cdt.directory.models import CouncilBody, MemberState, Organisation
from cdt.security.api import NamedChoiceField
from cdt.security.markings import Classification, validate_classification_ceiling
from council.models import VotingRule
from measures.models import ResponseMeasure

from ..choices import AttributionOption, Rating
from ..models import (
    PARTNER_KINDS,
    Alignment,
    AttributionClaim,
    AttributionDeliberation,
    CommunicationPlan,
    Consideration,
    ConsiderationComment,
    Statement,
)


def _partner_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.filter(kind__in=PARTNER_KINDS), **kwargs)


class ClaimSerializer(json_fields.ModelSerializer):
    case = VisibleCaseField()
    actor = json_fields.PrimaryKeyRelatedField(queryset=ThreatActor.objects.all())
    member_state = json_fields.SlugRelatedField(slug_field="code", queryset=MemberState.objects.all(), required=False, allow_null=True)
    partner = _partner_field(required=False, allow_null=True)
    assessments = json_fields.PrimaryKeyRelatedField(
        queryset=Assessment.objects.all(),
        many=True,
        required=False,
        help_text="Assessments linked to the case (required for a technical attribution)",
    )
    party = json_fields.CharField(required=False, allow_blank=True, help_text="Default: what the basis implies (technical: the EU)")
    attributing_party = json_fields.CharField(read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    classification = NamedChoiceField(Classification, validators=[validate_classification_ceiling], required=False)

    class Meta:
        model = AttributionClaim
        fields = (
            "id",
            "case",
            "actor",
            "basis",
            "claim_type",
            "confidence",
            "party",
            "attributing_party",
            "member_state",
            "partner",
            "industry_source",
            "public",
            "attributed_to_state",
            "made_on",
            "reference",
            "summary",
            "assessments",
            "recorded_by",
            "recorded_at",
            "classification",
        )
        read_only_fields = ("recorded_at",)

    def to_representation(self, claim):
        data = super().to_representation(claim)
        # Only the assessments the reader may see (the list was prefetched unfiltered).
        visible = self.context.get("visible_assessments")
        if visible is not None:
            data["assessments"] = [pk for pk in data["assessments"] if pk in visible]
        return data


class ConsiderationCommentSerializer(json_fields.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    member_state = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ConsiderationComment
        fields = ("id", "text", "author", "member_state", "created_at")
        read_only_fields = ("created_at",)


class ConsiderationSerializer(json_fields.ModelSerializer):
    title = json_fields.CharField(read_only=True)
    assessed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    comments = ConsiderationCommentSerializer(many=True, read_only=True)

    class Meta:
        model = Consideration
        fields = ("number", "title", "assessment", "rating", "assessed_by", "assessed_at", "comments")
        read_only_fields = ("number", "assessed_at")


class DeliberationSerializer(json_fields.ModelSerializer):
    case = VisibleCaseField()
    status = json_fields.CharField(read_only=True)
    options_considered = serializers.ListField(child=serializers.ChoiceField(AttributionOption.choices), required=False)
    considerations = ConsiderationSerializer(many=True, read_only=True)
    partners = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    member_states_alongside = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Member States attributing nationally alongside the EU"
    )
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    classification = NamedChoiceField(Classification, read_only=True)
    outcome = serializers.ChoiceField(AttributionOption.choices, read_only=True, allow_blank=True)  # "" until concluded

    class Meta:
        model = AttributionDeliberation
        fields = (
            "id",
            "case",
            "status",
            "options_considered",
            "recommended_option",
            "considerations",
            "question",
            "outcome",
            "outcome_on",
            "outcome_summary",
            "decision",
            "attributed_actors",
            "attributed_to_state",
            "territory_state",
            "partners",
            "member_states_alongside",
            "opened_by",
            "opened_at",
            "classification",
        )
        read_only_fields = (
            "question",
            "outcome",
            "outcome_on",
            "outcome_summary",
            "decision",
            "attributed_actors",
            "attributed_to_state",
            "territory_state",
            "opened_at",
        )


class OptionsSerializer(serializers.Serializer):
    options_considered = serializers.ListField(child=serializers.ChoiceField(AttributionOption.choices))
    recommended_option = serializers.ChoiceField([("", "—"), *AttributionOption.choices], required=False, default="")


class AssessConsiderationSerializer(serializers.Serializer):
    assessment = json_fields.CharField()
    rating = serializers.ChoiceField(Rating.choices)


class ConsiderationCommentRequestSerializer(serializers.Serializer):
    text = json_fields.CharField()


class ConsiderationEntrySerializer(serializers.Serializer):
    """One consideration in a call rating or commenting several: its
    assessment and rating (the EEAS), a comment (delegates, the EEAS), or both."""

    number = json_fields.IntegerField(min_value=1, max_value=10)
    assessment = json_fields.CharField(required=False, help_text="With the rating: the EEAS's assessment")
    rating = serializers.ChoiceField(Rating.choices, required=False)
    comment = json_fields.CharField(required=False, help_text="A comment on the consideration")


class ConsiderationsSerializer(serializers.Serializer):
    considerations = ConsiderationEntrySerializer(many=True, allow_empty=False)


class ReferSerializer(serializers.Serializer):
    text = json_fields.CharField(required=False, allow_blank=True, default="", help_text="Default: a standard question naming the case")
    voting_rule = serializers.ChoiceField(VotingRule.choices, default=VotingRule.UNANIMITY)
    body = json_fields.SlugRelatedField(
        slug_field="code", queryset=CouncilBody.objects.all(), required=False, allow_null=True, default=None, help_text="Default: COUNCIL"
    )
    on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The day it was referred, when entered afterwards (default today)"
    )


class ConcludeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(AttributionOption.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    summary = json_fields.CharField(required=False, allow_blank=True, default="")
    actors = json_fields.PrimaryKeyRelatedField(queryset=ThreatActor.objects.all(), many=True, required=False, default=list)
    attributed_to_state = json_fields.CharField(
        required=False, allow_blank=True, default="", help_text="The State held responsible (not with a territorial outcome)"
    )
    territory_state = json_fields.CharField(
        required=False, allow_blank=True, default="", help_text="Territorial outcome: the State whose territory the activity emanates from"
    )
    partners = _partner_field(many=True, required=False, default=list)
    member_states_alongside = json_fields.SlugRelatedField(
        slug_field="code",
        queryset=MemberState.objects.all(),
        many=True,
        required=False,
        default=list,
        help_text="Member States attributing nationally alongside the EU",
    )


class PositionRowSerializer(serializers.Serializer):
    member_state = json_fields.CharField()
    position = json_fields.CharField(allow_null=True, help_text="The state's position on the question (null before referral)")
    national_attribution = json_fields.BooleanField(help_text="The state has attributed the activity nationally (not an EU attribution)")


class AlignmentSerializer(json_fields.ModelSerializer):
    country = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.all(),
        help_text="A candidate (such as UA), potential candidate or EEA/EFTA country of the directory",
    )
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    aligned_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Alignment
        fields = ("id", "country", "aligned_on", "recorded_by", "recorded_at")
        read_only_fields = ("recorded_at",)


class StatementSerializer(json_fields.ModelSerializer):
    case = VisibleCaseField()
    deliberation = json_fields.PrimaryKeyRelatedField(queryset=AttributionDeliberation.objects.all(), required=False, allow_null=True)
    status = json_fields.CharField(read_only=True)
    partners = _partner_field(many=True, required=False)
    alignments = AlignmentSerializer(many=True, read_only=True)
    drafted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    classification = NamedChoiceField(Classification, read_only=True)

    class Meta:
        model = Statement
        fields = (
            "id",
            "case",
            "deliberation",
            "title",
            "statement_type",
            "status",
            "version",
            "content",
            "partners",
            "decision",
            "published_on",
            "alignments",
            "drafted_by",
            "created_at",
            "submitted_at",
            "classification",
        )
        read_only_fields = ("version", "decision", "published_on", "created_at", "submitted_at")
        # The text is the statement: creating one without it answered 500.
        extra_kwargs: ClassVar[dict[str, dict[str, bool]]] = {"content": {"required": True}}


class PlanSerializer(json_fields.ModelSerializer):
    case = VisibleCaseField()
    status = json_fields.CharField(read_only=True)
    audiences = serializers.ListField(child=json_fields.CharField(), required=False)
    channels = serializers.ListField(child=json_fields.CharField(), required=False)
    eu_delegations = serializers.ListField(child=json_fields.CharField(), required=False)
    amplifying_states = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    partners = _partner_field(many=True, required=False)
    measures = json_fields.PrimaryKeyRelatedField(queryset=ResponseMeasure.objects.all(), many=True, required=False)
    statement = json_fields.PrimaryKeyRelatedField(queryset=Statement.objects.all(), required=False, allow_null=True)
    drafted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    classification = NamedChoiceField(Classification, read_only=True)

    class Meta:
        model = CommunicationPlan
        fields = (
            "id",
            "case",
            "title",
            "objectives",
            "audiences",
            "public",
            "channels",
            "timing",
            "embargo_until",
            "lines_to_take",
            "amplifying_states",
            "eu_delegations",
            "partner_coordination",
            "partners",
            "measures",
            "statement",
            "status",
            "drafted_by",
            "created_at",
            "updated_at",
            "classification",
        )
        read_only_fields = ("created_at", "updated_at")


class AmplifySerializer(serializers.Serializer):
    member_state = json_fields.SlugRelatedField(
        slug_field="code", queryset=MemberState.objects.all(), required=False, allow_null=True, default=None, help_text="Default: your own"
    )
