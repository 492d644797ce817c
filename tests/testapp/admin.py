from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cdt.security.admin import ProtectedModelAdmin

from .models import Dossier


@admin.register(Dossier)
class DossierAdmin(ProtectedModelAdmin, SimpleHistoryAdmin):
    list_display = ("title", "classification", "tlp")
    search_fields = ("title",)
