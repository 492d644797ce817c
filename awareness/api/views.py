"""The awareness API: the threat-actor registry, assessments and
requests for information."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cases.models import Case
from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, OBJECT, declare_access
from cdt.core.api.errors import service_validation_error as validation_error
from cdt.core.api.filters import RestrictedSearchFilter, StrictFilterBackend
from cdt.security.api import ProtectedViewSetMixin
from cdt.security.selectors import protected_queryset
from council.api.views import visible_case

from .. import permissions, selectors, services
from ..export import actor_stix_bundle
from ..filters import AssessmentFilter
from ..models import Assessment, FeedClient, RequestForInformation
from .serializers import (
    AnswerSerializer,
    AssessmentSerializer,
    CaseLinkSerializer,
    FeedClientSerializer,
    RequestForInformationSerializer,
    ThreatActorSerializer,
)


class StixRenderer(JSONRenderer):
    media_type = "application/stix+json"
    format = "stix"
    charset = None


@declare_access(AUTHENTICATED)
class ThreatActorViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The threat-actor registry (reference data; what is said about an
    actor is in access-controlled assessments). The EEAS and SIAC correct
    an entry with PATCH (anyone else: 403); each correction is audited."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = ThreatActorSerializer
    queryset = selectors.actor_list()
    filter_backends = [RestrictedSearchFilter]
    search_fields = ["name", "aliases", "suspected_sponsor"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.actor_correct(by=self.request.user, actor=serializer.instance, **serializer.validated_data)

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

    def _case_change(self, request, change):
        assessment = self.get_object()
        body = CaseLinkSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        change(by=request.user, assessment=assessment, case=body.validated_data["case"])
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data)

    @extend_schema(request=CaseLinkSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"], url_path="link-case")
    def link_case(self, request, pk=None):
        """Link the assessment to a case: its originator's organisation or the
        secretariat (else 403). An assessment you may not see is 404, a case
        you may not see is "No such case." (400), as for one that does not
        exist; 400 too if already linked."""
        return self._case_change(request, services.assessment_case_link)

    @extend_schema(request=CaseLinkSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"], url_path="unlink-case")
    def unlink_case(self, request, pk=None):
        """Unlink the assessment from a case (who may: as for linking). 400 if
        not linked, if it is the last case of an assessment that follows its
        cases, or the case of a request for information it answers."""
        return self._case_change(request, services.assessment_case_unlink)


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


class MayConfigureFeedClients(BasePermission):
    message = _("The Council secretariat sets feed clients.")

    def has_permission(self, request, view) -> bool:
        return permissions.may_configure_feed_clients(request.user)


@declare_access(AUTHENTICATED)
class FeedClientViewSet(viewsets.ModelViewSet):
    """Feed clients' settings (what their bundles do not say: classification,
    releasability, need-to-know), as in the console: the Council secretariat
    only (anyone else: 403). The token is named by id; its key is never
    shown (only its hash is stored)."""

    permission_classes = [*AUTHENTICATED_WITH_SCOPE, MayConfigureFeedClients]
    serializer_class = FeedClientSerializer
    queryset = FeedClient.objects.select_related("token__user").prefetch_related("releasable_to", "shared_with").order_by("pk")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if FeedClient.objects.filter(token=data["token"]).exists():
            raise validation_error(DjangoValidationError({"token": _("This token already has feed settings; change them instead.")}))
        serializer.instance = services.feed_client_configure(by=self.request.user, **self._settings(data))

    def perform_update(self, serializer):
        client = serializer.instance
        data = dict(serializer.validated_data)
        if "token" in data and data["token"].pk != client.token_id:
            raise validation_error(DjangoValidationError({"token": _("Settings stay with their token.")}))
        current = {
            "token": client.token,
            "default_classification": client.default_classification,
            "default_tlp": client.default_tlp,
            "default_limite": client.default_limite,
            "releasable_to_all": client.releasable_to_all,
            "releasable_to": list(client.releasable_to.all()),
            "shared_with": list(client.shared_with.all()),
            "shared_with_all_delegations": client.shared_with_all_delegations,
        }
        serializer.instance = services.feed_client_configure(by=self.request.user, **self._settings({**current, **data}))

    @staticmethod
    def _settings(data: dict) -> dict:
        return {
            name: data[name]
            for name in (
                "token",
                "default_classification",
                "default_tlp",
                "default_limite",
                "releasable_to_all",
                "releasable_to",
                "shared_with",
                "shared_with_all_delegations",
            )
            if name in data
        }

    def perform_destroy(self, instance):
        services.feed_client_remove(by=self.request.user, client=instance)
