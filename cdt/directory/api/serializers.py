from rest_framework import serializers

from cdt.directory.models import CouncilBody, MemberState, Organisation, PopulationShare, PresidencyTerm


class PopulationShareSerializer(serializers.ModelSerializer):
    class Meta:
        model = PopulationShare
        fields = ["year", "share_percent"]


class MemberStateSerializer(serializers.ModelSerializer):
    population_shares = PopulationShareSerializer(many=True, read_only=True)

    class Meta:
        model = MemberState
        fields = ["code", "iso3166", "name", "protocol_order", "population_shares"]


class CouncilBodySerializer(serializers.ModelSerializer):
    reports_to = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = CouncilBody
        fields = ["code", "name", "level", "geographical", "reports_to"]


class OrganisationSerializer(serializers.ModelSerializer):
    member_state = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["code", "name", "short_name", "kind", "member_state", "parent"]


class PresidencyTermSerializer(serializers.ModelSerializer):
    member_state = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PresidencyTerm
        fields = ["member_state", "starts_on", "ends_on"]
