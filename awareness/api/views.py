"""The awareness API: the threat-actor registry, assessments and
requests for information."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cases.models import Case
from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, OBJECT, declare_access
from cdt.core.api.filters import RestrictedSearchFilter, StrictFilterBackend
from cdt.security.api import ProtectedViewSetMixin
from cdt.security.selectors import protected_queryset
from council.api.views import visible_case

from .. import selectors, services
from ..export import actor_stix_bundle
from ..filters import AssessmentFilter
from ..models import Assessment, RequestForInformation
from .serializers import AnswerSerializer, AssessmentSerializer, RequestForInformationSerializer, ThreatActorSerializer


class StixRenderer(JSONRenderer):
    media_type = "application/stix+json"
    format = "stix"
    charset = None


@declare_access(AUTHENTICATED)
class ThreatActorViewSet(viewsets.ReadOnlyModelViewSet):
    """The threat-actor registry (reference data; what is said about an
    actor is in access-controlled assessments)."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = ThreatActorSerializer
    queryset = selectors.actor_list()
    filter_backends = [RestrictedSearchFilter]
    search_fields = ["name", "aliases", "suspected_sponsor"]

    @extend_schema(
        responses={(200, "application/stix+json;version=2.1"): OpenApiTypes.OBJECT},
        description='A STIX 2.1 bundle of the actor and what you may share about it (see docs/api-and-feeds.md, "STIX export").',
    )
    @action(detail=True, methods=["get"], url_path="stix", renderer_classes=[StixRenderer, JSONRenderer])
    def stix(self, request, pk=None):
        bundle = actor_stix_bundle(actor=self.get_object(), user=request.user, request=request)
        return Response(
            bundle,
            content_type="application/stix+json;version=2.1",
            headers={"Content-Disposition": f'attachment; filename="{bundle["id"]}.json"'},
        )


@declare_access(OBJECT, model=Assessment)
class AssessmentViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Assessments and briefings, each under its own markings and grants."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = AssessmentSerializer
    queryset = (
        Assessment.objects.select_related("source", "originator", "recorded_by")
        .prefetch_related("actors", "releasable_to")  # and the cases the reader may see: get_queryset
        .order_by("-assessed_on", "-id")
    )
    filter_backends = [StrictFilterBackend]
    filterset_class = AssessmentFilter

    def get_queryset(self) -> QuerySet[Assessment]:
        """With, as ``cases``, only the cases the reader may see (one query
        for the page): an assessment that follows its cases reaches every
        reader of one of them, and must not name the others."""
        # Real and exercise cases alike (an assessment may inform either).
        visible_cases = protected_queryset(Case.objects.all(), self.request.user).order_by("pk")
        return super().get_queryset().prefetch_related(Prefetch("cases", queryset=visible_cases))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        for case in data.get("cases", []):
            visible_case(self.request.user, case, field="cases")
        serializer.instance = services.assessment_record(by=self.request.user, **data)


@declare_access(OBJECT, model=RequestForInformation)
class RequestForInformationViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Requests for information on a case, with their due date; answered by linking an assessment."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = RequestForInformationSerializer
    queryset = RequestForInformation.objects.select_related("case", "addressed_to", "asked_by").order_by("due_on", "id")
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "addressed_to"]
    search_fields = ["question", "case__title", "case__reference"]

    def get_queryset(self):
        return selectors.with_answer_visibility(super().get_queryset(), user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        visible_case(self.request.user, data["case"])
        serializer.instance = services.rfi_ask(by=self.request.user, **data)

    @extend_schema(request=AnswerSerializer, responses=RequestForInformationSerializer)
    @action(detail=True, methods=["post"], url_path="answer")
    def answer(self, request, pk=None):
        rfi = self.get_object()
        body = AnswerSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        rfi = services.rfi_answer(by=request.user, rfi=rfi, assessment=body.validated_data["assessment"])
        return Response(RequestForInformationSerializer(rfi, context={"request": request}).data)
