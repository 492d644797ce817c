"""Every HTML form, fuzzed through the test client (issue 12, hostile input).

The forms are found by walking the URL configuration (every page view that
validates a form, directly or through a view helper, and every Django form
view), so a new one cannot ship unfuzzed: each has an entry in
:data:`ROUTES` (assembled here from the parts by area,
tests/hostile_forms_routes_*.py) (who posts it, a valid payload, its text, date/datetime,
object-id and choice fields, the pages that show what it records) or in
:data:`EXEMPT` with the reason.

For each route, hypothesis (``fuzz_settings``: fixed seed, a fixed number
of examples per profile) posts the valid payload with one field made
hostile:

* text: markup and script payloads, control and odd Unicode, NUL, values
  beyond ``max_length`` and of about a megabyte;
* dates and datetimes: impossible ones (30 February, month 13, year 0, year
  10,000 and beyond, words) and extreme real ones;
* object ids: of objects the user may not see (a Hungarian case and its
  decision, measure and statement; a SIAC-only assessment), of nothing, and
  not ids at all, alone or beside valid ones;
* choices: values outside the choices.

Whatever the input, the answer is never a 5xx, and no page shows a payload
unescaped or names an object the user may not see. Accepted, the value is
shown escaped on the pages that show it; refused (NUL, too long, impossible
dates, bad ids must be), the page shows a form error and the database is as
it was (:func:`tests.hostile.database_fingerprint`, the session and the
audit of reads excepted; the bounded run fingerprints when the request's
SQL wrote anywhere else, the full run after every refusal). PostgreSQL's refusals that SQLite lacks (NUL in
text, a string longer than its ``varchar``) are emulated, so the embedded
lane finds what would be a 500 in production.

Everything the forms act on is built once for the module, in a transaction
rolled back at its end; each example runs in a savepoint rolled back after
it, so every example starts from the same database.

The tests, one module per kind of attack (each builds the world once):
tests/test_hostile_forms_text.py, _dates.py, _ids.py, _choices.py; the
coverage of the table in tests/test_hostile_forms_coverage.py; each
defect found is pinned by a plain ``test_regression_*`` in
tests/test_hostile_forms_regressions.py.
"""

from __future__ import annotations

import inspect

from django.urls import get_resolver
from django.views.generic.edit import FormMixin

from . import (
    hostile_forms_routes_accounts,
    hostile_forms_routes_attribution,
    hostile_forms_routes_cases,
    hostile_forms_routes_console,
    hostile_forms_routes_measures,
)
from .hostile_forms_support import FormRoute
from .url_support import walk

#: Every fuzzed form route: the parts by area, in one table (the coverage test
#: compares it with the routes the URL walk finds).
ROUTES: list[FormRoute] = [
    *hostile_forms_routes_cases.ROUTES,
    *hostile_forms_routes_measures.ROUTES,
    *hostile_forms_routes_attribution.ROUTES,
    *hostile_forms_routes_accounts.ROUTES,
    *hostile_forms_routes_console.ROUTES,
]
ROUTE = {route.key: route for route in ROUTES}


# --- Finding the form routes -----------------------------------------------------------------------------------

PROJECT_PACKAGES = ("cases", "measures", "council", "attribution", "drafting", "notifications", "awareness", "overview", "cdt", "tests")


def _ours(obj) -> bool:
    return (getattr(obj, "__module__", "") or "").split(".")[0] in PROJECT_PACKAGES


def validates_a_form(function, depth: int = 3, seen=None) -> bool:
    """True when ``function`` (or a view helper it calls, in a views module
    of the project) validates a form: calls ``is_valid``. Pages that only
    show a form (the case page with its panels) do not."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or function in seen:
        return False
    seen.add(function)
    codes, names = [code], set()
    while codes:
        current = codes.pop()
        names |= set(current.co_names)
        codes += [const for const in current.co_consts if inspect.iscode(const)]
    if "is_valid" in names:
        return True
    if depth == 0:
        return False
    found = [function.__globals__.get(name) for name in names]
    modules = [obj for obj in found if inspect.ismodule(obj)]
    found += [getattr(module, name, None) for module in modules for name in names]
    helpers = [obj for obj in found if inspect.isfunction(obj) and _ours(obj) and "views" in obj.__module__]
    return any(validates_a_form(helper, depth - 1, seen) for helper in helpers)


def form_routes() -> dict[str, str]:
    """URL name -> route, for every page that takes a Django form."""
    found = {}
    for route, name, callback in walk(get_resolver().url_patterns):
        if getattr(callback, "actions", None) is not None or getattr(callback, "cls", None) is not None:
            continue  # the API: its serializers are fuzzed by the schema tests
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            if issubclass(view_class, FormMixin):
                found.setdefault(name, route)
        elif _ours(inspect.unwrap(callback)) and validates_a_form(callback):
            found.setdefault(name, route)
    return found


#: Form routes that are not fuzzed here, and why.
EXEMPT = {
    "notification-list-page": "a GET filter (event kind, unread): an invalid value is ignored and nothing is written",
    "test-dossier-new": "the test-only protected model of tests/testapp, not a product form",
}
