"""The chair's "ready to move" panel suggests only a step forward that can
be taken now: never a step back (return to deliberations, revisit, reopen)
nor closing the case, which are there on the case page when wanted."""

import pytest

from cases.models import OPEN_STATES, CaseState
from cases.workflow import PROCESS_ORDER, forward_options, moves_forward, transition_options, transitions
from overview import dashboard

from .cases_support import cast, open_case, walk_to  # noqa: F401

pytestmark = pytest.mark.django_db


def ready_rows(user):
    for _heading, section in dashboard.panels(user):
        for panel in section:
            if panel.key == "ready-to-move":
                return panel.rows
    raise AssertionError("no ready-to-move panel")


def test_forward_means_a_later_step_of_the_process():
    steps = transitions()
    assert not moves_forward(steps["return_to_deliberation"], CaseState.DECISION)
    assert not moves_forward(steps["revisit"], CaseState.SUSTAINED_ENGAGEMENT)
    assert not moves_forward(steps["close"], CaseState.STARTED)
    assert not moves_forward(steps["reopen"], CaseState.CLOSED)
    assert moves_forward(steps["refer_for_decision"], CaseState.DELIBERATION)
    assert moves_forward(steps["evaluate"], CaseState.IMPLEMENTATION) and moves_forward(steps["evaluate"], CaseState.PARTNER_COOPERATION)
    for spec in steps.values():  # whatever the machine declares, "forward" never goes back or out
        for source, target in spec.edges:
            if moves_forward(spec, source):
                assert target in OPEN_STATES and PROCESS_ORDER[target] > PROCESS_ORDER[source], (spec.name, source, target)


def test_a_case_at_decision_is_not_suggested_back_to_deliberations(cast, open_case):
    case = walk_to(open_case(title="Wiper at decision"), CaseState.DECISION, cast)
    options = {option.spec.name: option for option in transition_options(case, cast["chair"])}
    assert options["return_to_deliberation"].available  # the chair could take the step back now...
    assert forward_options(case, cast["chair"]) == []  # ...but implementing is not the chair's, nor is it allowed yet
    rows = ready_rows(cast["chair"])
    assert case.reference not in [row.text for row in rows]
    assert not any(str(transitions()["return_to_deliberation"].label) in row.meta for row in rows)


def test_every_suggestion_is_a_step_forward_available_now(cast, open_case):
    started = open_case(title="Fresh case")
    deliberating = walk_to(open_case(title="Deliberating case"), CaseState.DELIBERATION, cast)
    rows = {row.text: row for row in ready_rows(cast["chair"])}
    assert rows[started.reference].meta.endswith("→ " + str(transitions()["share_awareness"].label))
    assert "Fresh case" in rows[started.reference].meta  # the title, not only the reference
    labels = {str(spec.label): spec for spec in transitions().values()}
    states = {started.reference: started, deliberating.reference: deliberating}
    for reference, row in rows.items():
        suggested = row.meta.rsplit("→ ", 1)[1].split(" / ")
        for label in suggested:
            assert moves_forward(labels[label], states[reference].state), (reference, label)
