from rest_framework import serializers

from cases.api.serializers import VisibleCaseField
from cdt.core.api import fields as json_fields
from cdt.directory.models import CouncilBody
from cdt.security.api import NamedChoiceField
from cdt.security.markings import Classification, validate_classification_ceiling

from ..choices import LegalActKind
from ..legal_acts import validate_celex
from ..models import (
    AgendaItem,
    Decision,
    LegalAct,
    Meeting,
    Position,
    PositionValue,
    Procedure,
    Question,
    VotingRule,
    WrittenProcedure,
)


def flat_list_errors(detail, names: tuple[str, ...]):
    """DRF's errors of a nested list (``{"legal_acts": [{}, {"celex": [...]}]}``)
    keyed by the item and field instead (``{"legal_acts[1].celex": [...]}``),
    so a 400 names the exact field of the exact item."""
    if not isinstance(detail, dict):
        return detail
    flat = {}
    for key, value in detail.items():
        items = enumerate(value) if isinstance(value, list) else value.items() if isinstance(value, dict) else None
        if key not in names or items is None:
            flat[key] = value
            continue
        for index, item in items:
            if isinstance(item, dict):
                for field, messages in item.items():
                    flat[f"{key}[{index}]" if field == "non_field_errors" else f"{key}[{index}].{field}"] = messages
            elif item:  # a message about the list itself ("Expected a list")
                flat.setdefault(key, []).append(item)
    return flat


class FlatListErrorsMixin:
    """Errors of the nested lists named in ``flat_lists`` as ``name[i].field``."""

    flat_lists: tuple[str, ...] = ()

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as error:
            raise serializers.ValidationError(flat_list_errors(error.detail, self.flat_lists)) from error


class OutcomeSerializer(serializers.Serializer):
    adopted = json_fields.BooleanField()
    pending = json_fields.BooleanField()
    explanation = json_fields.CharField()
    counts = serializers.DictField(child=json_fields.IntegerField())
    population = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2),
        allow_null=True,
        help_text="Percent of the population by stance; null when the rule did not need population (or the year's figures are missing).",
    )


class AgendaItemSerializer(json_fields.ModelSerializer):
    case = VisibleCaseField(required=False, allow_null=True)
    case_reference = json_fields.CharField(source="case.reference", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = ("id", "order", "title", "case", "case_reference", "conclusions", "follow_up", "next_steps")
        read_only_fields = ("order",)


class MeetingSerializer(json_fields.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="code", queryset=CouncilBody.objects.all())
    chaired_by = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    agenda_items = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ("id", "body", "starts_at", "title", "location", "chaired_by", "agenda_published_at", "agenda_items")
        read_only_fields = ("agenda_published_at",)


class QuestionSerializer(json_fields.ModelSerializer):
    case = VisibleCaseField()
    case_reference = json_fields.CharField(source="case.reference", read_only=True)
    body = serializers.SlugRelatedField(slug_field="code", queryset=CouncilBody.objects.all())
    voting_rule = serializers.ChoiceField(choices=VotingRule.choices)
    classification = NamedChoiceField(Classification, validators=[validate_classification_ceiling], required=False)
    put_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Question
        fields = (
            "id",
            "case",
            "case_reference",
            "text",
            "voting_rule",
            "body",
            "classification",
            "status",
            "put_by",
            "put_on",
            "put_at",
        )
        read_only_fields = ("status", "put_at")
        extra_kwargs = {"put_on": {"required": False, "help_text": "The day the question was put (default today; not in the future)."}}


class PositionSerializer(json_fields.ModelSerializer):
    member_state = serializers.SlugRelatedField(slug_field="code", read_only=True)
    member_state_name = json_fields.CharField(source="member_state.name", read_only=True)
    value = serializers.ChoiceField(choices=PositionValue.choices)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Position
        fields = ("member_state", "member_state_name", "value", "reserve", "declaration", "stated_orally", "recorded_by", "updated_at")
        read_only_fields = ("stated_orally", "updated_at")


class PositionsBoardSerializer(serializers.Serializer):
    question = json_fields.IntegerField(source="question.pk")
    voting_rule = json_fields.CharField(source="question.voting_rule")
    day = serializers.DateField(help_text="The day whose population figures apply: the decision's, the deadline's or the question's.")
    population_year = json_fields.IntegerField(allow_null=True, help_text="The year of the figures used; null if none were needed.")
    population_missing_year = json_fields.IntegerField(
        allow_null=True, help_text="The year whose complete figures the rule needs and CDT lacks."
    )
    positions = PositionSerializer(many=True)
    outcome = OutcomeSerializer()
    silence_outcome = OutcomeSerializer(allow_null=True)


class PositionEntrySerializer(serializers.Serializer):
    """One state's position in a tour de table."""

    member_state = json_fields.CharField(max_length=2, help_text="Council code (EL for Greece).")
    value = serializers.ChoiceField(choices=PositionValue.choices)
    reserve = serializers.ChoiceField(choices=Position.Reserve.choices, required=False, allow_blank=True, default="")
    declaration = json_fields.CharField(required=False, allow_blank=True, default="", max_length=5000)


class TourDeTableSerializer(FlatListErrorsMixin, serializers.Serializer):
    """A tour de table: the positions stated in a meeting, each state at most once."""

    flat_lists = ("positions",)
    positions = PositionEntrySerializer(many=True, allow_empty=False)


class LegalActSerializer(json_fields.ModelSerializer):
    """One act a decision is published as. On input ``adopted_on`` defaults
    to the decision's date and ``celex`` is derived for Council decisions
    and regulations when not given."""

    kind = serializers.ChoiceField(choices=LegalActKind.choices)
    celex = json_fields.CharField(required=False, allow_blank=True, max_length=20, validators=[validate_celex])
    adopted_on = serializers.DateField(required=False)

    class Meta:
        model = LegalAct
        fields = ("kind", "number", "celex", "oj_reference", "title", "adopted_on")


class DecisionSerializer(json_fields.ModelSerializer):
    legal_acts = LegalActSerializer(many=True, read_only=True)
    case_reference = json_fields.CharField(source="case.reference", read_only=True)
    body = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    voting_rule = serializers.ChoiceField(choices=VotingRule.choices, read_only=True, allow_blank=True)

    class Meta:
        model = Decision
        fields = (
            "id",
            "case",
            "case_reference",
            "question",
            "body",
            "procedure",
            "voting_rule",
            "adopted",
            "explanation",
            "tally",
            "legal_act",
            "legal_acts",
            "decided_on",
        )
        read_only_fields = fields


class DecisionActsSerializer(FlatListErrorsMixin, serializers.Serializer):
    """A decision's legal acts, replaced as a whole (``[]`` removes them)."""

    flat_lists = ("legal_acts",)
    legal_acts = LegalActSerializer(many=True)


class DecisionRequestSerializer(FlatListErrorsMixin, serializers.Serializer):
    """Either ``question`` (a decision taken in a meeting: the outcome is
    computed from the positions) or ``case`` with ``procedure: hr_act``;
    ``legal_acts`` are recorded with it."""

    flat_lists = ("legal_acts",)

    question = json_fields.PrimaryKeyRelatedField(queryset=Question.objects.all(), required=False)
    case = VisibleCaseField(required=False)
    procedure = serializers.ChoiceField(choices=[Procedure.MEETING, Procedure.HR_ACT], default=Procedure.MEETING)
    explanation = json_fields.CharField(required=False, allow_blank=True, default="")
    legal_act = json_fields.CharField(required=False, allow_blank=True, default="", max_length=300)
    legal_acts = LegalActSerializer(many=True, required=False)
    decided_on = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs["procedure"] == Procedure.HR_ACT and "case" not in attrs:
            raise serializers.ValidationError({"case": "An HR discretionary act names its case."})
        if attrs["procedure"] == Procedure.MEETING and "question" not in attrs:
            raise serializers.ValidationError({"question": "A decision in a meeting names the question decided."})
        return attrs


class WrittenProcedureSerializer(json_fields.ModelSerializer):
    question = json_fields.PrimaryKeyRelatedField(queryset=Question.objects.all())
    case_reference = json_fields.CharField(source="case.reference", read_only=True)
    decision = DecisionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = WrittenProcedure
        fields = (
            "id",
            "question",
            "case",
            "case_reference",
            "kind",
            "coreu_reference",
            "deadline",
            "status",
            "opened_at",
            "closed_at",
            "decision",
        )
        read_only_fields = ("case", "status", "opened_at", "closed_at", "decision")
