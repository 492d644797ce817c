from rest_framework import serializers

from cases.api.serializers import VisibleCaseField
from cdt.core.api import fields as json_fields
from cdt.directory.models import Organisation
from cdt.security.access import visible_to
from cdt.security.api import MarkingsSerializer
from cdt.security.markings import Distribution

from ..models import Assessment, RequestForInformation, ThreatActor


class ThreatActorSerializer(json_fields.ModelSerializer):
    class Meta:
        model = ThreatActor
        fields = (
            "id",
            "name",
            "kind",
            "persistent",
            "aliases",
            "suspected_sponsor",
            "unit",
            "description",
            "first_seen",
            "last_seen",
            "external_references",
            "stix_id",
        )


class AssessmentSerializer(MarkingsSerializer):
    originator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source = json_fields.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), required=False)
    cases = VisibleCaseField(many=True, required=False)
    actors = json_fields.PrimaryKeyRelatedField(queryset=ThreatActor.objects.all(), many=True, required=False)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    shared_with = json_fields.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.all(),
        many=True,
        required=False,
        write_only=True,
        help_text="Organisations given need-to-know besides yours and the secretariat.",
    )
    shared_with_all_delegations = json_fields.BooleanField(
        required=False, default=False, write_only=True, help_text="Distribute to HWPCI (the same as distribution=hwpci)."
    )
    distribution = serializers.ChoiceField(
        choices=Distribution.choices,
        required=False,
        help_text=(
            "with_cases (default when cases are named): whoever sees one of the cases; hwpci; restricted (default otherwise): "
            "you, the secretariat and `shared_with`. The markings apply on top (TLP:AMBER+STRICT stays in your organisation)."
        ),
    )

    class Meta:
        model = Assessment
        fields = (
            "id",
            "kind",
            "source",
            "title",
            "body",
            "assessed_on",
            "confidence",
            "cases",
            "actors",
            "recorded_by",
            "shared_with",
            "shared_with_all_delegations",
            *MarkingsSerializer.MARKING_FIELDS,
        )


class RequestForInformationSerializer(json_fields.ModelSerializer):
    case = VisibleCaseField()
    addressed_to = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    asked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = json_fields.BooleanField(read_only=True)

    class Meta:
        model = RequestForInformation
        fields = ("id", "case", "addressed_to", "question", "due_on", "asked_by", "asked_at", "answer", "answered_at", "overdue")
        read_only_fields = ("asked_at", "answer", "answered_at")

    def to_representation(self, instance):
        """The answering assessment's id only if the reader may see it (lists
        annotate ``answer_visible``: :func:`awareness.selectors.with_answer_visibility`)."""
        data = super().to_representation(instance)
        if instance.answer_id:
            visible = getattr(instance, "answer_visible", None)
            if visible is None:
                user = self.context["request"].user if "request" in self.context else None
                visible = user is not None and visible_to(Assessment.objects.filter(pk=instance.answer_id), user).exists()
            if not visible:
                data["answer"] = None
        return data


class AnswerSerializer(serializers.Serializer):
    assessment = json_fields.PrimaryKeyRelatedField(queryset=Assessment.objects.all())
