from rest_framework import mixins, viewsets

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import OBJECT, declare_access
from cdt.core.api.filters import RestrictedSearchFilter
from cdt.security.api import MarkingsSerializer, ProtectedViewSetMixin

from .models import Dossier
from .services import dossier_create


class DossierSerializer(MarkingsSerializer):
    class Meta:
        model = Dossier
        fields = ("id", "title", *MarkingsSerializer.MARKING_FIELDS)

    def create(self, validated_data):
        return dossier_create(by=self.context["request"].user, **validated_data)


@declare_access(OBJECT, model=Dossier)
class DossierViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = DossierSerializer
    queryset = Dossier.objects.order_by("pk").prefetch_related("releasable_to").select_related("originator")
    filter_backends = [RestrictedSearchFilter]
    search_fields = ["title"]
