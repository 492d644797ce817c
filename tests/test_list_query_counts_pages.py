"""Every page that lists costs the same number of queries with 10 rows as
with 1,000 (how, and the table: tests/list_query_counts_lists.py).
"""

from __future__ import annotations

import pytest

from .list_query_counts_lists import LISTS, PAGE_LISTS
from .list_query_counts_support import (
    assert_queries_do_not_grow,
    world,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(PAGE_LISTS))
def test_query_count_does_not_grow_with_rows(world, signed_in, name):
    assert_queries_do_not_grow(world, signed_in, name, LISTS[name])
