from __future__ import annotations

from rest_framework import serializers

from cdt.accounts.models import User
from cdt.core.api import fields as json_fields
from cdt.directory.models import Organisation
from cdt.security.api import NamedChoiceField
from cdt.security.markings import Classification


class CurrentUserSerializer(json_fields.ModelSerializer):
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    organisation_name = json_fields.CharField(source="organisation.name", read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()
    # By name, as every marking in the API ("RESTREINT_UE"); the integer the
    # model stores collided with the named ClassificationEnum in the schema.
    clearance = NamedChoiceField(Classification, read_only=True)
    effective_clearance = NamedChoiceField(Classification, read_only=True)  # the model method, called by DRF

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "organisation",
            "organisation_name",
            "roles",
            "clearance",
            "clearance_expires_on",
            "effective_clearance",
        ]

    def get_roles(self, user: User) -> list[str]:
        return sorted(role.value for role in user.roles)
