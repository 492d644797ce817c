import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cdt.directory import selectors
from cdt.directory.models import CouncilBody, MemberState, Organisation, PopulationShare, PresidencyTerm
from cdt.directory.reference import POPULATION_YEAR, load_reference_data

pytestmark = pytest.mark.django_db


def test_twenty_seven_member_states_in_protocol_order(directory):
    states = list(MemberState.objects.current())
    assert len(states) == 27
    assert [state.protocol_order for state in states] == list(range(1, 28))
    assert states[0].code == "BE" and states[-1].code == "SE"
    greece = MemberState.objects.get(name="Greece")
    assert (greece.code, greece.iso3166) == ("EL", "GR")


def test_population_shares_sum_to_one_hundred(directory):
    total = sum(PopulationShare.objects.filter(year=POPULATION_YEAR).values_list("share_percent", flat=True))
    assert abs(total - Decimal("100")) <= Decimal("0.1")
    assert MemberState.objects.get(code="DE").population_share(2025) == Decimal("18.49")


def test_population_share_uses_latest_year_not_after_the_asked_one(directory):
    germany = MemberState.objects.get(code="DE")
    PopulationShare.objects.create(member_state=germany, year=2026, share_percent=Decimal("18.400"))
    assert germany.population_share(2025) == Decimal("18.49")
    assert germany.population_share(2026) == Decimal("18.4")
    assert germany.population_share(2030) == Decimal("18.4")
    assert germany.population_share(2020) is None


def test_loading_twice_creates_nothing_and_keeps_secretariat_edits(directory):
    counts = {model: model.objects.count() for model in (MemberState, PopulationShare, CouncilBody, Organisation, PresidencyTerm)}
    MemberState.objects.filter(code="DE").update(name="Deutschland (edited)")
    created = load_reference_data(apps)
    assert set(created.values()) == {0}
    call_command("load_directory", stdout=open("/dev/null", "w"))
    assert {model: model.objects.count() for model in counts} == counts
    assert MemberState.objects.get(code="DE").name == "Deutschland (edited)"


def test_council_bodies_and_organisations(directory):
    codes = set(CouncilBody.objects.values_list("code", flat=True))
    assert {"COUNCIL", "COREPER", "PSC", "HWPCI", "RELEX", "HWP-ERCHT"} <= codes
    assert CouncilBody.objects.filter(geographical=True).count() >= 5
    hwpci = CouncilBody.objects.get(code="HWPCI")
    assert set(hwpci.reports_to.values_list("code", flat=True)) == {"PSC", "COREPER"}
    for code in ("EEAS", "SIAC", "ENISA", "CERT-EU", "EUROPOL-EC3", "EU-CYCLONE", "CSIRTS-NETWORK", "HR", "COM-CNECT", "NATO", "GSC"):
        assert Organisation.objects.filter(code=code).exists(), code
    assert Organisation.objects.filter(kind=Organisation.Kind.DELEGATION).count() == 27
    assert Organisation.objects.get(code="EL").member_state.name == "Greece"
    assert Organisation.objects.filter(kind=Organisation.Kind.CANDIDATE, code="UA").exists()


@pytest.mark.parametrize(
    ("day", "holder"),
    [
        (datetime.date(2025, 1, 1), "PL"),
        (datetime.date(2025, 12, 31), "DK"),
        (datetime.date(2026, 6, 30), "CY"),
        (datetime.date(2026, 7, 1), "IE"),
        (datetime.date(2026, 11, 22), "IE"),
        (datetime.date(2027, 3, 15), "LT"),
        (datetime.date(2027, 7, 1), "EL"),
    ],
)
def test_presidency_is_computed_from_the_calendar(directory, day, holder):
    assert selectors.presidency_on(day).member_state.code == holder


def test_presidency_unknown_outside_the_calendar(directory):
    assert selectors.presidency_on(datetime.date(1999, 1, 1)) is None


def test_overlapping_presidency_terms_are_refused(directory):
    term = PresidencyTerm(
        member_state=MemberState.objects.get(code="FR"), starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2027, 2, 1)
    )
    with pytest.raises(ValidationError, match="overlaps"):
        term.full_clean()


def test_directory_page_lists_states_and_presidency(client, delegate):
    client.force_login(delegate)
    response = client.get("/directory/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<tr class="ecl-table__row">') >= 27
    assert "Greece" in body and "Horizontal Working Party on Cyber Issues" in body
    import re

    total = re.search(r"Total</td><td class=\"ecl-table__cell\">([0-9.]+) %", body)
    assert total and abs(Decimal(total.group(1)) - 100) <= Decimal("0.1")


def test_member_state_api_lists_27_with_constant_queries(client, delegate, django_assert_num_queries):
    client.force_login(delegate)
    # session read, user, the user's roles (second-factor rule), member states, prefetched shares,
    # session save (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get("/api/v1/directory/member-states/")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()][:3] == ["BE", "BG", "CZ"]
    assert len(response.json()) == 27


def test_presidency_api_on_a_date(client, delegate):
    client.force_login(delegate)
    response = client.get("/api/v1/directory/presidency/on/", {"date": "2027-02-01"})
    assert response.status_code == 200
    assert response.json() == {"member_state": "LT", "starts_on": "2027-01-01", "ends_on": "2027-06-30"}


def test_presidency_api_rejects_a_bad_date(client, delegate):
    client.force_login(delegate)
    response = client.get("/api/v1/directory/presidency/on/", {"date": "31/12/2026"})
    assert response.status_code == 400
    assert "date" in response.json()


def test_organisation_api_filters_by_kind(client, delegate):
    client.force_login(delegate)
    response = client.get("/api/v1/directory/organisations/", {"kind": "candidate"})
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert "UA" in codes and "DE" not in codes
