"""The case's distribution over the API: who has access and why, widening
and narrowing (actions on the case), and requests for access (their own
collection). Same discipline as every route: 400 naming the field, 403 for
a role that may not, 404 for what the caller may not see, 409 when the
change was already made."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cdt.accounts.models import User
from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.accounts.roles import Role
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.core.api import fields as json_fields
from cdt.directory.models import Organisation
from cdt.security.markings import Distribution
from cdt.security.types import AuthenticatedRequest

from .. import access_requests, sharing
from ..models import AccessRequest, AccessScope, Case


class AccessLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["distribution", "originator", "organisation", "role", "named_official"])
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    code = serializers.CharField(help_text="Organisation code, role, username, or the distribution.")
    users_with_access = serializers.IntegerField(help_text="How many of them see the case now, after the markings.")
    removable = serializers.BooleanField()


class DistributionSerializer(serializers.Serializer):
    distribution = serializers.ChoiceField(choices=[Distribution.HWPCI, Distribution.RESTRICTED])
    access = AccessLineSerializer(many=True)
    may_widen = serializers.BooleanField()
    may_distribute_to_hwpci = serializers.BooleanField()
    may_narrow = serializers.BooleanField()


class ShareSerializer(serializers.Serializer):
    """Exactly one of ``organisation``, ``user``, ``hwpci`` (``role`` for
    narrowing only)."""

    organisation = json_fields.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    user = json_fields.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    hwpci = json_fields.BooleanField(
        required=False, default=False, help_text="The whole of HWPCI (widen) or restrict to named recipients (narrow)."
    )
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, allow_null=True, default=None, help_text="Narrowing only: a role group's grant."
    )
    reason = json_fields.CharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        chosen = [name for name in ("organisation", "user", "role") if attrs.get(name) is not None] + (
            ["hwpci"] if attrs.get("hwpci") else []
        )
        if len(chosen) != 1:
            raise serializers.ValidationError({"organisation": [_("Give exactly one of organisation, user, role or hwpci.")]})
        return attrs


def _distribution(case: Case, user: User) -> dict[str, Any]:
    manage = sharing.may_manage_distribution(user, case)
    return {
        "distribution": case.distribution,
        "access": [line.__dict__ for line in sharing.case_access_lines(case)],
        "may_widen": manage,
        "may_distribute_to_hwpci": manage or sharing.may_distribute_to_hwpci(user, case),
        "may_narrow": manage,
    }


SHARE_RESPONSES = {
    200: DistributionSerializer,
    400: OpenApiResponse(description="Input missing or wrong (named by field)."),
    403: OpenApiResponse(description="You see the case but may not change its distribution."),
    404: OpenApiResponse(description="No such case (or you may not see it)."),
    409: OpenApiResponse(description="Already so (shared, restricted)."),
}


class CaseSharingActions:
    """Actions of :class:`~cases.api.views.CaseViewSet` (which gives
    ``get_object``: 404 for a case the caller may not see)."""

    get_object: Any
    get_serializer_context: Any

    @extend_schema(responses=DistributionSerializer)
    @action(detail=True, methods=["get"], url_path="distribution", pagination_class=None, filter_backends=[])
    def distribution(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Who has access now and why: the distribution, the grants to
        organisations and roles, the named officials, with how many users
        each reaches after the markings."""
        case = self.get_object()
        return Response(DistributionSerializer(_distribution(case, request.user)).data)

    @extend_schema(request=ShareSerializer, responses=SHARE_RESPONSES)
    @action(detail=True, methods=["post"], url_path="share")
    def share(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Widen: ``{"hwpci": true}``, ``{"organisation": "IE"}`` or ``{"user": "chair-ie"}`` (a named
        official, needed at TLP:RED), with an optional ``reason``."""
        return self._change(request, widen=True)

    @extend_schema(request=ShareSerializer, responses=SHARE_RESPONSES)
    @action(detail=True, methods=["post"], url_path="unshare")
    def unshare(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Narrow, with a ``reason``: ``{"hwpci": true}`` restricts the case to its named recipients;
        ``organisation``, ``user`` or ``role`` withdraws that grant."""
        return self._change(request, widen=False)

    def _change(self, request: AuthenticatedRequest, *, widen: bool) -> Response:
        case = self.get_object()
        if not sharing.may_change_any_distribution(request.user, case, widen=widen):
            raise PermissionDenied(_("Only the originator and the Council secretariat change this case's distribution."))
        body = ShareSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["role"] is not None:
            if widen:
                raise serializers.ValidationError({"role": [_("Share with an organisation or a named official, or with HWPCI.")]})
            case = sharing.case_unshare_role(case=case, by=request.user, role=Role(data["role"]), reason=data["reason"])
        else:
            change = sharing.case_share if widen else sharing.case_unshare
            case = change(
                case=case,
                by=request.user,
                organisation=data["organisation"],
                user=data["user"],
                hwpci=data["hwpci"],
                reason=data["reason"],
            )
        return Response(DistributionSerializer(_distribution(case, request.user)).data)


class AccessRequestSerializer(json_fields.ModelSerializer):
    """A request for access. ``case`` is the case's id for those who decide
    it, and always null for the requester: the reference is what they
    typed, and whether it names a case is not said."""

    requested_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    requester_organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="requested_by.organisation", slug_field="code", read_only=True, allow_null=True
    )
    scope = serializers.CharField(read_only=True, help_text="`organisation` or `user` once granted, empty before.")
    case = serializers.SerializerMethodField(help_text="The case's id, for those who decide the request; null for the requester.")

    class Meta:
        model = AccessRequest
        fields = (
            "id",
            "reference",
            "reason",
            "requested_by",
            "requester_organisation",
            "requested_at",
            "status",
            "scope",
            "decided_at",
            "decision_reason",
            "case",
        )
        read_only_fields = ("requested_at", "status", "decided_at", "decision_reason")

    def get_case(self, access_request: AccessRequest) -> int | None:
        request = self.context.get("request")
        if request is None or access_request.requested_by_id == request.user.pk:
            return None
        return access_request.case_id


class AccessDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["grant", "decline"])
    scope = serializers.ChoiceField(choices=AccessScope.choices, required=False, default=AccessScope.ORGANISATION)
    reason = json_fields.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RequestAnswerSerializer(serializers.Serializer):
    detail = serializers.CharField()
    id = serializers.IntegerField()


@declare_access(AUTHENTICATED)
class AccessRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Requests for access to a case. You see your own requests and the
    pending and decided requests on cases whose distribution you manage.
    Creating one always answers the same, whether or not the reference
    names a case you may not see."""

    request: AuthenticatedRequest
    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = AccessRequestSerializer
    queryset = AccessRequest.objects.none()

    def get_queryset(self) -> QuerySet[AccessRequest]:
        requests = access_requests.access_request_visible(self.request.user).select_related("requested_by__organisation")
        mine = self.request.query_params.get("mine")
        if mine == "true":
            requests = requests.filter(requested_by=self.request.user)
        elif mine == "false":
            requests = requests.exclude(requested_by=self.request.user)
        elif mine is not None:
            raise serializers.ValidationError({"mine": [_("Give true or false.")]})
        return requests.order_by("-requested_at", "-id")

    @extend_schema(responses=AccessRequestSerializer(many=True))
    def list(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # signed in
        """Your requests, and those on cases whose distribution you manage
        (``mine=true`` or ``false`` for one side only), newest first."""
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the API paginates every list
        return self.get_paginated_response(AccessRequestSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(responses=AccessRequestSerializer)
    def retrieve(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # signed in
        """One request, as you may see it (the case only to those who decide)."""
        return Response(AccessRequestSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(
        request=AccessRequestSerializer,
        responses={
            202: RequestAnswerSerializer,
            400: OpenApiResponse(description="Reference or reason missing."),
            409: OpenApiResponse(description="You already asked."),
        },
    )
    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]  # signed in
        """Ask for access to a case by its reference, saying why. The
        answer never tells whether the reference exists."""
        body = AccessRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        access_request = access_requests.access_request_create(
            by=request.user, reference=body.validated_data["reference"], reason=body.validated_data["reason"]
        )
        return Response({"detail": str(access_requests.REQUEST_ANSWER), "id": access_request.pk}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=AccessDecisionSerializer,
        responses={
            200: AccessRequestSerializer,
            400: OpenApiResponse(description="A decline needs a reason; scope unknown."),
            403: OpenApiResponse(description="Your own request, or a case whose distribution you do not manage."),
            404: OpenApiResponse(description="No such request (or you may not see it)."),
            409: OpenApiResponse(description="Already decided."),
        },
    )
    @action(detail=True, methods=["post"], url_path="decide")
    def decide(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Grant (to the requester's organisation, or to the requester by
        name) or decline, with a reason; the requester is told."""
        access_request = self.get_object()
        body = AccessDecisionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        access_request = access_requests.access_request_decide(
            request=access_request,
            by=request.user,
            grant=body.validated_data["decision"] == "grant",
            reason=body.validated_data["reason"],
            scope=body.validated_data["scope"],
        )
        return Response(AccessRequestSerializer(access_request, context={"request": request}).data)
