from rest_framework import serializers

from cdt.core.api import fields as json_fields
from cdt.directory.models import CouncilBody, MemberState, Organisation, PopulationShare, PopulationYear, PresidencyTerm
from cdt.directory.services import MAX_POPULATION


class PopulationShareSerializer(json_fields.ModelSerializer):
    class Meta:
        model = PopulationShare
        fields = ["year", "share_percent"]


class MemberStateSerializer(json_fields.ModelSerializer):
    population_shares = PopulationShareSerializer(many=True, read_only=True)

    class Meta:
        model = MemberState
        fields = ["code", "iso3166", "name", "protocol_order", "member_from", "member_until", "population_shares"]


class PopulationYearSerializer(json_fields.ModelSerializer):
    """A year's population table: complete or not, its act and source, and
    the population of each state (empty for a year known as percentages)."""

    figures = serializers.SerializerMethodField()

    class Meta:
        model = PopulationYear
        fields = ["year", "complete", "act", "oj_reference", "source", "figures", "entered_at"]

    def get_figures(self, record: PopulationYear) -> dict[str, int]:
        return {figure.member_state.code: figure.population for figure in record.figures.all()}


class PopulationYearEntrySerializer(serializers.Serializer):
    """The secretariat's entry of a year: every state's population, by Council code."""

    figures = serializers.DictField(child=json_fields.IntegerField(min_value=1, max_value=MAX_POPULATION), allow_empty=False)
    act = json_fields.CharField(required=False, allow_blank=True, default="", max_length=200)
    oj_reference = json_fields.CharField(required=False, allow_blank=True, default="", max_length=100)
    source = json_fields.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CouncilBodySerializer(json_fields.ModelSerializer):
    reports_to = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = CouncilBody
        fields = ["code", "name", "level", "geographical", "reports_to"]


class OrganisationSerializer(json_fields.ModelSerializer):
    member_state = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["code", "name", "short_name", "kind", "member_state", "parent"]


class PresidencyTermSerializer(json_fields.ModelSerializer):
    member_state = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PresidencyTerm
        fields = ["member_state", "starts_on", "ends_on"]
