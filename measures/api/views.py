"""The measures API: the catalogue, measures on cases with their lifecycle,
listings, impact evaluations."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, OBJECT, declare_access
from cdt.core.api.errors import service_validation_error as validation_error
from cdt.core.api.filters import RestrictedSearchFilter, StrictFilterBackend
from cdt.security.access import can_view_child
from cdt.security.api import ProtectedViewSetMixin
from cdt.workflow import workflow_for
from council.api.views import visible_case

from .. import checks, selectors, services
from ..models import ImpactEvaluation, ResponseMeasure
from .serializers import (
    EvaluationRecordSerializer,
    ImpactEvaluationSerializer,
    ListingSerializer,
    MeasureTransitionRequestSerializer,
    MeasureTypeSerializer,
    OverrideSerializer,
    ResponseMeasureSerializer,
)


@declare_access(AUTHENTICATED)
class MeasureTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of measure types (the secretariat edits it in the console)."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = MeasureTypeSerializer
    queryset = selectors.catalogue()
    lookup_field = "slug"
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["attribution", "restrictive", "escalation_level", "active"]
    search_fields = ["name", "description"]


TRANSITION_RESPONSES = {
    400: OpenApiResponse(
        description="A guard failed (escalation without override, attribution missing; ``guards`` lists them) or input is missing."
    ),
    403: OpenApiResponse(description="You see the measure but may not take this step."),
    404: OpenApiResponse(description="No such measure (or you may not see its case), or no such transition."),
    409: OpenApiResponse(description="The measure's state does not allow it."),
}


@declare_access(OBJECT, model=ResponseMeasure)
class ResponseMeasureViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Measures proposed and taken on cases. POST proposes one; the escalation
    warning is computed and returned with it."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = ResponseMeasureSerializer
    # A restrictive measure shows its listing with the persons listed: prefetched, not read per measure.
    queryset = (
        ResponseMeasure.objects.select_related("case", "measure_type", "actor", "implementing_actor", "proposed_by", "listing")
        .prefetch_related("listing__entries")
        .annotate(escalation_basis_classification=checks.escalation_basis())
        .order_by("-proposed_at", "-id")
    )
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "state", "actor", "measure_type__slug"]
    search_fields = ["description", "case__title", "case__reference", "measure_type__name"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = visible_case(self.request.user, data.pop("case"))
        serializer.instance = services.measure_propose(by=self.request.user, case=case, **data)

    @extend_schema(request=MeasureTransitionRequestSerializer, responses={200: ResponseMeasureSerializer, **TRANSITION_RESPONSES})
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<transition>[a-z_]+)")
    def take_transition(self, request, pk=None, transition=None):
        measure = self.get_object()
        if transition not in workflow_for(ResponseMeasure).user_steps():
            raise Http404("No such transition.")
        body = MeasureTransitionRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if data["decision"] is not None and not can_view_child(request.user, data["decision"]):
            raise validation_error(DjangoValidationError({"decision": "No such decision."}))
        # Domain errors (403, 409 with the state found, 400 with the guards or
        # the field) are answered by cdt.workflow.http.api_exception_handler.
        outcome = services.measure_transition(by=request.user, measure=measure, transition=transition, **data)
        return Response(self.get_serializer(outcome.measure).data)

    @extend_schema(request=OverrideSerializer, responses={200: ResponseMeasureSerializer})
    @action(detail=True, methods=["post"], url_path="override-escalation")
    def override_escalation(self, request, pk=None):
        """The chair goes beyond the escalation warning, with a justification."""
        measure = self.get_object()
        body = OverrideSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        measure = services.measure_override_escalation(by=request.user, measure=measure, **body.validated_data)
        return Response(self.get_serializer(measure).data)

    @extend_schema(request=ListingSerializer, responses={200: ListingSerializer})
    @action(detail=True, methods=["put"], url_path="listing")
    def listing(self, request, pk=None):
        """Record or replace the listing of a restrictive measure (all entries at once)."""
        measure = self.get_object()
        body = ListingSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        entries = [dict(entry) for entry in data.pop("entries")]
        listing = services.listing_set(by=request.user, measure=measure, entries=entries, **data)
        return Response(ListingSerializer(listing, context=self.get_serializer_context()).data)


@declare_access(OBJECT, model=ImpactEvaluation)
class ImpactEvaluationViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Impact evaluations, due and done (step 8)."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = ImpactEvaluationSerializer
    queryset = ImpactEvaluation.objects.select_related("evaluated_by").order_by("due_on", "id")
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "measure", "occasion", "cancelled"]
    search_fields = ["measure__description", "case__title", "case__reference"]

    @extend_schema(request=EvaluationRecordSerializer, responses={200: ImpactEvaluationSerializer})
    @action(detail=True, methods=["post"], url_path="record")
    def record(self, request, pk=None):
        evaluation = self.get_object()
        body = EvaluationRecordSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        evaluation = services.evaluation_record(by=request.user, evaluation=evaluation, **body.validated_data)
        return Response(self.get_serializer(evaluation).data)
