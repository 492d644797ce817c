"""Every HTML form, fuzzed in its choice fields (the table and what is
checked: tests/hostile_forms_routes.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .hostile import fuzz_settings, hostile
from .hostile_forms_routes import ROUTE, ROUTES
from .hostile_forms_support import _name, post
from .hostile_forms_values import BAD_CHOICES, assert_escaped, examples
from .hostile_forms_world import world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, hostile]


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.choices])
def test_hostile_choices(world, key):
    """A value outside a choice field's choices (or an integer field's
    range) is a form error, never a 500, never echoed unescaped."""
    route = ROUTE[key]

    @settings(fuzz_settings, max_examples=examples("choices"))
    @given(name=st.sampled_from(route.choices), value=st.sampled_from(BAD_CHOICES))
    def attack(name, value):
        outcome = post(world, route, {**route.payload(world), _name(world, name): value})
        assert_escaped(outcome)
        assert not outcome.accepted, f"{key}: {_name(world, name)}={value!r} accepted"

    attack()
