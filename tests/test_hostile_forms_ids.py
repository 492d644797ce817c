"""Every HTML form, fuzzed in its object-id fields (the table and what is
checked: tests/hostile_forms_routes.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .hostile import fuzz_settings, hostile
from .hostile_forms_routes import ROUTE, ROUTES
from .hostile_forms_support import post
from .hostile_forms_values import assert_no_leak, examples, id_attacks
from .hostile_forms_world import world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db, hostile]


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.ids])
def test_hostile_ids(world, key):
    """Ids of objects the user may not see, of nothing, and not ids at all:
    a form error, nothing written, and never the hidden object's name."""
    route = ROUTE[key]

    @settings(fuzz_settings, max_examples=examples("ids"))
    @given(name=st.sampled_from(sorted(route.ids)), data=st.data())
    def attack(name, data):
        spec = route.ids[name]
        valid = spec.valid(world)
        many = isinstance(valid, list)
        kind, value = data.draw(id_attacks(spec, valid[0] if many else valid), label="attack")
        if kind == "invisible":
            value = spec.invisible(world)
        if many:
            value = data.draw(st.sampled_from([[value], [*valid, value]]), label="with the valid ones")
        outcome = post(world, route, {**route.payload(world), **spec.extra, name: value})
        assert_no_leak(outcome)
        if kind != "alias":
            assert not outcome.accepted, f"{key}: {name}={value!r} ({kind}) accepted"

    attack()
