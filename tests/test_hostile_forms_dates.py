"""Every HTML form, fuzzed in its date and date-and-time fields (the table and
what is checked: tests/hostile_forms_routes.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .hostile import fuzz_settings, hostile
from .hostile_forms_routes import ROUTE, ROUTES
from .hostile_forms_support import post
from .hostile_forms_values import date_attacks, examples
from .hostile_forms_world import world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, hostile]


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.dates or route.datetimes])
def test_hostile_dates(world, key):
    """Impossible dates (30 February, month 13, year 0, year 10,000 and
    beyond, words) are a form error with nothing written; extreme real
    dates are accepted or refused, never a 500."""
    route = ROUTE[key]
    fields = [(name, False) for name in route.dates] + [(name, True) for name in route.datetimes]

    @settings(fuzz_settings, max_examples=examples("dates"))
    @given(target=st.sampled_from(fields), data=st.data())
    def attack(target, data):
        name, is_datetime = target
        kind, value = data.draw(date_attacks(is_datetime), label="attack")
        outcome = post(world, route, {**route.payload(world), name: value})
        if kind == "invalid":
            assert not outcome.accepted, f"{key}: {name}={value!r} accepted"

    attack()
