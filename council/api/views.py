"""The Council API: meetings and agendas, questions and positions,
decisions, written procedures."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.models import Case
from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, OBJECT, declare_access
from cdt.core.api.errors import service_validation_error as validation_error
from cdt.core.api.filters import RestrictedSearchFilter, StrictFilterBackend
from cdt.directory.models import MemberState
from cdt.security.access import visible_to
from cdt.security.api import ProtectedViewSetMixin

from .. import legal_act_services, permissions, selectors, services
from ..models import Decision, Procedure, Question, WrittenProcedure
from .serializers import (
    AgendaItemSerializer,
    DecisionActsSerializer,
    DecisionRequestSerializer,
    DecisionSerializer,
    MeetingSerializer,
    PositionsBoardSerializer,
    PositionSerializer,
    QuestionSerializer,
    TourDeTableSerializer,
    WrittenProcedureSerializer,
)


def visible_case(user, case: Case, field: str = "case") -> Case:
    """A case named in a request body: 400 naming ``field``, as for a case
    that does not exist, if the user may not see it."""
    if not visible_to(Case.objects.filter(pk=case.pk), user).exists():
        raise validation_error(DjangoValidationError({field: "No such case."}))
    return case


@declare_access(AUTHENTICATED)
class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings of HWPCI, PSC, COREPER and the Council. Everyone signed in
    sees the calendar; agenda items appear only for cases the user may see."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = MeetingSerializer

    def get_queryset(self):
        from django.db.models import Prefetch

        return selectors.meeting_list().prefetch_related(
            Prefetch("agenda_items", queryset=selectors.visible_agenda_items(user=self.request.user).select_related("case"))
        )

    def perform_create(self, serializer):
        serializer.instance = services.meeting_schedule(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=AgendaItemSerializer, responses={201: AgendaItemSerializer})
    @action(detail=True, methods=["post"], url_path="agenda-items")
    def add_agenda_item(self, request, pk=None):
        meeting = self.get_object()
        body = AgendaItemSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        item = services.agenda_item_add(
            by=request.user,
            meeting=meeting,
            title=body.validated_data["title"],
            case=body.validated_data.get("case"),
        )
        return Response(AgendaItemSerializer(item, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="publish-agenda")
    def publish_agenda(self, request, pk=None):
        """Publish (or republish) the agenda: participants are notified."""
        meeting = services.meeting_agenda_publish(by=request.user, meeting=self.get_object())
        return Response(MeetingSerializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(request=AgendaItemSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["patch"], url_path=r"agenda-items/(?P<item_id>\d+)")
    def record_outcome(self, request, pk=None, item_id=None):
        """Record an item's conclusions, follow-up and next steps."""
        meeting = self.get_object()
        item = selectors.visible_agenda_items(user=request.user).filter(meeting=meeting, pk=item_id).first()
        if item is None:
            raise Http404
        body = AgendaItemSerializer(item, data=request.data, partial=True, context={"request": request})
        body.is_valid(raise_exception=True)
        fields = {k: body.validated_data.get(k, getattr(item, k)) for k in ("conclusions", "follow_up", "next_steps")}
        item = services.agenda_item_record_outcome(by=request.user, item=item, **fields)
        return Response(AgendaItemSerializer(item, context=self.get_serializer_context()).data)


@declare_access(OBJECT, model=Question)
class QuestionViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Questions put to the Council for a case, with each Member State's
    position. Visible with the case."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = QuestionSerializer
    queryset = Question.objects.select_related("case", "body", "put_by").order_by("-put_at", "-id")
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "status"]
    search_fields = ["text", "case__title", "case__reference"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        visible_case(self.request.user, data["case"])
        serializer.instance = services.question_put(by=self.request.user, **data)

    @extend_schema(methods=["get"], responses=PositionsBoardSerializer)
    @extend_schema(methods=["post"], request=TourDeTableSerializer, responses=PositionsBoardSerializer)
    @action(detail=True, methods=["get", "post"], url_path="positions")
    def positions(self, request, pk=None):
        """GET: the positions board: the Member States of the question in
        protocol order, the tally and the outcome under the question's rule
        with the population figures of its date.

        POST: a tour de table: the positions stated in a meeting, recorded
        by the chair or the secretariat in one call (all or nothing; each
        state at most once; errors named ``positions[i].field``); answers
        with the updated board."""
        question = self.get_object()
        if request.method == "POST":
            if not permissions.may_record_oral_position(request.user):  # the role before the body
                raise PermissionDenied("Only the chair and the secretariat record a tour de table.")
            body = TourDeTableSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            services.positions_record(by=request.user, question=question, positions=body.validated_data["positions"])
        return Response(PositionsBoardSerializer(selectors.question_board(question, request.user)).data)

    @extend_schema(request=PositionSerializer, responses=PositionSerializer)
    @action(detail=True, methods=["put"], url_path=r"positions/(?P<member_state>[A-Z]{2})")
    def set_position(self, request, pk=None, member_state=None):
        """Set a Member State's position: its own delegates only, or the chair
        and the secretariat recording a position stated orally."""
        question = self.get_object()
        state = MemberState.objects.filter(code=member_state).first()
        if state is None:
            raise Http404
        body = PositionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        position = services.position_set(
            by=request.user,
            question=question,
            member_state=state,
            value=body.validated_data["value"],
            reserve=body.validated_data.get("reserve", ""),
            declaration=body.validated_data.get("declaration", ""),
        )
        return Response(PositionSerializer(position, context=self.get_serializer_context()).data)


@declare_access(OBJECT, model=Decision)
class DecisionViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Decisions on cases: by meeting (computed from the positions), by
    written or silence procedure (recorded by the closer), or an HR
    discretionary act."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = DecisionSerializer
    queryset = Decision.objects.select_related("case", "body", "question").prefetch_related("legal_acts").order_by("-decided_on", "-id")
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "procedure", "adopted"]
    search_fields = ["explanation", "legal_act", "case__title", "case__reference"]

    @extend_schema(request=DecisionRequestSerializer, responses={201: DecisionSerializer})
    def create(self, request):
        body = DecisionRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["procedure"] == Procedure.HR_ACT:
            decision = services.hr_act_record(
                by=request.user,
                case=visible_case(request.user, data["case"]),
                explanation=data["explanation"],
                legal_act=data["legal_act"],
                decided_on=data.get("decided_on"),
                legal_acts=data.get("legal_acts", []),
            )
        else:
            question = selectors.question_list(user=request.user).filter(pk=data["question"].pk).first()
            if question is None:
                raise validation_error(DjangoValidationError({"question": "No such question."}))
            decision = services.decision_record(
                by=request.user,
                question=question,
                legal_act=data["legal_act"],
                decided_on=data.get("decided_on"),
                legal_acts=data.get("legal_acts", []),
            )
        return Response(DecisionSerializer(decision, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionActsSerializer, responses=DecisionSerializer)
    def partial_update(self, request, pk=None):
        """Replace the decision's legal acts (all or nothing): by whoever
        records such a decision."""
        decision = self.get_object()
        body = DecisionActsSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        legal_act_services.decision_legal_acts_replace(by=request.user, decision=decision, legal_acts=body.validated_data["legal_acts"])
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk), context=self.get_serializer_context()).data)


@declare_access(OBJECT, model=WrittenProcedure)
class WrittenProcedureViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Written procedures (Council Rules of Procedure art. 12, COREU) with
    their deadline and status; closed by the periodic closer."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = WrittenProcedureSerializer
    queryset = (
        WrittenProcedure.objects.select_related("case", "question", "decision", "decision__case", "decision__body")
        .prefetch_related("decision__legal_acts")
        .order_by("deadline", "id")
    )
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["status", "kind", "case"]
    search_fields = ["question__text", "coreu_reference", "case__title", "case__reference"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        question = selectors.question_list(user=self.request.user).filter(pk=data.pop("question").pk).first()
        if question is None:
            raise validation_error(DjangoValidationError({"question": "No such question."}))
        serializer.instance = services.written_procedure_open(by=self.request.user, question=question, **data)
