"""The attribution API: claims, deliberations (considerations, referral,
outcome, positions board), statements (the notes API's shape, plus
alignments) and communication plans."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from awareness.models import Assessment
from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import OBJECT, declare_access
from cdt.core.api.errors import service_validation_error as validation_error
from cdt.core.api.filters import RestrictedSearchFilter, StrictFilterBackend
from cdt.directory.models import MemberState
from cdt.security.access import visible_children, visible_to
from cdt.security.api import ProtectedViewSetMixin
from cdt.security.models import MarkedChild
from cdt.security.selectors import protected_queryset, visible_or_none
from cdt.workflow import workflow_for
from council.api.views import visible_case
from drafting.api.views import NoteViewSetBase
from measures.models import ResponseMeasure

from .. import services
from ..choices import Basis
from ..considerations import considerations_record
from ..models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Consideration, Statement
from .serializers import (
    AlignmentSerializer,
    AmplifySerializer,
    AssessConsiderationSerializer,
    ClaimSerializer,
    ConcludeSerializer,
    ConsiderationCommentRequestSerializer,
    ConsiderationCommentSerializer,
    ConsiderationSerializer,
    ConsiderationsSerializer,
    DeliberationSerializer,
    OptionsSerializer,
    PlanSerializer,
    PositionRowSerializer,
    ReferSerializer,
    StatementSerializer,
)

STEP_RESPONSES = {
    400: OpenApiResponse(description="Input is wrong (named by field), or a condition is unmet (``guards`` and ``checks`` list them)."),
    403: OpenApiResponse(description="You see it but may not take this step."),
    404: OpenApiResponse(description="No such object (or you may not see its case)."),
    409: OpenApiResponse(description="Its status does not allow the step."),
}


def _visible(user, model, objects, field: str) -> None:
    """Objects named in a body that the user may not see answer 400 "no such", as if they did not exist.
    A case's child (measure, statement, deliberation) is seen with its case and
    within its own classification; a protected object by its own grants."""
    pks = [obj.pk for obj in objects if obj is not None]
    rule = visible_children if issubclass(model, MarkedChild) else visible_to
    if pks and rule(model.objects.filter(pk__in=pks), user).count() != len(set(pks)):
        raise validation_error(DjangoValidationError({field: f"No such {model._meta.verbose_name}."}))


def _entry_errors(errors) -> dict:
    """DRF's nested errors of a list of entries (keyed by index, or a list
    with one object per entry) flattened to ``considerations[i].field``:
    each names the entry and the field at fault."""
    flat: dict = {}
    for field, problems in errors.items():
        if isinstance(problems, list) and all(isinstance(entry, dict) for entry in problems):
            problems = dict(enumerate(problems))
        if isinstance(problems, dict):
            for key, entry in problems.items():
                if isinstance(key, int) and isinstance(entry, dict):
                    for name, messages in entry.items():
                        path = f"{field}[{key}]" if name == api_settings.NON_FIELD_ERRORS_KEY else f"{field}[{key}].{name}"
                        flat[path] = [str(message) for message in messages]
                else:  # not a list at all, or an empty one: DRF's non-field errors of the list
                    flat.setdefault(field, []).extend(str(message) for message in (entry if isinstance(entry, list) else [entry]))
        else:
            flat[field] = [str(message) for message in problems]
    return flat


@declare_access(OBJECT, model=AttributionClaim)
class AttributionClaimViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Attribution claims: per case (``?case=``) and per actor (``?actor=``).
    A national attribution (``basis=national``) is its Member State's own:
    recorded here, it is not an EU attribution."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = ClaimSerializer
    queryset = (
        AttributionClaim.objects.select_related("case", "actor", "member_state", "partner", "recorded_by")
        .prefetch_related("assessments")
        .order_by("case", "made_on", "id")
    )
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "actor", "basis", "claim_type", "party", "public"]
    search_fields = ["actor__name", "case__title", "case__reference", "summary"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["visible_assessments"] = set(
                visible_to(Assessment.objects.filter(attribution_claims__isnull=False), self.request.user).values_list("pk", flat=True)
            )
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = visible_case(self.request.user, data.pop("case"))
        claim = services.claim_record(by=self.request.user, case=case, **data)
        # The context's set was read before this claim linked its assessments:
        # add those of them the caller may see, or the answer would list none.
        serializer.context["visible_assessments"] |= set(
            visible_to(claim.assessments.all(), self.request.user).values_list("pk", flat=True)
        )
        serializer.instance = claim


@declare_access(OBJECT, model=AttributionDeliberation)
class AttributionDeliberationViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The Council's deliberation on a coordinated political attribution at
    EU level, one per case: the considerations of para 29, the question put
    to the Council, the outcome."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = DeliberationSerializer
    queryset = (
        AttributionDeliberation.objects.select_related("case", "opened_by")
        .prefetch_related(
            "attributed_actors",
            "partners",
            "member_states_alongside",
            "considerations__assessed_by",
            "considerations__comments__author",
            "considerations__comments__member_state",
        )
        .order_by("-opened_at", "-id")
    )
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "status", "outcome"]
    search_fields = ["case__title", "case__reference", "outcome_summary"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = visible_case(self.request.user, data.pop("case"))
        serializer.instance = services.deliberation_open(by=self.request.user, case=case, **data)

    # The services' domain errors (403, 409 with the state found, 400 with
    # the guards or the field) are answered by cdt.workflow.http.api_exception_handler.

    def _answer(self, deliberation):
        return Response(self.get_serializer(self.get_queryset().get(pk=deliberation.pk)).data)

    @extend_schema(request=OptionsSerializer, responses={200: DeliberationSerializer, **STEP_RESPONSES})
    @action(detail=True, methods=["post"], url_path="options", url_name="options")
    def set_options(self, request, pk=None):
        """The options considered and the one the EEAS recommends. (Not named
        ``options``: that would replace DRF's handler of the HTTP OPTIONS
        method on every route of the view set.)"""
        deliberation = self.get_object()
        body = OptionsSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self._answer(services.deliberation_set_options(by=request.user, deliberation=deliberation, **body.validated_data))

    @extend_schema(request=AssessConsiderationSerializer, responses={200: ConsiderationSerializer, **STEP_RESPONSES})
    @action(detail=True, methods=["put"], url_path=r"considerations/(?P<number>[0-9]+)")
    def assess(self, request, pk=None, number=None):
        """The EEAS's assessment and rating of one consideration (1–10)."""
        deliberation = self.get_object()
        body = AssessConsiderationSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        if not Consideration.objects.filter(deliberation=deliberation, number=int(number)).exists():
            raise Http404("No such consideration.")
        consideration = services.consideration_assess(by=request.user, deliberation=deliberation, number=int(number), **body.validated_data)
        return Response(ConsiderationSerializer(consideration, context=self.get_serializer_context()).data)

    @extend_schema(request=ConsiderationsSerializer, responses={200: ConsiderationSerializer(many=True), **STEP_RESPONSES})
    @action(detail=True, methods=["post"], url_path="considerations", pagination_class=None, filter_backends=[])
    def considerations(self, request, pk=None):
        """Several considerations (all ten, say) rated and commented in one
        call: each entry as the single steps, with their permissions; all or
        nothing. A bad entry answers 400 naming ``considerations[i].field``."""
        deliberation = self.get_object()
        body = ConsiderationsSerializer(data=request.data, context=self.get_serializer_context())
        if not body.is_valid():
            raise validation_error(DjangoValidationError(_entry_errors(body.errors)))
        rows = considerations_record(by=request.user, deliberation=deliberation, entries=body.validated_data["considerations"])
        fresh = self.get_queryset().get(pk=deliberation.pk).considerations.all()
        shown = [row for row in fresh if row.number in {saved.number for saved in rows}]
        return Response(ConsiderationSerializer(shown, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=ConsiderationCommentRequestSerializer, responses={201: ConsiderationCommentSerializer, **STEP_RESPONSES})
    @action(detail=True, methods=["post"], url_path=r"considerations/(?P<number>[0-9]+)/comments")
    def comment(self, request, pk=None, number=None):
        deliberation = self.get_object()
        body = ConsiderationCommentRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        if not Consideration.objects.filter(deliberation=deliberation, number=int(number)).exists():
            raise Http404("No such consideration.")
        comment = services.consideration_comment(by=request.user, deliberation=deliberation, number=int(number), **body.validated_data)
        return Response(ConsiderationCommentSerializer(comment, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferSerializer, responses={200: DeliberationSerializer, **STEP_RESPONSES})
    @action(detail=True, methods=["post"], url_path="transitions/refer")
    def refer(self, request, pk=None):
        """Put the question to the Council (every consideration assessed and rated, a claim recorded)."""
        deliberation = self.get_object()
        body = ReferSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self._answer(services.deliberation_refer(by=request.user, deliberation=deliberation, **body.validated_data))

    @extend_schema(request=ConcludeSerializer, responses={200: DeliberationSerializer, **STEP_RESPONSES})
    @action(detail=True, methods=["post"], url_path="transitions/conclude")
    def conclude(self, request, pk=None):
        """Record the outcome; an attribution covers the actors named (each with a claim on the case)."""
        deliberation = self.get_object()
        body = ConcludeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return self._answer(services.deliberation_conclude(by=request.user, deliberation=deliberation, **body.validated_data))

    @extend_schema(responses=PositionRowSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="positions", pagination_class=None, filter_backends=[])
    def positions(self, request, pk=None):
        """The positions board: each Member State's position on the question
        and whether it has attributed the activity nationally."""
        deliberation = self.get_object()
        # Derived only from what the reader may see (decision record 0023):
        # the question and the national claims have their own classification.
        positions = {}
        question = visible_or_none(request.user, deliberation.question, within=deliberation.case)
        if question is not None:
            positions = dict(question.positions.values_list("member_state__code", "value"))
        claims = visible_children(AttributionClaim.objects.filter(case=deliberation.case_id, basis=Basis.NATIONAL), request.user)
        national = set(claims.values_list("member_state__code", flat=True))
        rows = [
            {"member_state": code, "position": positions.get(code), "national_attribution": code in national}
            for code in MemberState.objects.current().order_by("protocol_order").values_list("code", flat=True)
        ]
        return Response(PositionRowSerializer(rows, many=True, context=self.get_serializer_context()).data)


@declare_access(OBJECT, model=Statement)
class StatementViewSet(NoteViewSetBase):
    """Declarations and statements (HR declaration on behalf of the EU,
    Council conclusions, spokesperson's statement, joint statement): the
    notes' versions, comments, comparison, lifecycle and PDF, plus
    publication and third countries' alignment."""

    kind = "statement"
    serializer_class = StatementSerializer
    queryset = (
        Statement.objects.select_related("case", "drafted_by")
        .prefetch_related("partners", "alignments__country", "alignments__recorded_by")
        .order_by("-created_at", "-id")
    )
    filterset_fields = ["case", "status", "statement_type"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = visible_case(self.request.user, data.pop("case"))
        _visible(self.request.user, AttributionDeliberation, [data.get("deliberation")], "deliberation")
        serializer.instance = services.statement_create(by=self.request.user, case=case, **data)

    @extend_schema(methods=["get"], responses=AlignmentSerializer(many=True))
    @extend_schema(methods=["post"], request=AlignmentSerializer, responses={201: AlignmentSerializer})
    @action(detail=True, methods=["get", "post"], url_path="alignments", pagination_class=None, filter_backends=[])
    def alignments(self, request, pk=None):
        """Third countries aligning with the published statement (candidate, potential candidate and EEA/EFTA countries)."""
        statement = self.get_object()
        if request.method == "GET":
            return Response(AlignmentSerializer(statement.alignments.select_related("country", "recorded_by"), many=True).data)
        body = AlignmentSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        alignment = services.alignment_record(by=request.user, statement=statement, **body.validated_data)
        return Response(AlignmentSerializer(alignment, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


@declare_access(OBJECT, model=CommunicationPlan)
class CommunicationPlanViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Strategic communication plans of responses (guidelines §7)."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = PlanSerializer
    queryset = (
        CommunicationPlan.objects.select_related("case", "drafted_by")
        .prefetch_related("amplifying_states", "partners")  # and the measures the reader may see: get_queryset
        .order_by("-created_at", "-id")
    )
    filter_backends = [StrictFilterBackend, RestrictedSearchFilter]
    filterset_fields = ["case", "status", "public"]

    def get_queryset(self):
        """With, as ``measures``, only those the reader may see (one query
        for the page): a plan lists no measure its reader may not open."""
        visible_measures = protected_queryset(ResponseMeasure.objects.all(), self.request.user).order_by("pk")
        return super().get_queryset().prefetch_related(Prefetch("measures", queryset=visible_measures))

    search_fields = ["title", "objectives", "case__title", "case__reference"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _check_refs(self, data) -> None:
        _visible(self.request.user, ResponseMeasure, data.get("measures") or [], "measures")
        _visible(self.request.user, Statement, [data.get("statement")], "statement")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = visible_case(self.request.user, data.pop("case"))
        self._check_refs(data)
        serializer.instance = services.plan_create(by=self.request.user, case=case, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "case" in data and data.pop("case").pk != serializer.instance.case_id:
            raise validation_error(DjangoValidationError({"case": "A plan stays on its case."}))
        self._check_refs(data)
        plan = services.plan_update(by=self.request.user, plan=serializer.instance, **data)
        serializer.instance = self.get_queryset().get(pk=plan.pk)  # read back through the rule: only the measures the reader sees

    @extend_schema(request=None, responses={200: PlanSerializer, **STEP_RESPONSES})
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<transition>[a-z_]+)")
    def take_transition(self, request, pk=None, transition=None):
        """agree (the chair or the secretariat), execute, complete (the EEAS)."""
        plan = self.get_object()
        if transition not in workflow_for(CommunicationPlan).user_steps():
            raise Http404("No such transition.")
        # Domain errors are answered by cdt.workflow.http.api_exception_handler.
        services.plan_transition(by=request.user, plan=plan, transition=transition)
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(request=AmplifySerializer, responses={200: PlanSerializer, **STEP_RESPONSES})
    @action(detail=True, methods=["post"], url_path="amplify")
    def amplify(self, request, pk=None):
        """A delegate commits their Member State to amplify the communication."""
        plan = self.get_object()
        body = AmplifySerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        state = body.validated_data["member_state"] or request.user.member_state
        if state is None:
            raise validation_error(DjangoValidationError({"member_state": "Name your Member State."}))
        services.plan_commit(by=request.user, plan=plan, member_state=state)
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)
