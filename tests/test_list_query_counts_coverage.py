"""The table of list query-count tests (tests/list_query_counts_lists.py)
covers every list route: a new list cannot ship without one.
"""

from __future__ import annotations

import pytest

from .list_query_counts_lists import API_LISTS, EXEMPT, LISTS, PAGE_LISTS, TAXII_LISTS, UNPAGED_LISTS, list_routes

pytestmark = pytest.mark.django_db


def test_every_list_has_a_query_count_test():
    twice = sorted(set(API_LISTS) & set(TAXII_LISTS) | set(API_LISTS) & set(PAGE_LISTS) | set(TAXII_LISTS) & set(PAGE_LISTS))
    assert not twice, f"lists in two parts of the table: {twice}"
    found = set(list_routes()) | UNPAGED_LISTS
    missing = sorted(found - set(LISTS) - set(EXEMPT))
    assert not missing, (
        f"list routes without a query-count test: {missing}. Add each to its part of LISTS in tests/list_query_counts_lists.py "
        "with a factory that bulk-creates N rows the requesting user may see (or to EXEMPT with a reason if its rows do not grow)."
    )
    gone = sorted((set(LISTS) | set(EXEMPT)) - found)
    assert not gone, f"LISTS/EXEMPT name routes that are no longer lists (or no longer exist): {gone}"
    assert not set(LISTS) & set(EXEMPT)
