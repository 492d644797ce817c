"""A protected model and a child of it that exist only in tests: the
security model (and its permission matrix) is exercised on them
independently of the domain apps, which plug into the same machinery."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cdt.security.models import Marked, MarkedChild


class Dossier(Marked):
    title = models.CharField(max_length=100)
    history = HistoricalRecords(excluded_fields=["releasable_to"])

    class Meta(Marked.Meta):
        pass

    def __str__(self) -> str:
        return self.title


class DossierUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)


class DossierGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)


class DossierNote(MarkedChild):
    parent_field = "dossier"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notes")
    text = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta(MarkedChild.Meta):
        verbose_name = "note"

    def __str__(self) -> str:
        return self.text[:50]
