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
from ..filters import MeasureFilter
from ..models import ImpactEvaluation, ResponseMeasure
from .serializers import (
    EvaluationRecordSerializer,
    ImpactEvaluationSerializer,
    ListingSerializer,
    MeasureRecordSerializer,
    MeasureTransitionRequestSerializer,
    MeasureTypeSerializer,
    OverrideSerializer,
    ResponseMeasureCreateSerializer,
    ResponseMeasureSerializer,
)


def steps_errors(errors) -> dict:
    """DRF's errors of a list of steps (one entry per step, empty when it was
    fine) keyed by the index of each failing step, as a failing step is named
    by the engine."""
    steps = errors.get("steps")
    if isinstance(steps, list) and steps and all(isinstance(step, dict) for step in steps):
        return {**errors, "steps": {str(index): step for index, step in enumerate(steps) if step}}
    return errors


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
        ResponseMeasure.objects.select_related("case", "measure_type", "implementing_actor", "proposed_by", "listing")
        .prefetch_related("actors", "listing__entries__actors")
        .annotate(escalation_basis_classification=checks.escalation_basis())
        .order_by("-proposed_at", "-id")
    )
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_class = MeasureFilter
    search_fields = ["description", "case__title", "case__reference", "measure_type__name"]

    def get_serializer_class(self):
        return ResponseMeasureCreateSerializer if self.action == "create" else ResponseMeasureSerializer

    @extend_schema(request=ResponseMeasureCreateSerializer, responses={201: ResponseMeasureSerializer})
    def create(self, request, *args, **kwargs):
        """Propose a measure; a restrictive one may come with its listing
        (``listing``, as ``PUT …/listing/`` takes it), recorded in the same
        transaction by whoever may record listings."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = visible_case(request.user, data.pop("case"))
        listing = data.pop("listing", None)
        if listing is not None:
            listing = {**listing, "entries": [dict(entry) for entry in listing["entries"]]}
        measure = services.measure_propose(by=request.user, case=case, listing=listing, **data)
        measure = self.get_queryset().filter(pk=measure.pk).first() or measure  # read back as listed: prefetched, annotated
        return Response(ResponseMeasureSerializer(measure, context=self.get_serializer_context()).data, status=201)

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

    @extend_schema(
        request=MeasureRecordSerializer,
        responses={
            200: ResponseMeasureSerializer,
            400: OpenApiResponse(description='A step\'s input or guards: ``{"steps": {"<index>": {…as that step alone…}}}``.'),
            403: OpenApiResponse(description='You may not take that step: ``{"steps": {"<index>": {"detail": …}}}``.'),
            404: OpenApiResponse(description="No such measure (or you may not see its case)."),
            409: OpenApiResponse(description='The state does not allow that step: ``{"steps": {"<index>": {"detail", "state"}}}``.'),
        },
    )
    @action(detail=True, methods=["post"], url_path="record")
    def record(self, request, pk=None):
        """Take several steps of the measure's lifecycle in one call (one act
        in reality: selected, agreed and carried out the same day), each
        through the engine as if taken alone, all or nothing. A failing step
        answers as it would alone, under ``steps`` and its index (from 0);
        the steps before it are undone."""
        measure = self.get_object()
        body = MeasureRecordSerializer(data=request.data, context=self.get_serializer_context())
        if not body.is_valid():
            return Response(steps_errors(body.errors), status=400)
        steps = [dict(step) for step in body.validated_data["steps"]]
        for index, step in enumerate(steps):
            if step["decision"] is not None and not can_view_child(request.user, step["decision"]):
                return Response({"steps": {str(index): {"decision": ["No such decision."]}}}, status=400)
        try:
            outcome = services.measure_record(by=request.user, measure=measure, steps=steps)
        except services.RecordStepFailed as failed:
            response = self.get_exception_handler()(failed.error, self.get_exception_handler_context())
            if response is None:
                raise failed.error from failed
            response.data = {"steps": {str(failed.index): response.data}}
            return response
        return Response(self.get_serializer(self.get_queryset().filter(pk=outcome.measure.pk).first() or outcome.measure).data)

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
