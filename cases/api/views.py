"""The case API: list, open, read and edit cases; the transitions a user
may take and taking them; the transition log; the assessments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import OBJECT, declare_access
from cdt.core.api.filters import BOOLEAN_VALUES, StrictFilterBackend
from cdt.security.api import ProtectedViewSetMixin
from cdt.security.types import AuthenticatedRequest

from .. import selectors, services
from ..filters import CaseFilter
from ..models import Case
from ..workflow import transition_options, transitions
from .serializers import (
    CaseListSerializer,
    CaseSerializer,
    CaseTransitionSerializer,
    ExerciseChangeSerializer,
    ProportionalityAssessmentSerializer,
    SignificanceAssessmentSerializer,
    TransitionOptionSerializer,
    TransitionRequestSerializer,
)
from .sharing import CaseSharingActions

EXERCISE_PARAMETER = OpenApiParameter(
    "exercise", OpenApiTypes.BOOL, description="true: exercise cases instead of real ones (never both).", required=False
)


@extend_schema_view(list=extend_schema(parameters=[EXERCISE_PARAMETER]))
@declare_access(OBJECT, model=Case)
class CaseViewSet(
    CaseSharingActions, ProtectedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Cases the user may see. Lists hold real cases unless
    ``exercise=true``; a case the user may not see answers 404 everywhere."""

    request: AuthenticatedRequest  # IsAuthenticated (AUTHENTICATED_WITH_SCOPE) let it through
    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = CaseSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = CaseFilter
    queryset = Case.objects.select_related("brought_by", "originator", "merged_into").prefetch_related(
        "member_states_affected", "suspected_actors", "releasable_to"
    )

    def get_queryset(self) -> QuerySet[Case]:
        queryset = super().get_queryset()
        if self.action == "list":
            # What :class:`CaseListSerializer` shows: no actors, states or merged case to fetch.
            queryset = (
                queryset.select_related(None)
                .select_related("brought_by", "originator")
                .prefetch_related(None)
                .prefetch_related("releasable_to")
                .filter(exercise=self._exercise())
                .order_by("-brought_on", "-id")
            )
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Case]]:
        return CaseListSerializer if self.action == "list" else CaseSerializer

    def _exercise(self) -> bool:
        """``exercise``, read as strictly as the list filters are
        (:mod:`cdt.core.api.filters`): true or false, once, or left out."""
        values = self.request.query_params.getlist("exercise")
        if not values:
            return False
        if len(values) > 1 or values[0] not in BOOLEAN_VALUES:
            raise serializers.ValidationError({"exercise": [_("Give true or false, once.")]})
        return values[0] == "true"

    def perform_create(self, serializer: serializers.BaseSerializer[Case]) -> None:
        serializer.instance = services.case_open(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Case]) -> None:
        case = cast(Case, serializer.instance)  # an update always has its instance
        serializer.instance = services.case_update(case=case, by=self.request.user, **serializer.validated_data)

    @extend_schema(responses=TransitionOptionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None, filter_backends=[])
    def transitions(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The transitions from the case's current step: which this user may
        take now, and for the others what stands in the way."""
        case = self.get_object()
        return Response(TransitionOptionSerializer(transition_options(case, request.user), many=True).data)

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={
            200: CaseSerializer,
            400: OpenApiResponse(description="A guard failed (named in `guards`) or input is missing (named by field)."),
            403: OpenApiResponse(description="You see the case but your role may not take this transition."),
            404: OpenApiResponse(description="No such case (or you may not see it), or no such transition."),
            409: OpenApiResponse(description="The case's step does not allow it (someone may have moved it first)."),
        },
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<transition>[a-z_]+)")
    def take_transition(self, request: AuthenticatedRequest, pk: str | None = None, transition: str | None = None) -> Response:
        """Take a transition: ``{"comment", "reason", "target", "merged_into"}`` as it needs."""
        case = self.get_object()
        if transition not in transitions():
            raise Http404("No such transition.")
        body = TransitionRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        # Domain errors (403, 409 with the state found, 400 with the guards or
        # the field) are answered by cdt.workflow.http.api_exception_handler.
        outcome = services.case_transition(case=case, by=request.user, transition=transition, **body.validated_data)
        return Response(self.get_serializer(selectors.case_get(user=request.user, pk=outcome.case.pk)).data)

    @extend_schema(
        request=ExerciseChangeSerializer,
        responses={
            200: CaseSerializer,
            400: OpenApiResponse(description="No reason, or the case is already in that register (named by field)."),
            403: OpenApiResponse(description="Only the Council secretariat moves a case between registers."),
        },
    )
    @action(detail=True, methods=["post"], url_path="exercise")
    def change_exercise(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Move the case between the real and the exercise registers:
        ``{"exercise": true, "reason": "…"}``. The secretariat's alone, audited;
        ``exercise`` is otherwise fixed when the case is opened."""
        case = self.get_object()
        body = ExerciseChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_exercise_change(case=case, by=request.user, request=request, **body.validated_data)
        return Response(self.get_serializer(selectors.case_get(user=request.user, pk=case.pk)).data)

    @extend_schema(responses=CaseTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None, filter_backends=[])
    def history(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The transition log: who moved the case, when, from and to which step, why."""
        case = self.get_object()
        return Response(CaseTransitionSerializer(selectors.case_history(case=case, user=request.user), many=True).data)

    @extend_schema(methods=["get"], responses=ProportionalityAssessmentSerializer(many=True))
    @extend_schema(methods=["post"], request=ProportionalityAssessmentSerializer, responses={201: ProportionalityAssessmentSerializer})
    @action(detail=True, methods=["get", "post"], url_path="proportionality", pagination_class=None, filter_backends=[])
    def proportionality(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The proportionality assessments, newest first; POST records a (re)assessment."""
        return self._assessments(
            request, ProportionalityAssessmentSerializer, selectors.proportionality_history, services.proportionality_assess
        )

    @extend_schema(methods=["get"], responses=SignificanceAssessmentSerializer(many=True))
    @extend_schema(methods=["post"], request=SignificanceAssessmentSerializer, responses={201: SignificanceAssessmentSerializer})
    @action(detail=True, methods=["get", "post"], url_path="significance", pagination_class=None, filter_backends=[])
    def significance(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The significant-effect assessments, newest first; POST records a (re)assessment."""
        return self._assessments(request, SignificanceAssessmentSerializer, selectors.significance_history, services.significance_assess)

    def _assessments(
        self,
        request: AuthenticatedRequest,
        serializer_class: type[serializers.BaseSerializer[Any]],
        history: Callable[..., QuerySet[Any]],
        assess: Callable[..., Any],
    ) -> Response:
        case = self.get_object()
        if request.method == "GET":
            return Response(serializer_class(history(case=case, user=request.user), many=True).data)
        body = serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = assess(case=case, by=request.user, **body.validated_data)
        return Response(serializer_class(assessment).data, status=status.HTTP_201_CREATED)
