"""Every list of the API and of TAXII costs the same number of queries with
10 rows as with 1,000 (how, and the table: tests/list_query_counts_lists.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from cdt.security.access import permission_models
from cdt.security.markings import Distribution
from measures.models import StrategicResponseNote

from .list_query_counts_lists import API_LISTS, LISTS, TAXII_LISTS
from .list_query_counts_rows_cases import make_cases
from .list_query_counts_rows_measures import make_strategic_notes
from .list_query_counts_support import (
    assert_queries_do_not_grow,
    link,
    world,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(API_LISTS | TAXII_LISTS))
def test_query_count_does_not_grow_with_rows(world, signed_in, name):
    assert_queries_do_not_grow(world, signed_in, name, LISTS[name])


def test_strategic_notes_list_only_the_cases_the_reader_may_see(world, signed_in):
    """The cases of a note's actor, now prefetched for the page: still only
    the real cases the reader may see."""
    make_strategic_notes(world, 1)
    note = StrategicResponseNote.objects.get()
    hidden, exercise = make_cases(world, 2)
    Case.objects.filter(pk=hidden.pk).update(originator=world.orgs["SIAC"], distribution=Distribution.RESTRICTED)
    permission_models(Case)[1].objects.filter(content_object=hidden).delete()  # no need-to-know for DE
    Case.objects.filter(pk=exercise.pk).update(exercise=True)
    link(Case.suspected_actors, [(hidden, note.actor), (exercise, note.actor)])
    client = signed_in["delegate"]
    listed = client.get(reverse("strategic-response-note-list")).json()["results"]
    assert [row["cases"] for row in listed] == [[world.case.pk]]
    assert client.get(reverse("strategic-response-note-detail", args=[note.pk])).json()["cases"] == [world.case.pk]
