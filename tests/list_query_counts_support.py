"""What the list query-count tests share (tests/test_list_query_counts_*.py):
the world the rows are written into, bulk writing, a list's entry in the
table (:class:`Listing`) and the measurement itself. The table is
tests/list_query_counts_lists.py; the row factories,
tests/list_query_counts_rows_*.py.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awareness.models import Assessment, ThreatActor
from cases.models import Case
from cdt.directory.models import CouncilBody, MemberState, Organisation
from cdt.security.access import codename, permission_models
from cdt.security.grants import organisation_group
from cdt.security.markings import Classification, Tlp

FEW, MANY = 10, 1_000
TAXII = "application/taxii+json;version=2.1"
MARKINGS = dict(classification=Classification.RESTREINT_UE, limite=True, tlp=Tlp.AMBER, releasable_to_all=True)
CHILD = dict(classification=Classification.RESTREINT_UE)


@dataclass
class World:
    cast: dict
    case: Case  # shared with the requesting delegate's delegation (DE)
    actor: ThreatActor
    assessment: Assessment  # visible to DE
    orgs: dict[str, Organisation]
    bodies: dict[str, CouncilBody]
    states: dict[str, MemberState]
    serial: itertools.count = field(default_factory=itertools.count)
    store: dict = field(default_factory=dict)

    def take(self, n: int) -> list[int]:
        return [next(self.serial) for _ in range(n)]


def grant(model, objects, codes=("DE",)) -> None:
    """Need-to-know for whole delegations, as ``access_grant`` writes it:
    a row of the model's direct group-permission table per object."""
    group_perm = permission_models(model)[1]
    permission = Permission.objects.get(codename=codename(model, "view"), content_type=ContentType.objects.get_for_model(model))
    groups = [organisation_group(Organisation.objects.get(code=code)) for code in codes]
    group_perm.objects.bulk_create(
        [group_perm(content_object=obj, group=group, permission=permission) for obj in objects for group in groups], batch_size=2000
    )


def link(descriptor, pairs) -> None:
    """Rows of a many-to-many table, in bulk: ``pairs`` of (source, target)."""
    through, relation = descriptor.through, descriptor.field
    source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    through.objects.bulk_create([through(**{f"{source}_id": a.pk, f"{target}_id": b.pk}) for a, b in pairs], batch_size=2000)


@dataclass(frozen=True)
class Listing:
    factory: Callable[[World, int], object]
    member: str = "delegate"  # key of the cast (tests/cases_support.py)
    params: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)
    taxii: bool = False
    cap: int | None = None  # the most rows the list shows, for one that has no count


@pytest.fixture
def world(cast, open_case) -> World:
    case = open_case()  # shared with DE (the opener's delegation), IE, FR, EEAS, SIAC and the secretariat
    orgs = {org.code: org for org in Organisation.objects.filter(code__in=["DE", "SIAC", "EEAS", "US", "AL"])}
    assessment = Assessment.objects.create(
        kind=Assessment.Kind.WRITTEN,
        source=orgs["SIAC"],
        title="Shared assessment",
        body="Bulk.",
        recorded_by=cast["siac"],
        originator=orgs["SIAC"],
        **MARKINGS,
    )
    grant(Assessment, [assessment])
    return World(
        cast=cast,
        case=case,
        assessment=assessment,
        actor=ThreatActor.objects.create(name="Load test actor", stix_id="intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f0001"),
        orgs=orgs,
        bodies={body.code: body for body in CouncilBody.objects.all()},
        states={state.code: state for state in MemberState.objects.all()},
    )


def get(client, listing: Listing, url: str):
    headers = {"HTTP_ACCEPT": TAXII} if listing.taxii else {}
    return client.get(url, listing.params, **headers)


def rows_shown(response, listing: Listing) -> tuple[int, int]:
    """(rows on this page, rows the list says it has in all)."""
    if listing.taxii:
        body = response.json()
        shown = len(body.get("objects", body.get("versions", [])))
        return shown, shown
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        if isinstance(body, dict):
            return len(body["results"]), body["count"]
        return len(body), len(body)
    html = response.content.decode()
    shown = html.count('<tr class="ecl-table__row') - html.count('<thead class="ecl-table__head"><tr class="ecl-table__row')
    total = re.search(r'data-testid="result-count">([^<]+)<', html)
    return shown, int(re.sub(r"\D", "", total.group(1))) if total else shown


def measure(client, listing: Listing, url: str, rows: int) -> list[str]:
    """The SQL of one request for the list (after a warming one), checking
    that it answers 200 and shows the ``rows`` written."""
    get(client, listing, url)  # warm per-process caches (content types, the Presidency, throttles)
    with CaptureQueriesContext(connection) as captured:
        response = get(client, listing, url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    shown, total = rows_shown(response, listing)
    cap = settings.CDT_TAXII_PAGE_SIZE if listing.taxii else listing.cap
    expected = min(rows, cap) if cap else rows
    assert total >= expected, f"{url}: lists {total} rows, expected at least the {expected} written for the user"
    assert shown >= min(expected, 10), f"{url}: shows {shown} rows"
    return [query["sql"] for query in captured.captured_queries]


def shape(sql: str) -> str:
    """A query with its values and savepoint names blanked, to tell which repeat."""
    return re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'|\"s\d+_x\d+\"", "'…'", sql))[:400]


def assert_queries_do_not_grow(world, signed_in, name: str, listing: Listing) -> None:
    """The list's queries with FEW rows and with MANY are the same number
    (the differing shapes named when they are not)."""
    client = signed_in[listing.member]
    url = reverse(name, kwargs=listing.kwargs or None)
    listing.factory(world, FEW)
    few = measure(client, listing, url, FEW)
    listing.factory(world, MANY - FEW)
    many = measure(client, listing, url, MANY)
    more, fewer = Counter(map(shape, many)) - Counter(map(shape, few)), Counter(map(shape, few)) - Counter(map(shape, many))
    changes = [f"+{count} × {sql}" for sql, count in more.most_common(5)] + [f"-{count} × {sql}" for sql, count in fewer.most_common(5)]
    assert len(many) == len(few), f"{url}: {len(few)} queries with {FEW} rows, {len(many)} with {MANY}:\n" + "\n".join(changes)
