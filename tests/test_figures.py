"""The register's figures (page and API, one source) and the actor page's
chronology: measures counted by the year they were taken, only over what
the reader may see, exercise cases never; the EU's responses concerning an
actor in the order they happened."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attribution.choices import AttributionOption, DeliberationStatus, StatementStatus, StatementType
from attribution.factories import AttributionDeliberationFactory, StatementFactory
from awareness.models import ThreatActor
from cases.factories import CaseFactory
from cases.models import CaseKind, CaseState
from cdt.security.markings import Classification, Distribution
from council.factories import DecisionFactory
from measures.choices import MeasureState
from measures.factories import ResponseMeasureFactory
from measures.models import MeasureType, ResponseMeasure, RestrictiveListing
from overview.api.figures import RegisterFiguresSerializer
from overview.figures import register_figures

from .cases_support import case_at, cast, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db


def measure_concerns(measure: ResponseMeasure, actor: ThreatActor) -> None:
    """The one place a test names the actor a measure concerns (a measure
    names several since issue 27)."""
    measure.actors.add(actor)


def taken(case, *, proposed: int, implemented=None, decided=None, state=MeasureState.IMPLEMENTED, slug="demarche", actor=None, **decision):
    """A measure on ``case`` proposed in ``proposed`` (a year), with its
    decision adopted on ``decided`` and implemented on ``implemented``."""
    measure = ResponseMeasureFactory(
        case=case,
        state=state,
        measure_type=MeasureType.objects.get(slug=slug),
        implemented_on=implemented,
        decision=DecisionFactory(case=case, decided_on=decided, **decision) if decided else None,
    )
    ResponseMeasure.objects.filter(pk=measure.pk).update(proposed_at=timezone.make_aware(datetime.datetime(proposed, 3, 1, 12)))
    if actor is not None:
        measure_concerns(measure, actor)
    return measure


def shared_case(cast, **fields):
    """A case the cast may see except the outsider (Hungary): restricted and shared."""
    return case_at(CaseState.IMPLEMENTATION, cast, distribution=Distribution.RESTRICTED, **fields)


def by_year(figures):
    return {(entry.year, entry.measure_type_slug): entry.count for entry in figures.measures_taken}


def test_a_measure_counts_in_the_year_it_was_taken_not_proposed(cast):
    case = shared_case(cast)
    taken(case, proposed=2019, decided=datetime.date(2019, 12, 1), implemented=datetime.date(2020, 2, 3))
    taken(case, proposed=2019, decided=datetime.date(2021, 5, 4), state=MeasureState.AGREED, slug="hr-statement")
    taken(case, proposed=2019, state=MeasureState.PROPOSED, slug="dialogue")  # not taken
    taken(case, proposed=2019, decided=datetime.date(2019, 6, 1), state=MeasureState.WITHDRAWN, slug="dialogue")  # not taken
    # The decision's date only counts if the reader may see the decision.
    taken(
        case,
        proposed=2019,
        decided=datetime.date(2022, 1, 1),
        state=MeasureState.AGREED,
        slug="advisories",
        classification=Classification.CONFIDENTIEL_UE,
    )
    assert by_year(register_figures(cast["delegate"])) == {(2020, "demarche"): 1, (2021, "hr-statement"): 1}


def test_a_case_the_reader_may_not_see_or_an_exercise_contributes_nothing(cast):
    actor = ThreatActor.objects.create(name="Grey Tempest")
    other = ThreatActor.objects.create(name="Cold Harbour")
    real = shared_case(cast, kind=CaseKind.PERSISTENT_THREAT_ACTOR)
    taken(real, proposed=2020, decided=datetime.date(2020, 4, 1), implemented=datetime.date(2020, 5, 1), actor=actor)
    exercise = shared_case(cast, exercise=True)
    taken(exercise, proposed=2020, decided=datetime.date(2020, 4, 1), implemented=datetime.date(2020, 5, 1), actor=other)
    taken(exercise, proposed=2021, decided=datetime.date(2021, 4, 1), implemented=datetime.date(2021, 5, 1), actor=actor)

    delegate = register_figures(cast["delegate"])
    assert by_year(delegate) == {(2020, "demarche"): 1}
    assert [(entry.actor_name, entry.count) for entry in delegate.measures_by_actor] == [("Grey Tempest", 1)]
    steps = {step.step: step for step in delegate.cases_by_step}
    assert steps[CaseState.IMPLEMENTATION].count == 1 and sum(step.count for step in delegate.cases_by_step) == 1
    assert {kind.kind: kind.count for kind in steps[CaseState.IMPLEMENTATION].by_kind}[CaseKind.PERSISTENT_THREAT_ACTOR] == 1
    assert {kind.kind: kind.count for kind in delegate.cases_by_kind} == {
        CaseKind.MALICIOUS_ACTIVITY: 0,
        CaseKind.PERSISTENT_THREAT_ACTOR: 1,
        CaseKind.PARTNER_REQUEST: 0,
        CaseKind.HORIZONTAL_ACT: 0,
    }

    outsider = register_figures(cast["outsider"])  # Hungary is not among the case's recipients
    assert outsider.measures_taken == [] and outsider.measures_by_actor == []
    assert all(step.count == 0 for step in outsider.cases_by_step) and all(kind.count == 0 for kind in outsider.cases_by_kind)
    assert all(stay.stays == 0 for stay in outsider.time_per_step)


def test_the_page_and_the_api_give_the_same_figures(cast, signed_in):
    actor = ThreatActor.objects.create(name="Grey Tempest")
    case = shared_case(cast)
    this_year = timezone.localdate().year
    taken(case, proposed=2019, decided=datetime.date(this_year, 1, 2), implemented=datetime.date(this_year, 2, 3), actor=actor)
    taken(case, proposed=2019, decided=datetime.date(2019, 5, 1), state=MeasureState.AGREED, slug="hr-statement", actor=actor)
    client = signed_in["delegate"]

    body = client.get("/api/v1/figures/").json()
    assert body == RegisterFiguresSerializer(register_figures(cast["delegate"])).data
    assert {(entry["year"], entry["measure_type_slug"], entry["count"]) for entry in body["measures_taken"]} == {
        (this_year, "demarche", 1),
        (2019, "hr-statement", 1),
    }
    assert body["measures_by_actor"] == [{"actor_id": actor.pk, "actor_name": "Grey Tempest", "count": 2}]

    page = client.get("/figures/")
    html = page.content.decode()
    assert body["taken_rule"] in html.replace("&#x27;", "'")
    charts = {chart.key: chart for chart in page.context["charts"]}
    assert [(row.label, row.values) for row in charts["cases-by-step"].rows] == [
        (step["label"], [kind["count"] for kind in step["by_kind"]]) for step in body["cases_by_step"]
    ]
    assert [(row.label, row.total) for row in charts["measures-by-actor"].rows] == [
        (entry["actor_name"], entry["count"]) for entry in body["measures_by_actor"]
    ]
    per_type = {row.label: row.values for row in charts["measures-by-type"].rows}
    names = dict(MeasureType.objects.values_list("slug", "name"))
    assert per_type == {names["demarche"]: [0, 0, 0, 1], names["hr-statement"]: [1, 0, 0, 0]}  # before, then the last three years
    assert sum(sum(values) for values in per_type.values()) == sum(entry["count"] for entry in body["measures_taken"])
    assert [(row.label, row.total) for row in charts["time-per-step"].rows] == [
        (stay["label"], stay["median_days"] or 0) for stay in body["time_per_step"]
    ]


def test_the_api_is_for_signed_in_users_only(client):
    assert client.get("/api/v1/figures/").status_code in (401, 403)


def test_the_figures_cost_the_same_queries_however_large_the_register(cast, signed_in):
    client = signed_in["delegate"]

    def queries(url):
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    actors = [ThreatActor.objects.create(name=f"Actor {n}") for n in range(6)]
    case = shared_case(cast)
    taken(case, proposed=2020, decided=datetime.date(2020, 4, 1), actor=actors[0], state=MeasureState.AGREED)
    few = {url: queries(url) for url in ("/api/v1/figures/", "/figures/")}
    for n in range(6):
        more = shared_case(cast, kind=CaseKind.PARTNER_REQUEST if n % 2 else CaseKind.MALICIOUS_ACTIVITY)
        for year, slug in ((2019 + n, "demarche"), (2020 + n, "hr-statement")):
            taken(more, proposed=2018, decided=datetime.date(year, 4, 1), implemented=datetime.date(year, 6, 1), slug=slug, actor=actors[n])
    assert len(register_figures(cast["delegate"]).measures_by_actor) == 6
    assert {url: queries(url) for url in few} == few


# --- The actor page: the EU's responses in the order they happened ----------------------------------------


def response_rows(html: str) -> list[tuple[str, str]]:
    table = html.split('data-testid="actor-responses"')[1].split("</table>")[0]
    return re.findall(r'data-testid="actor-response-(\w+)"><td class="ecl-table__cell">(?:<time datetime="([\d-]+)")?', table)


def test_the_actor_page_lists_the_responses_in_date_order(cast, signed_in):
    actor = ThreatActor.objects.create(name="Grey Tempest")
    case = shared_case(cast)
    case.suspected_actors.add(actor)
    # Recorded in the reverse order of when they happened.
    sanctions = taken(
        case,
        proposed=2019,
        decided=datetime.date(2023, 7, 30),
        implemented=datetime.date(2023, 8, 15),
        slug="cyber-sanctions-listing",
        actor=actor,
    )
    RestrictiveListing.objects.create(
        case=case, measure=sanctions, council_decision="Council Decision (CFSP) 2023/1127", classification=case.classification
    )
    taken(case, proposed=2019, decided=datetime.date(2021, 3, 1), state=MeasureState.AGREED, actor=actor)
    StatementFactory(
        case=case,
        title="Declaration by the High Representative",
        statement_type=StatementType.HR_DECLARATION,
        status=StatementStatus.PUBLISHED,
        published_on=datetime.date(2022, 1, 10),
    )
    StatementFactory(case=case, title="Still a draft")  # not published: not a response
    deliberation = AttributionDeliberationFactory(
        case=case, status=DeliberationStatus.CONCLUDED, outcome=AttributionOption.PUBLIC, outcome_on=datetime.date(2020, 6, 1)
    )
    deliberation.attributed_actors.add(actor)
    # What the delegate may not see, and an exercise: never listed.
    hidden = CaseFactory(state=CaseState.IMPLEMENTATION, distribution=Distribution.RESTRICTED, created_by=cast["outsider"])
    taken(hidden, proposed=2019, decided=datetime.date(2019, 1, 1), implemented=datetime.date(2019, 2, 1), actor=actor)
    exercise = shared_case(cast, exercise=True)
    taken(exercise, proposed=2019, decided=datetime.date(2018, 1, 1), implemented=datetime.date(2018, 2, 1), actor=actor)

    html = signed_in["delegate"].get(f"/awareness/actors/{actor.pk}/").content.decode()
    assert response_rows(html) == [
        ("attribution", "2020-06-01"),
        ("measure", "2021-03-01"),
        ("statement", "2022-01-10"),
        ("listing", "2023-07-30"),
        ("measure", "2023-08-15"),
    ]
    assert "Council Decision (CFSP) 2023/1127" in html and "Still a draft" not in html
    assert html.count(f'href="/cases/{case.pk}/">{case.reference}</a>') == 5  # each with its case
    assert hidden.reference not in html and exercise.reference not in html

    # Hungary sees only its own case's measure.
    assert response_rows(signed_in["outsider"].get(f"/awareness/actors/{actor.pk}/").content.decode()) == [("measure", "2019-02-01")]


def test_a_response_dated_by_a_hidden_decision_stands_undated(cast, signed_in):
    actor = ThreatActor.objects.create(name="Grey Tempest")
    case = shared_case(cast)
    taken(
        case,
        proposed=2019,
        decided=datetime.date(2021, 3, 1),
        state=MeasureState.AGREED,
        actor=actor,
        classification=Classification.CONFIDENTIEL_UE,
    )
    taken(case, proposed=2019, decided=datetime.date(2022, 3, 1), state=MeasureState.AGREED, actor=actor)
    html = signed_in["delegate"].get(f"/awareness/actors/{actor.pk}/").content.decode()
    assert response_rows(html) == [("measure", "2022-03-01"), ("measure", "")]
    assert "2021" not in html.split('data-testid="actor-responses"')[1].split("</table>")[0]


def test_the_actor_page_costs_the_same_queries_however_long_the_history(cast, signed_in):
    actor = ThreatActor.objects.create(name="Grey Tempest")
    client = signed_in["delegate"]
    url = f"/awareness/actors/{actor.pk}/"

    def add_history(year: int) -> None:
        case = shared_case(cast)
        case.suspected_actors.add(actor)
        sanctions = taken(case, proposed=2019, decided=datetime.date(year, 7, 1), slug="cyber-sanctions-listing", actor=actor)
        RestrictiveListing.objects.create(
            case=case, measure=sanctions, council_decision=f"Decision {year}", classification=case.classification
        )
        StatementFactory(case=case, status=StatementStatus.PUBLISHED, published_on=datetime.date(year, 8, 1))
        deliberation = AttributionDeliberationFactory(
            case=case, status=DeliberationStatus.CONCLUDED, outcome=AttributionOption.PUBLIC, outcome_on=datetime.date(year, 6, 1)
        )
        deliberation.attributed_actors.add(actor)

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_history(2020)
    few = queries()
    for year in (2021, 2022, 2023, 2024):
        add_history(year)
    assert len(response_rows(client.get(url).content.decode())) == 20
    assert queries() == few
