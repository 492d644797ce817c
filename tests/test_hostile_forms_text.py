"""Every HTML form, fuzzed in its text fields (the table and what is checked:
tests/hostile_forms_routes.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .hostile import fuzz_settings, hostile
from .hostile_forms_routes import ROUTE, ROUTES
from .hostile_forms_support import _name, post
from .hostile_forms_values import MARKER, assert_escaped, examples, text_attacks
from .hostile_forms_world import world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, hostile]


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.text])
def test_hostile_text(world, key):
    """Markup, control and odd characters, NUL, oversized values in each text
    field: never a 500; refused with a form error and nothing written, or
    accepted and shown escaped on every page that shows it."""
    route = ROUTE[key]

    @settings(fuzz_settings, max_examples=examples("text"))
    @given(name=st.sampled_from(route.text), data=st.data())
    def attack(name, data):
        kind, value = data.draw(text_attacks(route.limits.get(name)), label="attack")
        outcome = post(world, route, {**route.payload(world), _name(world, name): value})
        assert_escaped(outcome)
        if kind in ("nul", "too long"):
            assert not outcome.accepted, f"{key}: {kind} value accepted in {_name(world, name)}"
        elif outcome.accepted and MARKER in value and name in route.shown:
            assert any(MARKER in html for html in outcome.pages.values()), f"{key}: {_name(world, name)} is shown on none of its pages"

    attack()
