from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import VisibleCaseField
from cdt.accounts.models import ApiToken
from cdt.core.api import fields as json_fields
from cdt.core.text import unstorable_reason
from cdt.directory.models import Organisation
from cdt.security.access import visible_to
from cdt.security.api import MarkingsSerializer, NamedChoiceField
from cdt.security.markings import Classification, Distribution, Tlp, validate_classification_ceiling

from ..models import Assessment, FeedClient, RequestForInformation, ThreatActor
from ..services import ACTOR_CORRECTABLE


class ThreatActorSerializer(json_fields.ModelSerializer):
    """An entry of the registry; the EEAS and SIAC correct it with PATCH."""

    aliases = serializers.ListField(child=json_fields.CharField(max_length=200), max_length=100, required=False)
    external_references = serializers.JSONField(
        required=False, help_text='A list of {"source_name", "external_id", "url", "description"}, source_name required, all text.'
    )

    class Meta:
        model = ThreatActor
        fields = ("id", *ACTOR_CORRECTABLE, "stix_id")  # what the EEAS and SIAC may correct, and the ids
        read_only_fields = ("stix_id",)

    REFERENCE_KEYS = ("source_name", "external_id", "url", "description")

    def validate_external_references(self, references):
        """As the feed writes them: STIX external references, text only."""
        if not isinstance(references, list) or len(references) > 100:
            raise serializers.ValidationError(_("Give a list of at most 100 references."))
        for reference in references:
            if (
                not isinstance(reference, dict)
                or not isinstance(reference.get("source_name"), str)
                or not reference["source_name"].strip()
                or set(reference) - set(self.REFERENCE_KEYS)
                or not all(isinstance(value, str) and len(value) <= 2000 and not unstorable_reason(value) for value in reference.values())
            ):
                raise serializers.ValidationError(
                    _("Each reference is an object with a source_name and, optionally, external_id, url and description, all text.")
                )
        return references


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


class CaseLinkSerializer(serializers.Serializer):
    """The case an assessment is linked to or unlinked from."""

    case = VisibleCaseField()


class AnswerSerializer(serializers.Serializer):
    assessment = json_fields.PrimaryKeyRelatedField(queryset=Assessment.objects.all())


class FeedClientSerializer(json_fields.ModelSerializer):
    """A feed client's settings. The token is named by id and described, never
    its key (only a hash of it is stored anyway)."""

    token = json_fields.PrimaryKeyRelatedField(queryset=ApiToken.objects.filter(revoked_at__isnull=True))
    token_name = serializers.CharField(source="token.name", read_only=True)
    token_user = serializers.CharField(source="token.user.username", read_only=True)
    default_classification = NamedChoiceField(Classification, validators=[validate_classification_ceiling])
    default_tlp = NamedChoiceField(Tlp)
    releasable_to = json_fields.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), many=True, required=False)
    shared_with = json_fields.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), many=True, required=False)

    class Meta:
        model = FeedClient
        fields = (
            "id",
            "token",
            "token_name",
            "token_user",
            "default_classification",
            "default_limite",
            "default_tlp",
            "releasable_to_all",
            "releasable_to",
            "shared_with",
            "shared_with_all_delegations",
        )
