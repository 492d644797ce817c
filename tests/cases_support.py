"""Shared helpers for the case tests: the cast (chair, delegates, EEAS,
secretariat), a case everyone in the cast can see, and walking a case to a
step through the real services."""

from __future__ import annotations

import datetime

import pytest

from cases import services
from cases.factories import CaseFactory
from cases.models import Case, CaseKind, CaseState, ClosureReason
from cdt.accounts.roles import Role
from cdt.directory.models import Organisation
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Classification, Distribution, Tlp

#: The path the tests walk to reach each step: (transition, actor key, input).
PATH = {
    CaseState.STARTED: [],
    CaseState.AWARENESS: [("share_awareness", "chair", {})],
    CaseState.EXPLORATION: [("share_awareness", "chair", {}), ("explore_response", "chair", {})],
}
PATH[CaseState.DELIBERATION] = PATH[CaseState.EXPLORATION] + [("open_deliberation", "chair", {})]
PATH[CaseState.DECISION] = PATH[CaseState.DELIBERATION] + [("refer_for_decision", "chair", {})]
PATH[CaseState.IMPLEMENTATION] = PATH[CaseState.DECISION] + [("implement", "chair", {})]
PATH[CaseState.PARTNER_COOPERATION] = PATH[CaseState.IMPLEMENTATION] + [("involve_partners", "eeas", {})]
PATH[CaseState.EVALUATION] = PATH[CaseState.IMPLEMENTATION] + [("evaluate", "chair", {})]
PATH[CaseState.SUSTAINED_ENGAGEMENT] = PATH[CaseState.EVALUATION] + [("sustain", "chair", {})]
PATH[CaseState.CLOSED] = [("close", "chair", {"reason": ClosureReason.CONCLUDED})]


def walk_to(case: Case, state: str, cast: dict) -> Case:
    for transition, actor, data in PATH[state]:
        satisfy_guards(case, transition, cast)
        case = services.case_transition(case=case, by=cast[actor], transition=transition, **data).case
    assert case.state == state
    return case


def satisfy_guards(case: Case, transition: str, cast: dict) -> Case:
    """Meet the guards other apps put on ``transition`` (so a test of roles
    or steps is not refused by a guard): "implement" needs an adopted
    decision, here an HR discretionary act."""
    if transition == "explore_response" and not case.assessments.exists():
        from awareness.services import assessment_record

        assessment_record(
            by=cast["siac"],
            kind="written",
            title="SIAC assessment",
            body="All-source assessment.",
            classification=case.classification,
            limite=True,
            tlp=Tlp.AMBER,
            releasable_to_all=True,
            cases=[case],
            shared_with_all_delegations=True,
        )
    if not case.is_open:
        return case  # nothing can be added to a closed case
    if transition == "open_deliberation" and not case.options_notes.filter(status="submitted").exists():
        from drafting.services import note_transition
        from measures.services import options_note_create

        note = options_note_create(
            by=cast["eeas"],
            case=case,
            title="Options note",
            content={
                "situation": "Wiper attack on two operators.",
                "options": [{"measure_type": "demarche", "rationale": "First step."}],
                "recommendation": "Option 1.",
            },
        )
        note_transition(by=cast["eeas"], note=note, transition="submit")
    if transition in ("refer_for_decision", "evaluate") and not case.measures.exists():
        from measures.models import MeasureType
        from measures.services import measure_propose, measure_transition

        measure = measure_propose(
            by=cast["eeas"],
            case=case,
            measure_type=MeasureType.objects.get(slug="demarche"),
            description="Démarche by the HR to the State concerned.",
        )
        measure_transition(by=cast["chair"], measure=measure, transition="select")
    if transition in ("implement", "evaluate") and not case.decisions.filter(adopted=True).exists():
        from council.services import hr_act_record

        hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR to the State concerned.")
    if transition == "evaluate" and not case.measures.filter(state="implemented").exists():
        from measures.services import measure_transition

        measure = case.measures.get(state="selected")
        measure_transition(by=cast["chair"], measure=measure, transition="agree", decision=case.decisions.filter(adopted=True).first())
        measure_transition(
            by=cast["eeas"], measure=measure, transition="start_implementation", implementing_actor=Organisation.objects.get(code="EEAS")
        )
        measure_transition(by=cast["eeas"], measure=measure, transition="complete")
    return case


def case_fields(**overrides) -> dict:
    fields = dict(
        kind=CaseKind.MALICIOUS_ACTIVITY,
        title="Wiper attack on energy grid operators",
        summary="Destructive malware against transmission system operators in two Member States.",
        brought_by=Organisation.objects.get(code="DE"),
        brought_on=datetime.date(2026, 11, 2),
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        # Restricted (originator control) and shared with the cast by
        # :func:`share_with_cast`: the outsider (HU) is the one left out.
        # Tests of the HWPCI distribution open their cases with it.
        distribution=Distribution.RESTRICTED,
    )
    fields.update(overrides)
    return fields


def cast_make(make_user) -> dict:
    """The usual cast, one user per role; Ireland holds the Presidency on the
    test date (July–December 2026)."""
    return {
        "chair": make_user("chair-ie", "IE"),
        "delegate": make_user("delegate-de", "DE"),
        "other_delegate": make_user("delegate-fr", "FR"),
        "eeas": make_user("eeas-staff", "EEAS", roles=(Role.EEAS_DRAFTER,)),
        "secretariat": make_user("gsc-staff", "GSC", roles=(Role.SECRETARIAT,), is_staff=True),
        "siac": make_user("siac-analyst", "SIAC", roles=(Role.SIAC_ANALYST,)),
        "outsider": make_user("delegate-hu", "HU"),
    }


@pytest.fixture
def cast(make_user):
    return cast_make(make_user)


def share_with_cast(case: Case, cast: dict) -> None:
    """The Presidency, France, the EEAS and SIAC get need-to-know on a
    restricted case (the opener's delegation and the secretariat have it
    from the opening); the outsider's delegation (HU) gets nothing."""
    for code in ("IE", "FR", "EEAS", "SIAC"):
        access_grant(target=case, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code=code)))


@pytest.fixture
def open_case(cast):
    def make(**overrides) -> Case:
        releasable = overrides.pop("releasable_to", None)
        fields = case_fields(**overrides)
        if releasable is not None:
            fields["releasable_to_all"] = False
            fields["releasable_to"] = list(Organisation.objects.filter(code__in=releasable))
        case = services.case_open(by=cast["delegate"], **fields)
        share_with_cast(case, cast)
        return case

    return make


def case_at(state: str, cast: dict, **fields) -> Case:
    """A case already at ``state`` (a factory, not the services: for tests
    about the step, not the way there), shared with the cast as
    :func:`open_case`'s are."""
    case = CaseFactory(state=state, created_by=cast["delegate"], **fields)
    share_with_cast(case, cast)
    return case


class SignedIn(dict):
    """A verified browser session per member of the cast, made on first use."""

    def __init__(self, cast, login_verified):
        super().__init__()
        self.cast, self.login_verified = cast, login_verified

    def __missing__(self, key):
        from django.test import Client

        client = Client()
        self.login_verified(client, self.cast[key])
        self[key] = client
        return client


@pytest.fixture
def signed_in(cast, login_verified) -> SignedIn:
    return SignedIn(cast, login_verified)
