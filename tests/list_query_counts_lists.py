"""Every list costs the same number of queries with 10 rows as with 1,000.

The lists are found by walking the URL configuration, so a new one cannot
ship without a test here:

* API routes whose GET is a list: a DRF viewset's ``list`` action, a
  generic list view (``ListModelMixin``), or an API view that pages with
  TAXII's keyset ``Page`` (objects, manifest, an object's versions);
* HTML pages that page through ``cdt.core.listing.paginate`` (or a Django
  ``ListView``), and the few pages of growing rows that do not page
  (:data:`UNPAGED_LISTS`, named by hand).

Each has an entry in :data:`LISTS` (assembled here from three parts:
the API, TAXII and the pages): a factory that writes N rows the
requesting user may see (in bulk, with the need-to-know grants the security
model reads), who asks, and the URL. The test requests the list once to warm
per-process caches, counts the queries of a second request, grows the rows
from 10 to 1,000 and counts again: the counts must be equal, and the answer
must be a 200 that actually lists the rows (so an empty page or a 404
cannot pass). How long a list takes is ``make bench``'s business, not this.

The tests: tests/test_list_query_counts_api.py (the API and TAXII),
_pages.py (the pages) and _coverage.py (the table covers every list).
"""

from __future__ import annotations

import inspect

from django.urls import get_resolver
from django.views.generic.list import MultipleObjectMixin
from rest_framework.mixins import ListModelMixin

from .list_query_counts_rows_attribution import make_claims, make_deliberations, make_plans, make_statements
from .list_query_counts_rows_awareness import (
    STIX_VERSIONED,
    make_actors,
    make_assessments,
    make_feed_clients,
    make_ingestions,
    make_rfis,
    make_stix_objects,
    make_stix_versions,
)
from .list_query_counts_rows_cases import (
    make_access_requests,
    make_cases,
    make_decisions,
    make_meetings,
    make_questions,
    make_written_procedures,
)
from .list_query_counts_rows_console import make_console_cases, make_people
from .list_query_counts_rows_directory import (
    make_council_bodies,
    make_deadlines,
    make_directory,
    make_notifications,
    make_organisations,
    make_presidency_terms,
)
from .list_query_counts_rows_measures import make_evaluations, make_measure_types, make_measures, make_options_notes, make_strategic_notes
from .list_query_counts_support import Listing
from .url_support import walk

# --- Finding the lists -----------------------------------------------------------------------------------


def _source(function) -> str:
    try:
        return inspect.getsource(inspect.unwrap(function))
    except (OSError, TypeError):
        return ""


def is_list(callback) -> bool:
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route
        return actions.get("get") == "list"
    cls = getattr(callback, "cls", None)
    if cls is not None:  # a DRF API view
        return issubclass(cls, ListModelMixin) or "Page(request)" in _source(getattr(cls, "get", None))
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:  # a Django class-based view
        return issubclass(view_class, MultipleObjectMixin)
    return "paginate(" in _source(callback)  # a page built on cdt.core.listing


def list_routes() -> dict[str, str]:
    """URL name -> route, for every list (format-suffix twins counted once)."""
    found: dict[str, str] = {}
    for route, name, callback in walk(get_resolver().url_patterns):
        if is_list(callback):
            found.setdefault(name, route)
    return found


#: Pages the walk cannot find (they do not page through the helpers) but
#: that show rows which grow: named here by hand.
UNPAGED_LISTS = {
    "deadline-list-page",  # notifications.views.deadline_list: the first 200
    "directory",  # cdt.directory.views.directory_index: organisations, Council bodies, the Presidency calendar (reference data, all)
}

#: Lists that are not lists of growing rows (or not the product's).
EXEMPT = {
    "member-state-list": "the 27 Member States, fixed by the Treaties (reference data, not paginated)",
    "population-year-list": "one row per year the Council published figures for (2000 to 2100 at most), figures prefetched",
    "test-dossier-list": "the test-only protected model of tests/testapp, not a product list",
}

COLLECTION = {"collection_id": "siac-assessments"}
INGESTION_LOG = Listing(make_ingestions, member="secretariat")  # the secretariat sees every ingestion

#: The lists of /api/v1/.
API_LISTS: dict[str, Listing] = {
    "organisation-list": Listing(make_organisations),
    "council-body-list": Listing(make_council_bodies),
    "presidency-term-list": Listing(make_presidency_terms),
    "case-list": Listing(make_cases),
    "access-request-list": Listing(make_access_requests),
    "meeting-list": Listing(make_meetings),
    "question-list": Listing(make_questions),
    "decision-list": Listing(make_decisions),
    "written-procedure-list": Listing(make_written_procedures),
    "threat-actor-list": Listing(make_actors),
    "assessment-list": Listing(make_assessments),
    "request-for-information-list": Listing(make_rfis),
    "feed-ingestion-list": INGESTION_LOG,
    "feed-client-list": Listing(make_feed_clients, member="secretariat"),
    "measure-type-list": Listing(make_measure_types),
    "measure-list": Listing(make_measures),
    "impact-evaluation-list": Listing(make_evaluations),
    "options-note-list": Listing(make_options_notes),
    "strategic-response-note-list": Listing(make_strategic_notes),
    "attribution-claim-list": Listing(make_claims),
    "attribution-deliberation-list": Listing(make_deliberations),
    "statement-list": Listing(make_statements),
    "communication-plan-list": Listing(make_plans),
    "notification-list": Listing(make_notifications),
    "deadline-list": Listing(make_deadlines),
}

#: The lists of /taxii2/.
TAXII_LISTS: dict[str, Listing] = {
    "taxii-objects": Listing(make_stix_objects, kwargs=COLLECTION, taxii=True),
    "taxii-manifest": Listing(make_stix_objects, kwargs=COLLECTION, taxii=True),
    "taxii-object": Listing(
        make_stix_versions, kwargs={**COLLECTION, "object_id": STIX_VERSIONED}, params={"match[version]": "all"}, taxii=True
    ),
    "taxii-object-versions": Listing(make_stix_versions, kwargs={**COLLECTION, "object_id": STIX_VERSIONED}, taxii=True),
}

#: The pages that list.
PAGE_LISTS: dict[str, Listing] = {
    "case-list-page": Listing(make_cases),
    "meeting-list-page": Listing(make_meetings),
    "actor-list-page": Listing(make_actors),
    "assessment-list-page": Listing(make_assessments),
    "rfi-list-page": Listing(make_rfis),
    "feed-log-page": INGESTION_LOG,
    "evaluation-list-page": Listing(make_evaluations),
    "claim-list-page": Listing(make_claims),
    "notification-list-page": Listing(make_notifications),
    "deadline-list-page": Listing(make_deadlines, cap=200),
    "directory": Listing(make_directory),
    "console-people": Listing(make_people, member="secretariat"),
    "console-cases": Listing(make_console_cases, member="secretariat"),
}

#: Every list with its query-count test: the three parts in one table (the
#: coverage test compares it with the lists the URL walk finds).
LISTS: dict[str, Listing] = {**API_LISTS, **TAXII_LISTS, **PAGE_LISTS}
