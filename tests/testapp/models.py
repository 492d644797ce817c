from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cdt.security.models import Marked


class Dossier(Marked):
    title = models.CharField(max_length=100)

    class Meta(Marked.Meta):
        pass

    def __str__(self) -> str:
        return self.title


class DossierUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)
