"""Votes with the population figures of their year (issue 27): the EU-28
with the United Kingdom until 31 January 2020, a year's figures used only
when complete (2018 and 2025 loaded; the secretariat enters the others),
a rule needing population refused in an incomplete year naming it, and
no population stored where the rule does not need it (never 0.00 %)."""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from cases.models import CaseState
from cdt.accounts.scopes import READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.directory.models import CouncilBody, MemberState, PopulationFigure, PopulationYear
from cdt.directory.selectors import PopulationFiguresMissing, population_on
from council import services

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

CSV = Path(__file__).resolve().parent.parent / "cdt" / "directory" / "data" / "population_by_year.csv"
with CSV.open() as handle:
    EU28_2018 = {row["member_state_code"]: int(row["population"]) for row in csv.DictReader(handle) if row["voting_year"] == "2018"}
EU_TOTAL_2018 = EU28_2018.pop("EU")


def api(user):
    _token, key = api_token_issue(user=user, name="population years", scopes=(READ, WRITE))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def past_case(cast, open_case):
    return walk_to(open_case(brought_on=datetime.date(2018, 1, 15)), CaseState.DECISION, cast)


def put(cast, case, day, rule="unanimity"):
    return services.question_put(
        by=cast["chair"], case=case, text="Listing", voting_rule=rule, body=CouncilBody.objects.get(code="PSC"), put_on=day
    )


def tour(cast, question, default="support", **stances):
    entries = []
    for position in question.positions.select_related("member_state"):
        value = stances.get(position.member_state.code, default)
        extra = {"declaration": "Will not apply it; accepts that it commits the Union."} if value == "constructive_abstention" else {}
        entries.append({"member_state": position.member_state.code, "value": value, **extra})
    return services.positions_record(by=cast["chair"], question=question, positions=entries)


def test_the_members_on_a_date_and_the_loaded_years(directory):
    assert MemberState.objects.members_on(datetime.date(2020, 1, 31)).count() == 28
    assert MemberState.objects.members_on(datetime.date(2020, 2, 1)).count() == 27
    assert not MemberState.objects.current().filter(code="UK").exists()
    assert sum(EU28_2018.values()) == EU_TOTAL_2018 and len(EU28_2018) == 28
    assert set(PopulationYear.objects.filter(complete=True).values_list("year", flat=True)) == {2018, 2025}
    in_2018 = population_on(datetime.date(2018, 6, 1))
    assert len(in_2018.weights) == 28 and sum(in_2018.weights.values()) == EU_TOTAL_2018
    assert len(population_on(datetime.date(2025, 6, 1)).weights) == 27  # the shares of member_states.csv
    for day in (datetime.date(2017, 5, 1), datetime.date(2019, 5, 1), datetime.date(2021, 5, 1), datetime.date(2026, 5, 1)):
        with pytest.raises(PopulationFiguresMissing) as missing:
            population_on(day)
        assert str(day.year) in missing.value.message


def test_a_2018_question_has_the_eu28_and_constructive_abstention_uses_the_2018_figures(cast, past_case):
    """One third of 28 states is 9⅓: nine constructive abstentions do not
    block in the EU-28 (they would among 27), ten do when they hold a third
    of the 2018 population (170,507,871 of 511,523,613), not otherwise."""
    third = Decimal(EU_TOTAL_2018) / 3
    big_nine = sorted(EU28_2018, key=lambda code: -EU28_2018[code])[:9]
    question = put(cast, past_case, datetime.date(2018, 3, 1))
    assert question.positions.count() == 28 and question.positions.filter(member_state__code="UK").exists()
    tour(cast, question, **dict.fromkeys(big_nine, "constructive_abstention"))
    decision = services.decision_record(by=cast["chair"], question=question, decided_on=datetime.date(2018, 3, 5))
    assert decision.adopted, decision.explanation
    assert decision.tally["population_year"] == 2018
    expected = Decimal(sum(EU28_2018[code] for code in big_nine)) * 100 / EU_TOTAL_2018
    assert Decimal(decision.tally["population"]["constructive_abstention"]) == expected.quantize(Decimal("0.01"))

    smallest = sorted(EU28_2018, key=lambda code: EU28_2018[code])
    below = ["DE", "FR", *smallest[:7], "SK"]  # ten states, 165.0 million: under a third
    above = ["DE", "FR", *smallest[:7], "RO"]  # ten states, 179.2 million: over a third
    assert sum(EU28_2018[c] for c in below) < third < sum(EU28_2018[c] for c in above)
    for abstaining, adopted in ((below, True), (above, False)):
        question = put(cast, past_case, datetime.date(2018, 4, 1))
        tour(cast, question, **dict.fromkeys(abstaining, "constructive_abstention"))
        decision = services.decision_record(by=cast["chair"], question=question, decided_on=datetime.date(2018, 4, 2))
        assert decision.adopted is adopted, decision.explanation


def test_unanimity_without_constructive_abstention_stores_no_population(cast, past_case):
    question = put(cast, past_case, datetime.date(2019, 5, 17))  # 2019: no figures at all
    assert question.positions.count() == 28
    tour(cast, question)
    decision = services.decision_record(by=cast["chair"], question=question, decided_on=datetime.date(2019, 5, 17))
    assert decision.adopted and decision.tally["population"] is None and decision.tally["population_year"] is None
    assert decision.tally["counts"]["support"] == 28 and "0.0" not in decision.explanation


def test_qualified_majority_in_2021_is_refused_until_the_secretariat_enters_2021(cast, past_case, directory):
    question = put(cast, past_case, datetime.date(2021, 3, 1), rule="qualified_majority")
    assert question.positions.count() == 27
    tour(cast, question, DE="objection", FR="abstention")
    chair = api(cast["chair"])
    body = {"question": question.pk, "decided_on": "2021-03-05"}
    response = chair.post("/api/v1/decisions/", body, format="json")
    assert response.status_code == 400
    assert "No complete population figures for 2021" in response.json()["decided_on"][0]
    question.refresh_from_db()
    assert question.is_open
    board = chair.get(f"/api/v1/questions/{question.pk}/positions/").json()
    assert board["population_missing_year"] == 2021 and board["outcome"]["population"] is None and board["outcome"]["pending"]

    # The secretariat enters 2021 (test figures: every state a round number, Germany the largest).
    figures = {
        state.code: 1_000_000 * (20 if state.code == "DE" else 5) for state in MemberState.objects.members_on(datetime.date(2021, 1, 1))
    }
    url = "/api/v1/directory/population-years/2021/"
    secretariat = api(cast["secretariat"])
    assert chair.put(url, {"figures": figures}, format="json").status_code == 403
    incomplete = {code: value for code, value in figures.items() if code not in ("MT", "LU")}
    response = secretariat.put(url, {"figures": {**incomplete, "UK": 66_000_000}}, format="json")
    assert response.status_code == 400
    assert "MT" in response.json()["figures"][0] and "LU" in response.json()["figures"][0] and "figures.UK" in response.json()
    assert not PopulationYear.objects.filter(year=2021).exists()
    response = secretariat.put(url, {"figures": figures, "act": "Council Decision (EU, Euratom) 2020/2030"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["complete"] and len(response.json()["figures"]) == 27

    response = chair.post("/api/v1/decisions/", body, format="json")
    assert response.status_code == 201, response.json()
    tally = response.json()["tally"]
    assert tally["population_year"] == 2021
    total = sum(figures.values())
    in_favour = Decimal(total - figures["DE"] - figures["FR"]) * 100 / total
    assert Decimal(tally["population"]["support"]) == in_favour.quantize(Decimal("0.01"))
    assert response.json()["adopted"] is True  # 25 of 27 states, 81.4 % of the test population


def test_a_year_with_the_uk_needs_its_figure(cast, directory):
    figures = {state.code: 1_000_000 for state in MemberState.objects.current()}
    with pytest.raises(ValidationError) as refused:
        services_enter(cast, 2020, figures)
    assert "UK" in refused.value.message_dict["figures"][0]  # a member in January 2020
    services_enter(cast, 2020, {**figures, "UK": 66_000_000})
    assert PopulationFigure.objects.filter(year__year=2020).count() == 28
    assert len(population_on(datetime.date(2020, 1, 31)).weights) == 28
    assert len(population_on(datetime.date(2020, 2, 1)).weights) == 27  # the EU-27 table: same figures, without the UK


def services_enter(cast, year, figures):
    from cdt.directory.services import population_year_enter

    return population_year_enter(by=cast["secretariat"], year=year, figures=figures)


def test_an_ordinary_written_procedure_under_qmv_is_refused_in_a_year_without_figures(cast, open_case):
    case = walk_to(open_case(), CaseState.DECISION, cast)
    question = services.question_put(
        by=cast["chair"], case=case, text="Listing", voting_rule="qualified_majority", body=CouncilBody.objects.get(code="PSC")
    )
    deadline = datetime.datetime(datetime.date.today().year + 1, 1, 10, 12, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError) as refused:
        services.written_procedure_open(by=cast["chair"], question=question, kind="ordinary", deadline=deadline)
    assert str(deadline.year) in refused.value.message_dict["deadline"][0]


def test_the_decision_page_refuses_a_vote_without_figures_naming_the_year(cast, open_case, signed_in):
    from django.urls import reverse

    case = walk_to(open_case(), CaseState.DECISION, cast)
    question = services.question_put(
        by=cast["chair"], case=case, text="Listing", voting_rule="qualified_majority", body=CouncilBody.objects.get(code="PSC")
    )
    response = signed_in["chair"].post(reverse("decision-record-page", args=[question.pk]), {"legal_act": ""}, follow=True)
    year = datetime.date.today().year
    assert f"No complete population figures for {year}" in response.content.decode()
    question.refresh_from_db()
    assert question.is_open
