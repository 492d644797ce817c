"""Case pages: the list (filters, pagination, exercise mode, constant
queries), opening a case, the case page (banner, diagram, exactly the
buttons the user may press, timeline, assessments), and the diagram drawn
from the state machine itself."""

import re
import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

import cdt.workflow.errors as workflow_errors
from cases import services
from cases.models import Case, CaseState, CaseTransition
from cases.workflow import TransitionSpec, transitions, workflow_svg
from cdt.directory.models import MemberState, Organisation

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


def buttons(html: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="[^"]+" class="cdt-transition" data-transition="([a-z_]+)"', html))


def test_case_page_shows_banner_state_and_exactly_the_allowed_buttons(client, cast, open_case):
    case = open_case()
    client.force_login(cast["chair"])
    html = client.get(reverse("case-page", args=[case.pk])).content.decode()
    assert html.count("RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER") >= 2  # banner top and bottom
    assert 'data-testid="case-state">1 · Start discussions<' in html
    assert buttons(html) == {"share_awareness", "close"}
    client.force_login(cast["delegate"])
    html = client.get(reverse("case-page", args=[case.pk])).content.decode()
    assert buttons(html) == set()  # a delegate of a non-Presidency state cannot act from step 1
    assert 'data-blocked="share_awareness"' in html
    client.force_login(cast["outsider"])
    assert client.get(reverse("case-page", args=[case.pk])).status_code == 404


def test_taking_a_transition_from_the_page(client, cast, open_case):
    case = open_case()
    client.force_login(cast["chair"])
    response = client.post(reverse("case-transition-page", args=[case.pk, "share_awareness"]), {"comment": "Briefing next week"})
    assert response.status_code == 302
    html = client.get(reverse("case-page", args=[case.pk])).content.decode()
    assert "2 · Shared situational awareness" in html and "Briefing next week" in html
    # A missing reason is an error on the page; nothing changes.
    response = client.post(reverse("case-transition-page", args=[case.pk, "close"]), {"reason": ""})
    assert response.status_code == 400 and "needs a reason" in response.content.decode()
    # A role that may not: 403 with the reason on the page.
    client.force_login(cast["siac"])
    response = client.post(reverse("case-transition-page", args=[case.pk, "explore_response"]), {})
    assert response.status_code == 403 and "You may not" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.AWARENESS


def test_opening_a_case_from_the_form(client, cast):
    client.force_login(cast["delegate"])
    assert client.get(reverse("case-new")).status_code == 200
    payload = {
        "kind": "malicious_activity",
        "title": "Supply-chain compromise of an IT provider",
        "summary": "…",
        "brought_by": Organisation.objects.get(code="DE").pk,
        "brought_on": "2026-11-20",
        "context": "peacetime",
        "legal_qualification": "",
        "sectors": ["supply_chain"],
        "member_states_affected": [MemberState.objects.get(code="DE").pk],
        "classification": "1",
        "limite": "on",
        "tlp": "2",
        "releasable_to_all": "on",
        "distribution": "hwpci",  # the form's default choice, posted with it
    }
    response = client.post(reverse("case-new"), {**payload, "classification": "2"})
    assert response.status_code == 400 and "accredited" in response.content.decode()
    response = client.post(reverse("case-new"), {**payload, "releasable_to_all": ""})
    assert response.status_code == 400 and "Name at least one organisation" in response.content.decode()
    assert not Case.objects.exists()
    response = client.post(reverse("case-new"), payload)
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("case-page", args=[case.pk])
    assert case.originator.code == "DE" and case.created_by == cast["delegate"] and case.sectors == ["supply_chain"]
    assert case.distribution == "hwpci"
    response = client.post(reverse("case-new"), {**payload, "distribution": "everyone"})
    assert response.status_code == 400 and Case.objects.count() == 1
    client.force_login(cast["siac"])
    assert client.get(reverse("case-new")).status_code == 403


def test_case_list_page_filters_paginates_and_separates_exercises(client, cast, open_case, django_assert_num_queries):
    for index in range(27):
        open_case(title=f"Real case {index:02d}")
    drill = open_case(title="CyCLES drill", exercise=True)
    client.force_login(cast["delegate"])
    html = client.get(reverse("case-list-page")).content.decode()
    assert 'data-testid="result-count">27<' in html and "Page 1 of 2" in html
    assert len(re.findall(r'data-object-id="\d+"', html)) == 25 and f'data-object-id="{drill.pk}"' not in html
    html = client.get(reverse("case-list-page"), {"q": "case 03"}).content.decode()
    assert 'data-testid="result-count">1<' in html
    client.post(reverse("case-exercise-mode"))
    html = client.get(reverse("case-list-page")).content.decode()
    assert 'data-testid="result-count">1<' in html and f'data-object-id="{drill.pk}"' in html and "Exercise mode" in html
    client.post(reverse("case-exercise-mode"))
    # Independent of the number of cases (27 here, 1 in the next test); 10th: the unread badge; 1 more:
    # the list-read audit record (one insert into the queue of reads, no lock: decision 0032).
    # The session was renewed by the first request: not again within the minute.
    with django_assert_num_queries(11):
        client.get(reverse("case-list-page"))


def test_case_list_page_query_count_with_one_case(client, cast, open_case, django_assert_num_queries):
    open_case()
    client.force_login(cast["delegate"])
    client.get(reverse("case-list-page"))  # warm the per-process caches (content types), as any server has them
    with django_assert_num_queries(11):  # as above, with the audit record of the classified case shown
        client.get(reverse("case-list-page"))


def test_assessments_from_the_page(client, cast, open_case):
    case = open_case()
    client.force_login(cast["delegate"])
    data = dict.fromkeys(("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact"), 4)
    data.update({f"{d}_rationale": f"{d} because" for d in list(data)})
    response = client.post(reverse("case-proportionality-page", args=[case.pk]), {**data, "scale": 9})
    assert response.status_code == 400
    response = client.post(reverse("case-proportionality-page", args=[case.pk]), data)
    assert response.status_code == 302
    html = client.get(reverse("case-page", args=[case.pk])).content.decode()
    assert "4/5" in html and "scope because" in html
    response = client.post(
        reverse("case-significance-page", args=[case.pk]), {"factor_b": "Two operators", "conclusion": "potentially_significant"}
    )
    assert response.status_code == 302
    assert "Potentially significant effect" in client.get(reverse("case-page", args=[case.pk])).content.decode()


# --- The diagram ---------------------------------------------------------------


def edges_in(svg: str) -> set[tuple[str, str, str]]:
    return set(re.findall(r'data-transition="([a-z_]+)" data-source="([a-z_]+)" data-target="([a-z_]+)"', svg))


def test_diagram_has_one_arrow_per_edge_of_the_state_machine():
    svg = workflow_svg(current=CaseState.DECISION)
    expected = {(spec.name, source, target) for spec in transitions().values() for source, target in spec.edges}
    assert edges_in(svg) == expected
    assert len(expected) == 22  # 9 single edges, evaluate from 2 steps, revisit to 2 steps, close from the 9 open steps
    assert re.search(r'data-state="decision" aria-current="step"', svg)
    assert svg.count("<g class=") == len(CaseState)


def test_diagram_follows_a_change_in_the_machine():
    specs = dict(transitions())
    extra = TransitionSpec(
        name="fast_track",
        label="Fast track",
        sources=(CaseState.STARTED,),
        targets=(CaseState.DECISION,),
        edges=((CaseState.STARTED, CaseState.DECISION),),
    )
    changed = workflow_svg(specs={**specs, "fast_track": extra})
    assert ("fast_track", "started", "decision") in edges_in(changed)
    without = {name: spec for name, spec in specs.items() if name != "sustain"}
    assert not any(edge[0] == "sustain" for edge in edges_in(workflow_svg(specs=without)))


def test_diagram_marks_the_path_taken(client, cast, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    client.force_login(cast["chair"])
    html = client.get(reverse("case-page", args=[case.pk])).content.decode()
    taken = set(re.findall(r'class="cdt-workflow__edge cdt-workflow__edge--taken" data-transition="([a-z_]+)"', html))
    assert taken == {"share_awareness", "explore_response", "open_deliberation"}
    assert 'class="cdt-workflow__step cdt-workflow__step--visited" data-state="awareness"' in html


# --- Concurrency ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_simultaneous_transitions_exactly_one_wins(cast, open_case):
    """Threads against the real database: of simultaneous attempts exactly
    one succeeds and one log row is written; the others get a conflict."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks across connections: the CI's PostgreSQL lane runs it")
    case = open_case()
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def attempt(actor):
        close_old_connections()
        try:
            barrier.wait()
            services.case_transition(case=case, by=actor, transition="share_awareness")
            outcomes.append("ok")
        except workflow_errors.TransitionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(cast["chair"] if i % 2 else cast["eeas"],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["ok"]
    assert CaseTransition.objects.filter(case=case).count() == 1


def test_demo_data_has_cases_at_several_steps(client):
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    states = set(Case.objects.filter(exercise=False).values_list("state", flat=True))
    assert {
        CaseState.STARTED,
        CaseState.EXPLORATION,
        CaseState.DELIBERATION,
        CaseState.DECISION,
        CaseState.IMPLEMENTATION,
        CaseState.CLOSED,
    } <= states
    assert Case.objects.filter(exercise=True).count() == 1
    from council.models import Meeting

    meeting = Meeting.objects.get()
    assert meeting.body.code == "HWPCI" and meeting.agenda_items.filter(case__isnull=False).count() == 2
    assert CaseTransition.objects.count() >= 10
    from cdt.accounts.models import User

    client.force_login(User.objects.get(username="delegate-fr"))
    html = client.get(reverse("case-list-page")).content.decode()
    # Five of the six real cases: the espionage case is TLP:AMBER+STRICT from
    # the EEAS, so a delegation's group grant does not open it; never the exercise.
    assert 'data-testid="result-count">5<' in html
    # A completed public attribution, its published HR declaration and the countries aligning.
    from attribution.models import AttributionDeliberation, Statement

    deliberation = AttributionDeliberation.objects.get(status="concluded")
    assert deliberation.outcome in ("public_declaration", "with_partners") and deliberation.attributed_actors.count() == 1
    assert deliberation.case.attribution_claims.values("basis").distinct().count() == 4
    declaration = Statement.objects.get(deliberation=deliberation, statement_type="hr_declaration")
    assert declaration.status == "published" and declaration.alignments.count() >= 5 and declaration.version == 2
    page = client.get(reverse("statement-page", args=[declaration.pk])).content.decode()
    assert f"Published on {date_format(timezone.localdate(), 'j F Y')}." in page and 'data-country="UA"' in page
