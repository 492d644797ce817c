"""Every main page, with 10,000 cases in the register, costs no more
queries than with a handful: lists paginate, panels are capped, figures
group in SQL. (How long they take is measured by ``make bench``, not here.)
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseGroupObjectPermission, CaseKind, CaseState
from cdt.directory.models import Organisation
from cdt.security.access import codename
from cdt.security.grants import organisation_group
from cdt.security.markings import Classification, Tlp
from overview.dashboard import READY_CANDIDATES

from .cases_support import cast, open_case, signed_in, walk_to  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/cases/",
    "/cases/?state=deliberation&sort=-brought_on",
    "/figures/",
    "/search/?q=wiper",
    "/notifications/deadlines/",
    "/awareness/assessments/",
    "/measures/evaluations/",
    "/council/meetings/",
]
VOLUME = 10_000


def register_cases(count: int, cast) -> None:
    """``count`` cases shared with the German and Irish delegations, written
    in bulk (no services: the test is about reading a large register)."""
    from django.contrib.auth.models import Permission

    germany = Organisation.objects.get(code="DE")
    states = list(CaseState)
    now = timezone.now()
    cases = Case.objects.bulk_create(
        [
            Case(
                reference=f"CDT-2025-{index:05d}",
                kind=CaseKind.MALICIOUS_ACTIVITY,
                title=f"Wiper campaign {index}",
                summary="Bulk case.",
                brought_by=germany,
                brought_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=index % 300),
                state=states[index % len(states)],
                classification=Classification.RESTREINT_UE,
                limite=True,
                tlp=Tlp.AMBER,
                releasable_to_all=True,
                originator=germany,
                created_by=cast["delegate"],
                created_at=now,
                updated_at=now,
            )
            for index in range(count)
        ],
        batch_size=2000,
    )
    if not cases[0].pk:
        cases = list(Case.objects.filter(reference__startswith="CDT-2025-"))
    permission = Permission.objects.get(codename=codename(Case, "view"), content_type__app_label="cases")
    groups = [organisation_group(Organisation.objects.get(code=code)) for code in ("DE", "IE")]
    CaseGroupObjectPermission.objects.bulk_create(
        [CaseGroupObjectPermission(content_object=case, group=group, permission=permission) for case in cases for group in groups],
        batch_size=4000,
    )


def queries(client, path: str) -> int:
    client.get(path)  # warm per-process caches (content types, presidency)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("member", ["delegate", "chair"])
def test_main_pages_cost_the_same_with_ten_thousand_cases(cast, open_case, signed_in, member):
    walk_to(open_case(), CaseState.DELIBERATION, cast)
    open_case()
    client = signed_in[member]
    few = {path: queries(client, path) for path in PAGES}
    register_cases(VOLUME, cast)
    assert Case.objects.count() == VOLUME + 2
    many = {path: queries(client, path) for path in PAGES}
    # The chair's "ready to move" panel checks the guards of at most
    # READY_CANDIDATES recent cases (about one query each): bounded, so the
    # home page may cost that much more once there are that many cases.
    allowance = {"/": READY_CANDIDATES}
    grew = {path: (few[path], many[path]) for path in PAGES if many[path] > few[path] + allowance.get(path, 0)}
    assert grew == {}, f"query counts grew with {VOLUME} cases: {grew}"
    listing = client.get("/cases/").content.decode()
    assert listing.count('href="/cases/') >= 20  # a page of cases, not the whole register
