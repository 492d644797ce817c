"""Read-only API over the directory (reference data for every client)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.accounts.roles import is_secretariat
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.core.api.errors import service_validation_error
from cdt.directory import selectors, services

from .serializers import (
    CouncilBodySerializer,
    MemberStateSerializer,
    OrganisationSerializer,
    PopulationYearEntrySerializer,
    PopulationYearSerializer,
    PresidencyTermSerializer,
)


def _query_date(request, name: str) -> datetime.date | None:
    """The date in query parameter ``name``, None if absent; 400 naming it if not a date."""
    raw = request.query_params.get(name)
    try:
        day = parse_date(raw) if raw is not None else None
    except ValueError:  # well formed, but no such day (2026-02-30)
        day = None
    if raw is not None and day is None:
        raise ValidationError({name: f"{raw!r} is not a date (YYYY-MM-DD)"})
    return day


@declare_access(AUTHENTICATED)
class MemberStateViewSet(viewsets.ReadOnlyModelViewSet):
    """The Member States in protocol order, with their population shares by
    year. The list holds today's (the 27) or, with ``on``, those of that day
    (the EU-28 until 31 January 2020); a former Member State (UK) is also
    reachable by its code."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = MemberStateSerializer
    lookup_field = "code"
    pagination_class = None
    queryset = selectors.member_state_list()

    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="the Member States on this day (default: today)")])
    def list(self, request, *args, **kwargs):
        day = _query_date(request, "on") or timezone.localdate()
        serializer = self.get_serializer(self.get_queryset().members_on(day), many=True)
        return Response(serializer.data)


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
        day = _query_date(request, "date")
        term = selectors.presidency_on(day or datetime.date.today())
        if term is None:
            raise NotFound("No Presidency term is recorded for that date.")
        return Response(self.get_serializer(term).data)


@declare_access(AUTHENTICATED)
class PopulationYearViewSet(viewsets.ReadOnlyModelViewSet):
    """The population figures the Council uses each year (Rules of
    Procedure art. 11(6), Annex III): which years are complete, their act
    and source. ``PUT`` enters a year, complete or refused: the secretariat
    only. A vote whose rule needs population is computed only in a
    complete year."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = PopulationYearSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    pagination_class = None
    queryset = selectors.population_year_list()

    @extend_schema(request=PopulationYearEntrySerializer, responses=PopulationYearSerializer)
    def update(self, request, year=None):
        if not is_secretariat(request.user):  # before reading the body: the role, not the input, refuses
            raise PermissionDenied("Only the Council secretariat enters the population figures.")
        body = PopulationYearEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            record = services.population_year_enter(by=request.user, year=int(year), **body.validated_data)
        except DjangoValidationError as error:
            raise service_validation_error(error) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)
