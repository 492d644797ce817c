"""The table of fuzzed forms covers every form route (tests/hostile_forms_routes.py):
a new form cannot ship unfuzzed.
"""

from __future__ import annotations

import pytest

from .hostile import hostile
from .hostile_forms_routes import EXEMPT, ROUTES, form_routes, validates_a_form

pytestmark = [pytest.mark.django_db, hostile]


def test_every_form_route_is_fuzzed():
    found = set(form_routes())
    covered = {route.name for route in ROUTES}
    keys = [route.key for route in ROUTES]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    assert not twice, f"routes in the table twice (in one area's part, or in two): {twice}"
    missing = sorted(found - covered - set(EXEMPT))
    assert not missing, (
        f"form routes that are not fuzzed: {missing}. Add each to the ROUTES of its area "
        "(tests/hostile_forms_routes_*.py, assembled in tests/hostile_forms_routes.py: who posts it, a valid payload, its text, date and object-id fields), or to EXEMPT with the reason."
    )
    gone = sorted((covered | set(EXEMPT)) - found)
    assert not gone, f"ROUTES/EXEMPT name routes that no longer take a form (or no longer exist): {gone}"


def test_the_walk_tells_a_form_from_a_page_that_shows_one():
    """Through helpers (the statement editor is the drafting app's
    ``editor``), not fooled by pages that only render forms (the case page,
    the note page)."""
    from django.urls import resolve, reverse

    from cases.views import case_detail

    statement_edit = resolve(reverse("statement-edit-page", args=[1])).func
    statement_detail = resolve(reverse("statement-page", args=[1])).func

    assert validates_a_form(statement_edit)
    assert not validates_a_form(case_detail) and not validates_a_form(statement_detail)
