from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from awareness.models import ThreatActor
from cdt.accounts.models import User
from cdt.core.api import fields as json_fields
from cdt.directory.models import MemberState, Organisation
from cdt.security.api import MarkingsSerializer, NamedChoiceField
from cdt.security.markings import Classification, Distribution, validate_classification_ceiling
from cdt.security.selectors import protected_queryset

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from ..models import (
    DIMENSIONS,
    Case,
    CaseKind,
    CaseState,
    CaseTransition,
    ClosureReason,
    ProportionalityAssessment,
    Sector,
    SignificanceAssessment,
)


class CaseSerializer(MarkingsSerializer):
    """A case. ``state`` (the step of the response process) is read-only:
    it changes only through ``transitions/{transition}/``. The originator is
    the opener's organisation."""

    originator: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(  # type: ignore[assignment]  # a declared field: DRF's metaclass takes it off the class
        slug_field="code", read_only=True
    )
    state = serializers.ChoiceField(choices=CaseState.choices, read_only=True)
    state_label = json_fields.CharField(source="get_state_display", read_only=True)
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    brought_by = json_fields.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    sectors = serializers.ListField(child=serializers.ChoiceField(choices=Sector.choices), required=False)
    member_states_affected = json_fields.SlugRelatedField(slug_field="code", queryset=MemberState.objects.all(), many=True, required=False)
    suspected_actors = json_fields.PrimaryKeyRelatedField(queryset=ThreatActor.objects.all(), many=True, required=False)
    first_seen = json_fields.PartialDateField(
        date_field="first_seen",
        precision_field="first_seen_precision",
        required=False,
        help_text=_("YYYY-MM-DD, or YYYY-MM when the record gives only the month."),
    )
    last_seen = json_fields.PartialDateField(
        date_field="last_seen",
        precision_field="last_seen_precision",
        required=False,
        help_text=_("YYYY-MM-DD, or YYYY-MM when the record gives only the month."),
    )
    closure_reason = serializers.ChoiceField(choices=ClosureReason.choices, read_only=True, allow_blank=True)
    merged_into: serializers.SlugRelatedField[Case] = json_fields.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    distribution = serializers.ChoiceField(  # writable here, on opening only
        choices=[Distribution.HWPCI, Distribution.RESTRICTED],
        required=False,
        help_text=_(
            "On opening: hwpci (default: every delegation, the Presidency, the EEAS, SIAC, the secretariat) or restricted "
            "(originator control: you, the secretariat and `shared_with`). Later through `share/` and `unshare/`."
        ),
    )
    shared_with = json_fields.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.all(),
        many=True,
        required=False,
        write_only=True,
        help_text=_("On opening: organisations in the loop besides HWPCI (Commission services the case involves, a partner)."),
    )

    class Meta:
        model = Case
        fields = (
            "id",
            "reference",
            "kind",
            "title",
            "summary",
            "brought_by",
            "brought_on",
            "exercise",
            "state",
            "state_label",
            "context",
            "legal_qualification",
            "article_42_7_invoked",
            "article_222_invoked",
            "ipcr_activated",
            "hybrid_toolbox_linked",
            "fimi_toolbox_linked",
            "activity_name",
            "first_seen",
            "last_seen",
            "victims",
            "sectors",
            "member_states_affected",
            "origin_territory",
            "transit_territory",
            "suspected_actors",
            "closure_reason",
            "merged_into",
            "created_at",
            "updated_at",
            *MarkingsSerializer.MARKING_FIELDS,
            "shared_with",
        )
        read_only_fields = ("reference", "created_at", "updated_at")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is not None:
            for name in ("distribution", "shared_with"):
                if name in attrs:
                    raise serializers.ValidationError({name: [_("Change who is in the loop through share/ and unshare/.")]})
        return attrs


class CaseListSerializer(CaseSerializer):
    """A case in a list: what a list shows (reference, title, step, who
    brought it and when, its markings) and no more. The whole case is its
    detail (``/api/v1/cases/{id}/``). Serialising the 37 fields of every case
    on a page cost the API list most of its time (issue 29; docs/api-and-feeds.md,
    "Lists and details")."""

    class Meta(CaseSerializer.Meta):
        fields: tuple[str, ...] = (  # type: ignore[assignment]  # fewer than the detail's, on purpose
            "id",
            "reference",
            "kind",
            "title",
            "brought_by",
            "brought_on",
            "exercise",
            "state",
            "state_label",
            "updated_at",
            *MarkingsSerializer.MARKING_FIELDS,
        )
        read_only_fields: tuple[str, ...] = fields  # type: ignore[assignment]  # a list is read, never written


class ExerciseChangeSerializer(serializers.Serializer):
    """Body of ``cases/{id}/exercise/``: the Council secretariat moves a case
    between the real and the exercise registers, and says why (audited)."""

    exercise = json_fields.BooleanField(help_text=_("true: the exercise register; false: the real one."))
    reason = json_fields.CharField(max_length=1000, help_text=_("Why the case moves (kept in the audit trail)."))


class VisibleCaseField(json_fields.PrimaryKeyRelatedField):
    """A case named by id in a request body, looked up among the cases the
    caller may see (the one access rule, ``protected_queryset``): an id that
    does not exist and one the caller may not see get the same "No such
    case." (it was DRF's "Invalid pk … object does not exist." for the one
    and "No such case." for the other). Needs the request in the context."""

    default_error_messages: ClassVar[dict[str, StrOrPromise]] = {"does_not_exist": _("No such case.")}

    def __init__(self, **kwargs: Any) -> None:
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Case.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Case]:
        request = self.context.get("request")
        if request is None:
            raise ImproperlyConfigured("VisibleCaseField needs the request in the serializer's context.")
        # Set in __init__ unless read-only, and DRF asks only writable fields for it.
        return protected_queryset(cast("QuerySet[Case]", super().get_queryset()), request.user)


class TransitionRequestSerializer(serializers.Serializer):
    comment = json_fields.CharField(required=False, allow_blank=True, default="")
    reason = json_fields.CharField(required=False, allow_blank=True, default="")
    target = serializers.ChoiceField(choices=CaseState.choices, required=False, allow_null=True, default=None)
    on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "The day the step was taken, when it is entered afterwards (default today): not in the future, not before the case "
            "was brought or its previous step."
        ),
    )
    merged_into = json_fields.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Reference of the case this one is merged into (close with reason “merged”)."),
    )

    def validate_merged_into(self, reference: str | None) -> Case | None:
        """Looked up among the cases the caller may see, so a reference that
        does not exist and one they may not see get the same answer (it was
        "Object with reference=… does not exist." for the one, "No such
        case." for the other: a way to learn which references exist)."""
        if reference is None:
            return None
        case = protected_queryset(Case.objects.filter(reference=reference.strip()), self.context["request"].user).first()
        if case is None:
            raise serializers.ValidationError(_("No such case."))
        return case


class TransitionOptionSerializer(serializers.Serializer):
    name = json_fields.CharField(source="spec.name")
    label = json_fields.CharField(source="spec.label")  # type: ignore[assignment]  # a declared field: DRF's metaclass takes it off the class
    available = json_fields.BooleanField()
    blocked_by = serializers.ListField(child=json_fields.CharField())
    needs = serializers.ListField(source="spec.needs", child=json_fields.CharField())
    targets = serializers.ListField(source="spec.targets", child=json_fields.CharField())
    reasons = serializers.ListField(source="spec.reasons", child=json_fields.CharField())


class CaseTransitionSerializer(json_fields.ModelSerializer):
    by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    by_organisation = json_fields.CharField(source="by.organisation.code", read_only=True, default=None, allow_null=True)
    merged_into = json_fields.CharField(
        source="shown_merged_into.reference",
        read_only=True,
        default=None,
        allow_null=True,
        help_text=_("Reference of the case this step merged the case into; null if none, or if you may not see that case."),
    )

    class Meta:
        model = CaseTransition
        fields = ("id", "transition", "source", "target", "by", "by_organisation", "on", "at", "comment", "reason", "merged_into")


class AssessmentSerializer(json_fields.ModelSerializer):
    """What every assessment of a case shows: who, when, at what level."""

    assessed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    classification = NamedChoiceField(
        Classification,
        validators=[validate_classification_ceiling],
        required=False,
        help_text=_("Defaults to the case's classification; may be higher, never lower."),
    )


class ProportionalityAssessmentSerializer(AssessmentSerializer):
    class Meta:
        model = ProportionalityAssessment
        fields = ("id", "assessed_by", "assessed_at", "classification", *[f for d in DIMENSIONS for f in (d, f"{d}_rationale")])
        read_only_fields = ("assessed_at",)


class SignificanceAssessmentSerializer(AssessmentSerializer):
    class Meta:
        model = SignificanceAssessment
        fields = ("id", "assessed_by", "assessed_at", "classification", *[f"factor_{letter}" for letter in "abcdefg"], "conclusion")
        read_only_fields = ("assessed_at",)
