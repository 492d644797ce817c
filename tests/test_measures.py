"""Measures: the catalogue, a measure's lifecycle with its actors, the
escalation and attribution checks, the workflow guards, impact evaluations."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import cdt.workflow.errors as workflow_errors
from cases import services as case_services
from cases.models import Case, CaseState
from cdt.directory.models import Organisation
from cdt.security.models import AuditEntry
from cdt.workflow import transition_options, workflow_for
from council.services import hr_act_record
from measures import services
from measures.catalogue import CATALOGUE
from measures.choices import MeasureEffect, MeasureForm, MeasureState
from measures.models import ImpactEvaluation, MeasureTransition, MeasureType, ResponseMeasure
from notifications.models import Event, EventKind

from .attribution_support import attribute
from .cases_support import case_at, walk_to

pytestmark = pytest.mark.django_db

#: Every measure the two source texts name (Council conclusions 2017, para 5; revised implementing guidelines 2023,
#: paras 7, 9, 12, 14, 16 and 41), by catalogue code.
NAMED_IN_THE_TEXTS = {
    "awareness-raising",
    "dialogue",
    "demarche",
    "confidence-building",
    "hr-statement",
    "council-conclusions",
    "declaration",
    "due-diligence-request",
    "global-partnerships",
    "advisories",
    "counter-intelligence",
    "suspend-engagements",
    "cyber-sanctions-listing",
    "sectoral-sanctions",
    "amend-sanctions-regime",
    "capacity-building",
    "training-exercises",
    "rapid-response-assistance",
    "support-lawful-responses",
}


def measure_type(slug):
    return MeasureType.objects.get(slug=slug)


def test_the_catalogue_holds_every_measure_the_texts_name(directory):
    assert set(MeasureType.objects.values_list("slug", flat=True)) >= NAMED_IN_THE_TEXTS
    for entry in MeasureType.objects.all():
        entry.full_clean()  # forms, effects and leads from the vocabularies of para 14
        assert entry.forms and set(entry.forms) <= set(MeasureForm.values) and set(entry.effects) <= set(MeasureEffect.values)
    levels = {entry.slug: entry.escalation_level for entry in MeasureType.objects.all()}
    assert (
        levels["awareness-raising"]
        < levels["demarche"]
        < levels["hr-statement"]
        < levels["cyber-sanctions-listing"]
        < levels["sectoral-sanctions"]
    )
    assert measure_type("cyber-sanctions-listing").restrictive and measure_type("cyber-sanctions-listing").attribution == "actor"
    assert measure_type("due-diligence-request").attribution == "none"  # para 12: territory is not responsibility
    assert measure_type("hr-statement").deciding_body.code == "COUNCIL"
    assert len(CATALOGUE) == MeasureType.objects.count()


def test_seeding_again_keeps_the_secretariats_edits(directory):
    from django.apps import apps

    from measures.catalogue import catalogue_ensure

    MeasureType.objects.filter(slug="dialogue").update(escalation_level=2)
    assert catalogue_ensure(apps) == 0
    assert measure_type("dialogue").escalation_level == 2


@pytest.fixture
def deliberating(cast):
    return case_at(CaseState.DELIBERATION, cast)


def propose(cast, case, slug="demarche", by="eeas", **extra):
    return services.measure_propose(by=cast[by], case=case, measure_type=measure_type(slug), description="…", **extra)


def test_who_proposes(cast, deliberating):
    assert propose(cast, deliberating, by="delegate").state == MeasureState.PROPOSED
    for outsider in ("secretariat", "siac"):
        with pytest.raises(PermissionDenied):
            propose(cast, deliberating, by=outsider)
    with pytest.raises(ValidationError):
        propose(cast, deliberating, by="outsider")  # cannot see the case: as if it did not exist


def run(cast, measure, transition, who, **data):
    return services.measure_transition(by=cast[who], measure=measure, transition=transition, **data).measure


def decided(cast, case, decided_on=None):
    return hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.", decided_on=decided_on)


# (transition, state reached before it, allowed actors, refused actors, input)
LIFECYCLE = [
    ("select", "proposed", ["chair"], ["eeas", "delegate", "secretariat"], {}),
    ("withdraw", "proposed", ["chair", "eeas"], ["delegate", "secretariat"], {"reason": "Superseded."}),
    ("agree", "selected", ["chair", "secretariat"], ["eeas", "delegate"], {"decision": None}),
    ("start_implementation", "agreed", ["eeas", "chair", "secretariat"], ["delegate", "siac"], {"implementing_actor": "EEAS"}),
    ("complete", "in_implementation", ["eeas", "secretariat"], ["delegate", "siac"], {}),
    ("suspend", "implemented", ["chair", "secretariat"], ["eeas", "delegate"], {"reason": "Talks resumed."}),
    ("resume", "suspended", ["chair", "secretariat"], ["eeas", "delegate"], {"reason": "Talks failed."}),
    ("lift", "implemented", ["chair", "secretariat"], ["eeas", "delegate"], {"reason": "Objective met."}),
    ("expire", "suspended", ["chair", "secretariat"], ["eeas", "delegate"], {}),
]
STEPS_TO = {
    "proposed": [],
    "selected": ["select"],
    "agreed": ["select", "agree"],
    "in_implementation": ["select", "agree", "start_implementation"],
    "implemented": ["select", "agree", "start_implementation", "complete"],
    "suspended": ["select", "agree", "start_implementation", "complete", "suspend"],
}
ACTOR_FOR = {"select": "chair", "agree": "chair", "start_implementation": "eeas", "complete": "eeas", "suspend": "chair"}


def measure_at(cast, case, state):
    measure = propose(cast, case)
    decision = decided(cast, case)
    for step in STEPS_TO[state]:
        measure = run(
            cast,
            measure,
            step,
            ACTOR_FOR[step],
            **prepared(step, dict({t: d for t, _, _, _, d in LIFECYCLE}.get(step, {})), decision),
        )
    assert measure.state == state
    return measure, decision


def prepared(transition, data, decision):
    data = dict(data)
    if transition == "agree":
        data["decision"] = decision
    if transition == "start_implementation":
        data["implementing_actor"] = Organisation.objects.get(code="EEAS")
    if transition == "suspend":
        data["reason"] = "Talks resumed."
    return data


def audited(measure, transition):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.TRANSITION,
        object_type="measures.responsemeasure",
        object_id=str(measure.pk),
        details__transition=transition,
    ).count()


@pytest.mark.parametrize(("transition", "state", "allowed", "refused", "data"), LIFECYCLE, ids=[f"{t}-from-{s}" for t, s, *_ in LIFECYCLE])
def test_lifecycle_step_allowed(cast, deliberating, transition, state, allowed, refused, data):
    for who in allowed:
        measure, decision = measure_at(cast, deliberating, state)
        outcome = services.measure_transition(by=cast[who], measure=measure, transition=transition, **prepared(transition, data, decision))
        assert outcome.log.source == state and outcome.log.target == outcome.measure.state != state
        assert outcome.log.by == cast[who]
        # One log row, one audit entry and one event for the step.
        assert MeasureTransition.objects.filter(measure=measure, transition=transition).count() == 1
        assert audited(measure, transition) == 1
        kind = EventKind.MEASURE_IMPLEMENTED if outcome.measure.state == MeasureState.IMPLEMENTED else EventKind.WORKFLOW_STEP
        assert Event.objects.filter(kind=kind, payload__log=outcome.log.pk).count() == 1


@pytest.mark.parametrize(("transition", "state", "allowed", "refused", "data"), LIFECYCLE, ids=[f"{t}-from-{s}" for t, s, *_ in LIFECYCLE])
def test_lifecycle_step_forbidden(cast, deliberating, transition, state, allowed, refused, data):
    measure, decision = measure_at(cast, deliberating, state)
    for who in refused:
        with pytest.raises(PermissionDenied):
            services.measure_transition(by=cast[who], measure=measure, transition=transition, **prepared(transition, data, decision))
    assert ResponseMeasure.objects.get(pk=measure.pk).state == state  # (a protected FSM field cannot refresh_from_db)
    assert audited(measure, transition) == 0 and not MeasureTransition.objects.filter(measure=measure, transition=transition).exists()
    sources = workflow_for(ResponseMeasure).steps()[transition].sources
    wrong = next(candidate for candidate in ("implemented", "selected", "proposed") if candidate not in sources)
    other, decision = measure_at(cast, deliberating, wrong)
    with pytest.raises(workflow_errors.TransitionConflict):
        services.measure_transition(by=cast[allowed[0]], measure=other, transition=transition, **prepared(transition, data, decision))


def test_the_implementing_organisation_may_record_its_own_implementation(cast, deliberating):
    measure, decision = measure_at(cast, deliberating, "agreed")
    measure = run(cast, measure, "start_implementation", "eeas", implementing_actor=Organisation.objects.get(code="DE"))
    assert run(cast, measure, "complete", "delegate").state == MeasureState.IMPLEMENTED  # a German delegate for Germany
    other, _ = measure_at(cast, deliberating, "agreed")
    other = run(cast, other, "start_implementation", "eeas", implementing_actor=Organisation.objects.get(code="FR"))
    with pytest.raises(PermissionDenied):
        run(cast, other, "complete", "delegate")


def test_agreement_needs_an_adopted_decision_on_the_same_case(cast, deliberating, open_case):
    measure = run(cast, propose(cast, deliberating), "select", "chair")
    with pytest.raises(ValidationError) as missing:
        run(cast, measure, "agree", "chair")
    assert "decision" in missing.value.message_dict
    elsewhere = decided(cast, walk_to(open_case(), CaseState.DELIBERATION, cast))
    with pytest.raises(ValidationError):
        run(cast, measure, "agree", "chair", decision=elsewhere)
    assert run(cast, measure, "agree", "chair", decision=decided(cast, deliberating)).state == MeasureState.AGREED


def test_escalation_beyond_proportionality_is_flagged_and_only_the_chair_overrides(cast, deliberating):
    case_services.proportionality_assess(
        case=deliberating,
        by=cast["delegate"],
        **{
            f"{dimension}{suffix}": value
            for dimension in ("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact")
            for suffix, value in (("", 2), ("_rationale", "Limited."))
        },
    )
    measure = propose(cast, deliberating, slug="suspend-engagements")  # level 6 > 2 × mean 2 = 4
    assert "Escalation level 6 exceeds the 4 supported" in measure.escalation_warning
    assert propose(cast, deliberating, slug="hr-statement").escalation_warning == ""  # level 3 is within
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        run(cast, measure, "select", "chair")
    assert "exceeds" in blocked.value.reasons[0]
    with pytest.raises(PermissionDenied):
        services.measure_override_escalation(by=cast["eeas"], measure=measure, justification="Because.")
    with pytest.raises(ValidationError):
        services.measure_override_escalation(by=cast["chair"], measure=measure, justification="  ")
    services.measure_override_escalation(by=cast["chair"], measure=measure, justification="Repeated activity since 2024.")
    measure = run(cast, measure, "select", "chair")
    assert measure.state == MeasureState.SELECTED and measure.overridden_by == cast["chair"]


def test_the_options_name_the_guards_declared_on_the_steps(cast, deliberating):
    """What the measure page shows: the steps from here, each with the
    guards that stop it now (escalation on ``select``, attribution on
    ``agree``) or the role."""
    from awareness.models import ThreatActor

    listing = propose(cast, deliberating, slug="cyber-sanctions-listing", actors=[ThreatActor.objects.create(name="Silent Quill")])
    options = {option.spec.name: option for option in transition_options(listing, cast["chair"])}
    assert set(options) == {"select", "withdraw"} and options["withdraw"].available
    assert not options["select"].available and len(options["select"].blocked_by) == 1
    assert "exceeds" in options["select"].blocked_by[0] and "The chair may go beyond it" in options["select"].blocked_by[0]
    eeas = {option.spec.name: option for option in transition_options(listing, cast["eeas"])}
    assert eeas["select"].blocked_by[0] == "Your role may not do this."
    services.measure_override_escalation(by=cast["chair"], measure=listing, justification="Third campaign.")
    listing = run(cast, listing, "select", "chair")
    options = {option.spec.name: option for option in transition_options(listing, cast["chair"])}
    assert not options["agree"].available and "covering Silent Quill" in options["agree"].blocked_by[0]


def test_a_measure_requiring_attribution_cannot_be_agreed_without_one_covering_the_actor(cast, deliberating, open_case):
    from awareness.models import ThreatActor

    actor = ThreatActor.objects.create(name="Silent Quill")
    listing = propose(cast, deliberating, slug="cyber-sanctions-listing", actors=[actor])
    services.measure_override_escalation(by=cast["chair"], measure=listing, justification="Third campaign.")
    listing = run(cast, listing, "select", "chair")
    decision = decided(cast, deliberating)
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        run(cast, listing, "agree", "chair", decision=decision)
    assert "requires a coordinated political attribution at EU level covering Silent Quill" in blocked.value.reasons[0]
    attribution = attribute(cast, deliberating, [actor])
    assert run(cast, listing, "agree", "chair", decision=decision).state == MeasureState.AGREED
    # Sectoral sanctions need attribution to a State as well.
    sectoral = propose(cast, deliberating, slug="sectoral-sanctions", actors=[actor])
    services.measure_override_escalation(by=cast["chair"], measure=sectoral, justification="Escalation agreed in principle.")
    sectoral = run(cast, sectoral, "select", "chair")
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        run(cast, sectoral, "agree", "chair", decision=decision)
    assert "attribution to a State" in blocked.value.reasons[0]
    # A second case, attributed to a State this time.
    assert attribution.attributed_to_state == ""
    other = walk_to(open_case(), CaseState.DELIBERATION, cast)
    attribute(cast, other, [actor], state="Fictional State")
    sectoral = propose(cast, other, slug="sectoral-sanctions", actors=[actor])
    services.measure_override_escalation(by=cast["chair"], measure=sectoral, justification="Escalation agreed in principle.")
    sectoral = run(cast, sectoral, "select", "chair")
    decision = decided(cast, other)
    assert run(cast, sectoral, "agree", "chair", decision=decision).state == MeasureState.AGREED


def test_workflow_guards(cast, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        case_services.case_transition(case=case, by=cast["chair"], transition="refer_for_decision")
    assert blocked.value.reasons == ["No measure has been selected for decision."]
    measure = run(cast, propose(cast, case), "select", "chair")
    case = case_services.case_transition(case=case, by=cast["chair"], transition="refer_for_decision").case
    decision = decided(cast, case)
    case = case_services.case_transition(case=case, by=cast["chair"], transition="implement").case
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        case_services.case_transition(case=case, by=cast["chair"], transition="evaluate")
    assert blocked.value.reasons == ["No measure has been implemented yet."]
    measure = run(cast, measure, "agree", "chair", decision=decision)
    measure = run(cast, measure, "start_implementation", "eeas", implementing_actor=Organisation.objects.get(code="EEAS"))
    run(cast, measure, "complete", "eeas")
    assert case_services.case_transition(case=case, by=cast["chair"], transition="evaluate").case.state == CaseState.EVALUATION


def test_evaluations_are_scheduled_after_implementation_and_before_renewals(cast, deliberating, settings):
    settings.CDT_EVALUATION_MONTHS = [3, 6, 12]
    settings.CDT_EVALUATION_DAYS_BEFORE_RENEWAL = 30
    from awareness.models import ThreatActor

    actor = ThreatActor.objects.create(name="Silent Quill")
    attribute(cast, deliberating, [actor])
    # Entered afterwards: the case came to the Council in January, the listing took effect on 31 May (steps in order).
    Case.objects.filter(pk=deliberating.pk).update(brought_on=datetime.date(2026, 1, 5))
    deliberating.refresh_from_db()
    measure = propose(cast, deliberating, slug="cyber-sanctions-listing", actors=[actor], proposed_on=datetime.date(2026, 5, 2))
    services.measure_override_escalation(by=cast["chair"], measure=measure, justification="Third campaign.")
    may = datetime.date(2026, 5, 31)
    measure = run(
        cast,
        run(cast, measure, "select", "chair", on=may),
        "agree",
        "chair",
        decision=decided(cast, deliberating, datetime.date(2026, 5, 30)),
        on=may,
    )
    measure = run(cast, measure, "start_implementation", "secretariat", implementing_actor=Organisation.objects.get(code="GSC"), on=may)
    measure = run(cast, measure, "complete", "secretariat", on=may)
    due = list(measure.evaluations.values_list("occasion", "due_on"))
    assert due == [
        ("interval", datetime.date(2026, 8, 31)),
        ("interval", datetime.date(2026, 11, 30)),
        ("interval", datetime.date(2027, 5, 31)),
    ]
    services.listing_set(
        by=cast["secretariat"],
        measure=measure,
        council_decision="Council Decision (CFSP) 2026/999",
        council_regulation="Council Implementing Regulation (EU) 2026/998",
        renewal_on=datetime.date(2027, 5, 18),
        review_on=datetime.date(2027, 2, 1),
        entries=[
            {
                "kind": "person",
                "name": "Ivan Fictional",
                "function": "Officer, Unit 00000",
                "statement_of_reasons": "Responsible for the campaign.",
            }
        ],
    )
    renewals = sorted(measure.evaluations.filter(occasion="renewal").values_list("due_on", flat=True))
    assert renewals == [datetime.date(2027, 1, 2), datetime.date(2027, 4, 18)]
    # Lifting cancels the evaluations not yet due.
    run(cast, measure, "lift", "chair", reason="Objective met.", on=datetime.date(2026, 11, 1))
    assert set(measure.evaluations.filter(cancelled=False).values_list("due_on", flat=True)) == {datetime.date(2026, 8, 31)}


def test_a_listing_is_for_restrictive_measures_and_names_someone(cast, deliberating):
    measure = propose(cast, deliberating)
    with pytest.raises(ValidationError):
        services.listing_set(
            by=cast["secretariat"], measure=measure, entries=[{"kind": "person", "name": "X", "statement_of_reasons": "Y"}]
        )


def test_recording_an_evaluation(cast, deliberating):
    measure, decision = measure_at(cast, deliberating, "implemented")
    evaluation = measure.evaluations.first()
    with pytest.raises(PermissionDenied):
        services.evaluation_record(
            by=cast["delegate"], evaluation=evaluation, observed_change="…", effect="limited", recommendation="continue"
        )
    with pytest.raises(ValidationError) as invalid:
        services.evaluation_record(by=cast["eeas"], evaluation=evaluation, observed_change="", effect="", recommendation="continue")
    assert set(invalid.value.message_dict) >= {"effect", "observed_change"}
    evaluation = services.evaluation_record(
        by=cast["siac"],
        evaluation=evaluation,
        observed_change="Activity paused for two months.",
        effect=ImpactEvaluation.Effect.LIMITED,
        recommendation=ImpactEvaluation.Recommendation.ESCALATE,
    )
    assert evaluation.done and evaluation.evaluated_by == cast["siac"]
    with pytest.raises(ValidationError):
        services.evaluation_record(by=cast["eeas"], evaluation=evaluation, observed_change="Again.", effect="none", recommendation="lift")
