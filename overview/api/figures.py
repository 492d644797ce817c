"""Figures over the API: the same figures as the figures page
(``overview.figures.register_figures``), counted over what the caller may
see, exercise cases left out. Read-only serializers: the view takes no
input, so there is nothing to refuse."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, declare_access

from .. import figures


class MeasureTypeYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="Year of implementation, or of the decision's adoption while not implemented.")
    measure_type_slug = serializers.CharField(help_text="The catalogue entry's code.")
    measure_type_name = serializers.CharField()
    count = serializers.IntegerField()


class KindCountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class StepCountSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="The case's state (step of the response process).")
    label = serializers.CharField()
    count = serializers.IntegerField()
    by_kind = KindCountSerializer(many=True)


class ActorCountSerializer(serializers.Serializer):
    actor_id = serializers.IntegerField()
    actor_name = serializers.CharField()
    count = serializers.IntegerField()


class StepStaySerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    median_days = serializers.FloatField(
        allow_null=True, help_text="Median days at the step before leaving it; null while no case has left it."
    )
    mean_days = serializers.FloatField(
        allow_null=True, help_text="Average days at the step before leaving it; null while no case has left it."
    )
    stays = serializers.IntegerField(help_text="How many stays at the step ended (a step re-entered counts once per stay).")


class RegisterFiguresSerializer(serializers.Serializer):
    measures_taken = MeasureTypeYearSerializer(many=True, help_text="Measures taken, by year and catalogue type.")
    cases_by_step = StepCountSerializer(many=True)
    cases_by_kind = KindCountSerializer(many=True)
    measures_by_actor = ActorCountSerializer(
        many=True, help_text="Measures taken (as counted above) concerning each actor; none listed with 0."
    )
    time_per_step = StepStaySerializer(many=True, help_text="Median and average days a case stayed at each step before moving on.")
    taken_rule = serializers.CharField(help_text="Which date counts for a measure taken.")


@declare_access(AUTHENTICATED)
class FiguresView(APIView):
    """The register's figures as you may see them (exercise cases left out): the figures page's source."""

    permission_classes = AUTHENTICATED_WITH_SCOPE

    @extend_schema(responses=RegisterFiguresSerializer)
    def get(self, request):
        return Response(RegisterFiguresSerializer(figures.register_figures(request.user)).data)
