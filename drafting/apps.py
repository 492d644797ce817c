from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    """The shared life of a draft (options notes, strategic response notes,
    statements): versions, comparison, comments, optimistic locking, the
    draft → circulated → submitted lifecycle on the workflow engine, pages,
    API and PDF. It owns no table: each kind's models live in its own app
    (measures, attribution) and register a :class:`drafting.kinds.DraftKind`."""

    name = "drafting"
    verbose_name = _("Drafting")
