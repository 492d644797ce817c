"""Read-only API over the directory (reference data for every client)."""

import datetime

from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.directory import selectors

from .serializers import CouncilBodySerializer, MemberStateSerializer, OrganisationSerializer, PresidencyTermSerializer


@declare_access(AUTHENTICATED)
class MemberStateViewSet(viewsets.ReadOnlyModelViewSet):
    """The 27 Member States in protocol order, with their population shares by year."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = MemberStateSerializer
    lookup_field = "code"
    pagination_class = None
    queryset = selectors.member_state_list()


@declare_access(AUTHENTICATED)
class CouncilBodyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = CouncilBodySerializer
    lookup_field = "code"
    pagination_class = None
    queryset = selectors.council_body_list()


@declare_access(AUTHENTICATED)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = OrganisationSerializer
    lookup_field = "code"
    filterset_fields = ["kind"]
    queryset = selectors.organisation_list()


@declare_access(AUTHENTICATED)
class PresidencyTermViewSet(viewsets.ReadOnlyModelViewSet):
    """The rotating Presidency calendar; ``on`` gives the term in force on a date."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = PresidencyTermSerializer
    pagination_class = None
    queryset = selectors.presidency_calendar()

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="default: today")],
        responses=PresidencyTermSerializer,
    )
    @action(detail=False, url_path="on")
    def on(self, request):
        raw = request.query_params.get("date")
        try:
            day = parse_date(raw) if raw is not None else None
        except ValueError:  # well formed, but no such day (2026-02-30)
            day = None
        if raw is not None and day is None:
            raise ValidationError({"date": f"{raw!r} is not a date (YYYY-MM-DD)"})
        term = selectors.presidency_on(day or datetime.date.today())
        if term is None:
            raise NotFound("No Presidency term is recorded for that date.")
        return Response(self.get_serializer(term).data)
