"""The home page's per-role panels and the figures: what each role sees,
that nothing outside the access rule shows or is counted, and that the
pages' query counts do not grow with the register."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case, CaseState, CaseTransition
from cdt.directory.models import CouncilBody
from council.services import question_put
from overview import dashboard, figures

from .cases_support import cast, open_case, signed_in, walk_to  # noqa: F401

pytestmark = pytest.mark.django_db


def panel(panels, key):
    for _heading, section in panels:
        for candidate in section:
            if candidate.key == key:
                return candidate
    raise AssertionError(f"no panel {key}")


def keys(panels):
    return {candidate.key for _heading, section in panels for candidate in section}


def test_each_role_gets_its_panels(cast):
    assert keys(dashboard.panels(cast["delegate"])) == {"awaiting-position", "open-procedures", "new-assessments", "recent-decisions"}
    chair = keys(dashboard.panels(cast["chair"]))
    assert {"next-meeting", "ready-to-move", "procedures-closing", "awaiting-position"} <= chair
    assert keys(dashboard.panels(cast["eeas"])) == {"my-notes", "cases-waiting-for-note", "evaluations-due"}
    assert keys(dashboard.panels(cast["secretariat"])) == {"feed-log", "overdue", "expiring-clearances"}
    assert keys(dashboard.panels(cast["siac"])) == {"rfis-to-answer", "our-assessments", "feed-health"}


def test_awaiting_position_follows_the_position_and_the_access_rule(cast, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    question = question_put(
        by=cast["chair"],
        case=case,
        text="Adopt the options of the note?",
        voting_rule="unanimity",
        body=CouncilBody.objects.get(code="HWPCI"),
    )
    rows = panel(dashboard.panels(cast["delegate"]), "awaiting-position").rows
    assert [row.text for row in rows] == [case.reference]
    assert panel(dashboard.panels(cast["outsider"]), "awaiting-position").rows == []  # HU has no access to the case

    from council.services import position_set

    position_set(by=cast["delegate"], question=question, member_state=cast["delegate"].member_state, value="support")
    assert panel(dashboard.panels(cast["delegate"]), "awaiting-position").rows == []
    assert [row.text for row in panel(dashboard.panels(cast["other_delegate"]), "awaiting-position").rows] == [case.reference]


def test_drafter_sees_cases_waiting_for_a_note_until_one_is_drafted(cast, open_case):
    from measures.services import options_note_create

    case = walk_to(open_case(), CaseState.EXPLORATION, cast)
    assert [row.text for row in panel(dashboard.panels(cast["eeas"]), "cases-waiting-for-note").rows] == [case.reference]
    note = options_note_create(by=cast["eeas"], case=case, title="Options for the wiper attack", content={"options": []})
    drafter = dashboard.panels(cast["eeas"])
    assert panel(drafter, "cases-waiting-for-note").rows == []
    assert [row.text for row in panel(drafter, "my-notes").rows] == [note.title]


def test_chair_sees_cases_ready_to_move_and_secretariat_expiring_clearances(cast, open_case, make_user):
    case = open_case()
    rows = panel(dashboard.panels(cast["chair"]), "ready-to-move").rows
    assert [row.text for row in rows] == [case.reference]
    assert "Share situational awareness" in rows[0].meta
    assert panel(dashboard.panels(cast["delegate"]), "awaiting-position").rows == []

    soon = make_user("delegate-lt", "LT", clearance_expires_on=timezone.localdate() + datetime.timedelta(days=10))
    make_user("delegate-lv", "LV", clearance_expires_on=timezone.localdate() + datetime.timedelta(days=400))
    rows = panel(dashboard.panels(cast["secretariat"]), "expiring-clearances").rows
    assert [row.url for row in rows] == [f"/admin/accounts/user/{soon.pk}/change/"]


def test_home_page_query_count_does_not_grow_with_cases(cast, open_case, signed_in, django_assert_max_num_queries):
    for _ in range(3):
        open_case()
    client = signed_in["chair"]
    client.get("/")  # warm the per-process caches (content types, presidency)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for _ in range(12):
        open_case()
    with django_assert_max_num_queries(len(few)):
        response = client.get("/")
    assert response.status_code == 200
    assert len(few) <= 80


def test_figures_count_only_visible_cases(cast, open_case):
    visible = open_case()
    walk_to(open_case(), CaseState.AWARENESS, cast)
    open_case(releasable_to=["DE"])  # not releasable to France
    chart = figures.cases_by_step_chart(figures.register_figures(cast["other_delegate"]))
    totals = {row.label: row.total for row in chart.rows}
    assert totals[str(CaseState.STARTED.label)] == 1 and totals[str(CaseState.AWARENESS.label)] == 1
    assert sum(totals.values()) == 2
    assert sum(row.total for row in figures.cases_by_step_chart(figures.register_figures(cast["delegate"])).rows) == 3
    assert sum(row.total for row in figures.cases_by_step_chart(figures.register_figures(cast["outsider"])).rows) == 0
    assert visible.pk


def test_time_per_step_is_the_median_stay(cast, open_case):
    today = timezone.localdate()
    for days in (2, 4, 10):  # brought to the Council that many days before the step was taken (the days, not the recording times)
        case = walk_to(open_case(), CaseState.AWARENESS, cast)
        Case.objects.filter(pk=case.pk).update(brought_on=today - datetime.timedelta(days=days))
        CaseTransition.objects.filter(case=case).update(on=today)
    rows = {row.label: row for row in figures.time_per_step_chart(figures.register_figures(cast["delegate"])).rows}
    started = rows[str(CaseState.STARTED.label)]
    assert started.total == 4.0 and started.text == "median 4.0 days, average 5.3 days (3 stays)"
    from django.utils import translation

    with translation.override("fr"):
        french = {row.label: row for row in figures.time_per_step_chart(figures.register_figures(cast["delegate"])).rows}
        assert "4,0" in french[str(CaseState.STARTED.label)].text and "5,3" in french[str(CaseState.STARTED.label)].text
    awareness = rows[str(CaseState.AWARENESS.label)]
    assert awareness.total == 0 and awareness.text == "no case has left this step yet"  # not "0.0 days"


def test_figures_page_renders_svg_with_a_table(signed_in, cast, open_case, django_assert_max_num_queries):
    open_case()
    client = signed_in["delegate"]
    client.get("/figures/")
    with django_assert_max_num_queries(16):
        response = client.get("/figures/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('role="img"') == 4 and html.count("<table") == 4
    assert 'data-testid="chart-cases-by-step"' in html


def test_chart_geometry_is_proportional():
    from cdt.core.charts import BAR_AREA, LABEL_WIDTH, bar_chart

    chart = bar_chart(key="k", title="t", description="d", rows=[("a", [2, 2], "4"), ("b", [1, 0], "1")], series=["x", "y"])
    first, second = chart.rows
    assert [segment.width for segment in first.segments] == [BAR_AREA / 2, BAR_AREA / 2]
    assert second.segments[0].width == BAR_AREA / 4 and len(second.segments) == 1
    assert first.segments[1].x == LABEL_WIDTH + BAR_AREA / 2
    assert first.segments[0].fill != first.segments[1].fill


def test_meetings_and_evaluations_filter_sort_and_page(signed_in, cast, open_case):
    import datetime as dt

    from cdt.directory.models import CouncilBody as Body
    from council.models import Meeting

    hwpci, psc = Body.objects.get(code="HWPCI"), Body.objects.get(code="PSC")
    now = timezone.now()
    Meeting.objects.bulk_create(
        [
            Meeting(body=hwpci, starts_at=now + dt.timedelta(days=day, hours=1), created_by=cast["chair"], title=f"M{day}")
            for day in range(-20, 20)
        ]
        + [Meeting(body=psc, starts_at=now, created_by=cast["chair"], title="PSC")]
    )
    client = signed_in["delegate"]
    html = client.get("/council/meetings/?body=HWPCI&when=upcoming").content.decode()
    assert 'data-testid="result-count">20<' in html and ">PSC<" not in html
    assert "Page 1 of 1" not in html and html.index(">M0<") < html.index(">M1<")  # upcoming: soonest first
    first = client.get("/council/meetings/?body=HWPCI&sort=-starts_at").content.decode()
    assert "Page 1 of 2" in first and "body=HWPCI&amp;sort=-starts_at&amp;page=2" in first
    assert first.index(">M19<") < first.index(">M18<")
    second = client.get("/council/meetings/?body=HWPCI&sort=-starts_at&page=2").content.decode()
    assert ">M-20<" in second and ">M19<" not in second
    assert client.get("/measures/evaluations/?overdue=true&sort=due_on").status_code == 200
    assert "Select a valid choice" in client.get("/council/meetings/?when=tomorrow").content.decode()


def test_dashboard_dates_follow_the_language(cast, open_case):
    from django.utils import translation

    from awareness.services import assessment_record
    from cdt.security.markings import Tlp

    case = open_case()
    assessment_record(
        by=cast["siac"],
        kind="written",
        title="SIAC assessment",
        body="All-source.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[case],
        shared_with_all_delegations=True,
        assessed_on=datetime.date(2026, 2, 3),
    )
    with translation.override("fr"):
        rows = panel(dashboard.panels(cast["delegate"]), "new-assessments").rows
        assert rows and "3 fév. 2026" in rows[0].meta
    assert "3 Feb 2026" in panel(dashboard.panels(cast["delegate"]), "new-assessments").rows[0].meta


def test_actors_and_requests_filter_sort_and_page(signed_in, cast, open_case):
    from awareness.models import ThreatActor
    from awareness.services import rfi_ask
    from cdt.directory.models import Organisation

    ThreatActor.objects.bulk_create(
        [ThreatActor(name=f"Actor {index:02d}", aliases=[f"APT{index}"], persistent=index % 2 == 0) for index in range(30)]
    )
    client = signed_in["delegate"]
    html = client.get("/awareness/actors/?q=apt1&sort=-name").content.decode()
    assert 'data-testid="result-count">11<' in html and html.index("Actor 19") < html.index("Actor 10")
    assert 'data-testid="result-count">15<' in client.get("/awareness/actors/?q=actor&persistent=true").content.decode()
    assert "Page 1 of 2" in client.get("/awareness/actors/").content.decode()

    case = open_case()
    rfi_ask(
        by=cast["delegate"],
        case=case,
        addressed_to=Organisation.objects.get(code="SIAC"),
        question="Which infrastructure?",
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert 'data-testid="result-count">1<' in client.get("/awareness/requests/?status=overdue").content.decode()
    assert 'data-testid="result-count">0<' in client.get("/awareness/requests/?status=answered").content.decode()
    assert 'data-testid="result-count">0<' in signed_in["outsider"].get("/awareness/requests/?status=overdue").content.decode()


def test_assessment_pages_keep_the_filter(signed_in, cast, open_case):
    from awareness.services import assessment_record
    from cdt.security.markings import Tlp

    case = open_case()
    for index in range(30):
        assessment_record(
            by=cast["siac"],
            kind="written",
            title=f"Wiper briefing {index:02d}",
            body="All-source.",
            classification=case.classification,
            limite=True,
            tlp=Tlp.AMBER,
            releasable_to_all=True,
            cases=[case],
            shared_with_all_delegations=True,
        )
    html = signed_in["delegate"].get("/awareness/assessments/?q=wiper&sort=title").content.decode()
    assert "q=wiper&amp;sort=title&amp;page=2" in html and html.index("Wiper briefing 00") < html.index("Wiper briefing 01")
    feed = signed_in["secretariat"].get("/awareness/feed/?status=failed&sort=-received_at")
    assert feed.status_code == 200 and 'data-testid="result-count">0<' in feed.content.decode()


def test_a_deadline_says_in_words_whether_it_passed():
    from django.template import Context, Template

    template = Template("{% load cdt %}{% deadline due done %}")
    now = timezone.now()
    passed = template.render(Context({"due": now - datetime.timedelta(hours=3), "done": None}))
    assert "overdue by 3" in passed and "cdt-deadline--overdue" in passed
    ahead = template.render(Context({"due": now + datetime.timedelta(days=2, hours=1), "done": None}))
    assert "(in 2" in ahead and "overdue" not in ahead
    met = template.render(Context({"due": now - datetime.timedelta(hours=3), "done": now}))
    assert "(met)" in met and "overdue" not in met


def test_measures_chart_counts_no_measure_only_proposed(cast, open_case):
    """A proposal is not a measure taken (tests/test_figures.py counts those taken, by the year taken)."""
    from measures.models import MeasureType
    from measures.services import measure_propose

    demarche = MeasureType.objects.get(slug="demarche")
    for exercise in (False, True):
        case = walk_to(open_case(exercise=exercise), CaseState.DELIBERATION, cast)
        measure_propose(by=cast["eeas"], case=case, measure_type=demarche, description="Démarche by the HR.")
    assert figures.measures_by_type_and_year_chart(figures.register_figures(cast["delegate"])).rows == []
    assert figures.taken_measures(cast["delegate"]).count() == 0


def test_claim_pages_keep_the_search(signed_in, cast, open_case):
    from attribution.models import AttributionClaim
    from awareness.models import ThreatActor

    case = open_case()
    actor = ThreatActor.objects.create(name="Grey Tempest")
    AttributionClaim.objects.bulk_create(
        [
            AttributionClaim(
                case=case,
                actor=actor,
                basis="technical",
                summary=f"Claim {index}",
                recorded_by=cast["siac"],
                classification=case.classification,
            )
            for index in range(60)
        ]
    )
    html = signed_in["delegate"].get("/attribution/claims/?q=tempest").content.decode()
    assert "q=tempest&amp;page=2" in html and 'data-testid="result-count">60<' in html
