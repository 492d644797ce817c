from rest_framework import serializers

from cdt.core.api import fields as json_fields
from cdt.directory.models import CouncilBody, MemberState, Organisation, PopulationShare, PresidencyTerm


class PopulationShareSerializer(json_fields.ModelSerializer):
    class Meta:
        model = PopulationShare
        fields = ["year", "share_percent"]


class MemberStateSerializer(json_fields.ModelSerializer):
    population_shares = PopulationShareSerializer(many=True, read_only=True)

    class Meta:
        model = MemberState
        fields = ["code", "iso3166", "name", "protocol_order", "population_shares"]


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
