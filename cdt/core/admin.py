"""The console as a whole: its titles, and the CSV export every changelist
offers. Loaded by the admin's autodiscovery, so both are set in one place."""

from __future__ import annotations

import csv

from django.contrib import admin
from django.contrib.admin.utils import display_for_field, display_for_value, label_for_field, lookup_field
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry

admin.site.site_header = _("CDT — Council secretariat console")
admin.site.site_title = _("CDT console")
admin.site.index_title = _("Council secretariat console")

#: A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Ids kept in the audit entry of an export (the count is always complete).
AUDITED_IDS = 500


def csv_cell(value) -> str:
    """One cell, neutralised against formula injection (OWASP: prefix '),
    and without the HTML a list column may render."""
    text = strip_tags(str(value))
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """The write end csv.writer needs, handing each row to the stream."""

    def write(self, value: str) -> str:
        return value


@admin.action(description=_("Export selected as CSV"), permissions=["view"])
def export_as_csv(modeladmin, request, queryset):
    """The list's columns for the selected rows. ``queryset`` is the
    changelist's, so the access rule already applies: a posted id the user
    may not see is not in it. The export is audited (who, what, how many)."""
    opts = modeladmin.model._meta
    columns = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    audit_record(
        action=AuditEntry.Action.EXPORT,
        actor=request.user,
        request=request,
        details={
            "format": "csv",
            "model": opts.label_lower,
            "count": queryset.count(),
            "ids": [str(pk) for pk in queryset.values_list("pk", flat=True)[:AUDITED_IDS]],
        },
    )

    def cell(obj, name):
        # As the changelist shows it (choice labels, names of related rows,
        # local dates), except booleans, which it shows as icons.
        field, _attr, value = lookup_field(name, obj, modeladmin)
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return display_for_field(value, field, "") if field is not None else display_for_value(value, "")

    def rows(language=translation.get_language()):  # noqa: B008  (bound now, on purpose)
        # Streamed after the view has returned: keep the request's language.
        writer = csv.writer(_Echo())
        with translation.override(language):
            yield writer.writerow([csv_cell(capfirst(label_for_field(name, modeladmin.model, modeladmin))) for name in columns])
            for obj in queryset.iterator(chunk_size=500):
                yield writer.writerow([csv_cell(cell(obj, name)) for name in columns])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(str(opts.verbose_name_plural)) or opts.model_name}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


admin.site.add_action(export_as_csv, "export_as_csv")
