"""The notes API: every kind of draft (``measures.drafting``): options
notes, strategic response notes and the attribution app's statements share
one shape — versions, comparison, comments, lifecycle, PDF."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from awareness.models import ThreatActor
from cases.api.views import validation_error
from cases.models import Case
from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import OBJECT, declare_access
from cdt.core.api import fields as json_fields
from cdt.core.api.filters import RestrictedSearchFilter, StrictFilterBackend
from cdt.security.access import can_view_child
from cdt.security.api import MarkingsSerializer, NamedChoiceField, ProtectedViewSetMixin
from cdt.security.markings import Classification
from cdt.workflow import TransitionConflict
from council.api.views import ServiceErrors, visible_case
from council.models import Decision

from .. import notes, services
from ..models import OptionsNote, StrategicResponseNote
from ..pdf import PdfUnavailable, note_pdf


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
        from cases.selectors import case_list

        return list(case_list(user=self.context["request"].user).filter(suspected_actors=note.actor_id).values_list("pk", flat=True))


class SaveSerializer(serializers.Serializer):
    title = json_fields.CharField(max_length=300)
    content = serializers.JSONField()
    base_version = json_fields.IntegerField(
        required=False,
        min_value=1,
        help_text="The version this text was edited from: if someone has saved a newer one, nothing is saved (409).",
    )


class VersionSerializer(serializers.Serializer):
    number = json_fields.IntegerField()
    title = json_fields.CharField()
    content = serializers.JSONField()
    saved_by = json_fields.CharField(source="saved_by.username")
    saved_at = json_fields.DateTimeField()


class CommentSerializer(serializers.Serializer):
    id = json_fields.IntegerField(read_only=True)
    anchor = json_fields.CharField()
    text = json_fields.CharField()
    version_number = json_fields.IntegerField(read_only=True)
    author = json_fields.CharField(source="author.username", read_only=True)
    created_at = json_fields.DateTimeField(read_only=True)


class NoteTransitionSerializer(serializers.Serializer):
    decision = json_fields.PrimaryKeyRelatedField(
        queryset=Decision.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="approve (strategic response note), publish (statement): the adopted decision",
    )
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text="publish (statement): the date of publication")


class CompareRowSerializer(serializers.Serializer):
    anchor = json_fields.CharField()
    heading = json_fields.CharField()
    old = json_fields.CharField(help_text="HTML: escaped text with <del> for what the later version removed")
    new = json_fields.CharField(help_text="HTML: escaped text with <ins> for what it added")
    changed = json_fields.BooleanField()


class NoteViewSetBase(ServiceErrors, ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = AUTHENTICATED_WITH_SCOPE
    kind = ""
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    search_fields = ["title"]

    @extend_schema(request=SaveSerializer)
    @action(detail=True, methods=["post"], url_path="save")
    def save_version(self, request, pk=None):
        """Save a new version (draft or circulated notes; the EEAS). With
        ``base_version``, 409 if someone saved a newer version meanwhile."""
        note = self.get_object()
        body = SaveSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        try:
            note = self.call(services.note_save, by=request.user, note=note, **body.validated_data)
        except TransitionConflict as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(note).data)

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="versions", pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        return Response(VersionSerializer(services.note_versions(self.get_object()), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="default: the first version"),
            OpenApiParameter("to", int, description="default: the latest version"),
        ],
        responses=CompareRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="compare", pagination_class=None, filter_backends=[])
    def compare(self, request, pk=None):
        """Two versions side by side, section by section, changes marked."""
        versions = {version.number: version for version in services.note_versions(self.get_object())}
        try:
            old = versions[int(request.query_params.get("from", min(versions)))]
            new = versions[int(request.query_params.get("to", max(versions)))]
        except (KeyError, ValueError):
            raise serializers.ValidationError({"from": "Name two versions of this note: ?from=N&to=M."}) from None
        return Response(CompareRowSerializer(notes.compare(old.content, new.content, self.kind), many=True).data)

    @extend_schema(methods=["get"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["post"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], url_path="comments", pagination_class=None, filter_backends=[])
    def comments(self, request, pk=None):
        note = self.get_object()
        if request.method == "GET":
            return Response(CommentSerializer(note.comments.select_related("author"), many=True).data)
        body = CommentSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        comment = self.call(services.note_comment, by=request.user, note=note, **body.validated_data)
        return Response(CommentSerializer(comment, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=NoteTransitionSerializer,
        responses={
            200: OpenApiResponse(description="The note after the step."),
            400: OpenApiResponse(description="Missing or wrong decision."),
            403: OpenApiResponse(description="Not yours to take."),
            409: OpenApiResponse(description="The note's status does not allow it."),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<transition>[a-z_]+)")
    def take_transition(self, request, pk=None, transition=None):
        note = self.get_object()
        body = NoteTransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        decision = body.validated_data["decision"]
        if decision is not None and not can_view_child(request.user, decision):
            raise validation_error(DjangoValidationError({"decision": "No such decision."}))
        try:
            note = services.note_transition(
                by=request.user, note=note, transition=transition, decision=decision, on=body.validated_data["on"]
            )
        except ValueError:
            raise Http404("No such transition.") from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except TransitionConflict as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise validation_error(error) from error
        return Response(self.get_serializer(note).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 503: OpenApiResponse(description="PDF rendering unavailable")})
    @action(detail=True, methods=["get"], url_path="pdf")
    def pdf(self, request, pk=None):
        """The note as PDF, with its marking at the top and bottom of every page."""
        note = self.get_object()
        try:
            content = note_pdf(
                note=note,
                kind=self.kind,
                user=request.user,
                versions=services.note_versions(note),
                comments=list(note.comments.select_related("author")),
                request=request,
            )
        except PdfUnavailable as error:
            return Response(
                {"detail": f"PDF rendering is not available on this server: {error}"}, status=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.kind}-note-{note.pk}-v{note.version}.pdf"'
        return response


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
        serializer.instance = self.call(services.options_note_create, by=self.request.user, case=case, **data)

    @extend_schema(request=None, responses={201: OptionsNoteSerializer})
    @action(detail=True, methods=["post"], url_path="revise")
    def revise(self, request, pk=None):
        """A new draft continuing a submitted note; it supersedes it once submitted."""
        revision = self.call(services.options_note_revise, by=request.user, note=self.get_object())
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
        from cases.selectors import case_list

        # Whole rows: a case with a deferred field reads it back at once (its state machine does).
        visible_cases = case_list(user=self.request.user).select_related(None)
        return super().get_queryset().prefetch_related(Prefetch("actor__cases", queryset=visible_cases, to_attr="visible_cases"))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self.call(services.strategic_note_create, by=self.request.user, **data)
