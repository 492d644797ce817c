"""Options notes and strategic response notes in the API: their fields
and how each is created; everything else is the drafts API
(:class:`drafting.api.views.NoteViewSetBase`)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from awareness.models import ThreatActor
from cases.models import Case
from cases.selectors import case_list
from cdt.core.access import OBJECT, declare_access
from cdt.core.api import fields as json_fields
from cdt.security.api import MarkingsSerializer, NamedChoiceField
from cdt.security.markings import Classification
from council.api.views import visible_case
from drafting.api.views import NoteViewSetBase

from .. import services
from ..models import OptionsNote, StrategicResponseNote


class OptionsNoteSerializer(json_fields.ModelSerializer):
    case = json_fields.PrimaryKeyRelatedField(queryset=Case.objects.all())
    status = json_fields.CharField(read_only=True)
    drafted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    classification = NamedChoiceField(Classification, read_only=True)

    class Meta:
        model = OptionsNote
        fields = (
            "id",
            "case",
            "title",
            "status",
            "version",
            "content",
            "supersedes",
            "drafted_by",
            "created_at",
            "submitted_at",
            "classification",
        )
        read_only_fields = ("version", "supersedes", "created_at", "submitted_at")


class StrategicNoteSerializer(MarkingsSerializer):
    actor = serializers.PrimaryKeyRelatedField(queryset=ThreatActor.objects.all())
    originator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = json_fields.CharField(read_only=True)
    drafted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    cases = serializers.SerializerMethodField()

    class Meta:
        model = StrategicResponseNote
        fields = (
            "id",
            "actor",
            "title",
            "status",
            "version",
            "content",
            "review_on",
            "approval",
            "drafted_by",
            "created_at",
            "submitted_at",
            "cases",
            *MarkingsSerializer.MARKING_FIELDS,
        )
        read_only_fields = ("version", "approval", "created_at", "submitted_at")

    def get_cases(self, note) -> list[int]:
        """The cases about the actor that the reader may see (prefetched by
        the viewset's queryset as ``actor.visible_cases``; read here otherwise)."""
        prefetched = getattr(note.actor, "visible_cases", None)
        if prefetched is not None:
            return [case.pk for case in prefetched]

        return list(case_list(user=self.context["request"].user).filter(suspected_actors=note.actor_id).values_list("pk", flat=True))


@declare_access(OBJECT, model=OptionsNote)
class OptionsNoteViewSet(NoteViewSetBase):
    """Options notes (step 3): drafted by the EEAS on one case."""

    kind = "options"
    serializer_class = OptionsNoteSerializer
    queryset = OptionsNote.objects.select_related("case", "drafted_by").order_by("-created_at", "-id")
    filterset_fields = ["case", "status"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = visible_case(self.request.user, data.pop("case"))
        serializer.instance = services.options_note_create(by=self.request.user, case=case, **data)

    @extend_schema(request=None, responses={201: OptionsNoteSerializer})
    @action(detail=True, methods=["post"], url_path="revise")
    def revise(self, request, pk=None):
        """A new draft continuing a submitted note; it supersedes it once submitted."""
        revision = services.options_note_revise(by=request.user, note=self.get_object())
        return Response(self.get_serializer(revision).data, status=status.HTTP_201_CREATED)


@declare_access(OBJECT, model=StrategicResponseNote)
class StrategicNoteViewSet(NoteViewSetBase):
    """Strategic response notes (para 15): one living note per persistent actor."""

    kind = "strategic"
    serializer_class = StrategicNoteSerializer
    queryset = (
        StrategicResponseNote.objects.select_related("actor", "drafted_by", "originator")
        .prefetch_related("releasable_to")
        .order_by("actor__name")
    )
    filterset_fields = ["actor", "status"]

    def get_queryset(self):
        """With the cases about each note's actor that the user may see, in
        one query for the page (the serializer's ``cases``)."""
        # Whole rows: a case with a deferred field reads it back at once (its state machine does).
        visible_cases = case_list(user=self.request.user).select_related(None)
        return super().get_queryset().prefetch_related(Prefetch("actor__cases", queryset=visible_cases, to_attr="visible_cases"))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.strategic_note_create(by=self.request.user, **data)
