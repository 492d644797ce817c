from rest_framework import serializers

from cdt.accounts.models import User


class CurrentUserSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()
    effective_clearance = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "organisation", "organisation_name", "roles", "clearance",
                  "clearance_expires_on", "effective_clearance"]

    def get_roles(self, user: User) -> list[str]:
        return sorted(role.value for role in user.roles)

    def get_effective_clearance(self, user: User) -> int:
        return int(user.effective_clearance())
