"""The drafts API: every kind of draft (options notes, strategic response
notes, statements) has one shape — versions, comparison, comments,
lifecycle, PDF. An app's viewset for its kind subclasses
:class:`NoteViewSetBase` with its serializer, queryset and creation.

Domain errors are answered by the project's exception handler
(``cdt.workflow.http.api_exception_handler``): 403, 409 with the status
found, 400 naming the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.api.filters import RestrictedSearchFilter, StrictFilterBackend
from cdt.security.access import can_view_child
from cdt.security.api import ProtectedViewSetMixin
from cdt.security.types import AuthenticatedRequest
from cdt.workflow import workflow_for
from cdt.workflow.engine import step_of

from .. import compare, services
from ..pdf import PdfUnavailable, note_pdf
from .serializers import CommentSerializer, CompareRowSerializer, NoteTransitionSerializer, SaveSerializer, VersionSerializer


class NoteViewSetBase(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = AUTHENTICATED_WITH_SCOPE
    #: The registered kind's name (``drafting.kinds``).
    kind = ""
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    search_fields = ["title"]

    @extend_schema(request=SaveSerializer)
    @action(detail=True, methods=["post"], url_path="save")
    def save_version(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Save a new version (draft or circulated notes; the EEAS). With
        ``base_version``, 409 if someone saved a newer version meanwhile."""
        note = self.get_object()
        body = SaveSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        note = services.note_save(by=request.user, note=note, **body.validated_data)
        return Response(self.get_serializer(note).data)

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="versions", pagination_class=None, filter_backends=[])
    def versions(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(VersionSerializer(services.note_versions(self.get_object()), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="default: the first version"),
            OpenApiParameter("to", int, description="default: the latest version"),
        ],
        responses=CompareRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="compare", pagination_class=None, filter_backends=[])
    def compare(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Two versions side by side, section by section, changes marked."""
        versions = {version.number: version for version in services.note_versions(self.get_object())}
        try:
            old = versions[int(request.query_params.get("from", min(versions)))]
            new = versions[int(request.query_params.get("to", max(versions)))]
        except (KeyError, ValueError):
            raise serializers.ValidationError({"from": "Name two versions of this note: ?from=N&to=M."}) from None
        return Response(CompareRowSerializer(compare.compare(old.content, new.content, self.kind), many=True).data)

    @extend_schema(methods=["get"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["post"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], url_path="comments", pagination_class=None, filter_backends=[])
    def comments(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        note = self.get_object()
        if request.method == "GET":
            return Response(CommentSerializer(note.comments.select_related("author"), many=True).data)
        body = CommentSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        comment = services.note_comment(by=request.user, note=note, **body.validated_data)
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
    def take_transition(self, request: AuthenticatedRequest, pk: str | None = None, transition: str | None = None) -> Response:
        note, transition = self.get_object(), transition or ""
        try:
            step_of(workflow_for(note), transition)
        except ValueError:
            raise Http404("No such transition.") from None
        body = NoteTransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        decision = body.validated_data["decision"]
        if decision is not None and not can_view_child(request.user, decision):
            raise ValidationError({"decision": "No such decision."})
        note = services.note_transition(by=request.user, note=note, transition=transition, decision=decision, on=body.validated_data["on"])
        return Response(self.get_serializer(note).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 503: OpenApiResponse(description="PDF rendering unavailable")})
    @action(detail=True, methods=["get"], url_path="pdf")
    def pdf(self, request: AuthenticatedRequest, pk: str | None = None) -> Response | HttpResponse:
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
