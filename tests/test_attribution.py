"""Attribution: claims on several bases, the considerations grid before the
question goes to the Council, national attributions apart from the EU's,
the outcome unlocking exactly the measures it covers, statements on the
notes' draft machinery, alignments, communication plans."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from attribution import services
from attribution.choices import Basis, ClaimType, Confidence, DeliberationStatus, PlanStatus, Rating, StatementStatus
from attribution.models import AttributionDeliberation, DeliberationTransition, Statement, StatementVersion
from awareness.models import ThreatActor
from cases.models import CaseState
from cdt.directory.models import MemberState, Organisation
from cdt.workflow import TransitionConflict, TransitionGuardFailed
from council.models import PositionValue
from council.services import hr_act_record
from drafting import kinds
from drafting import services as drafts
from drafting.compare import compare
from measures import services as measure_services
from measures.choices import MeasureState
from measures.models import MeasureType

from .attribution_support import assess_all, attribute, claim, decide, referred
from .cases_support import case_at, satisfy_guards, walk_to

#: Steps are entered in order, and the earlier steps of these tests are taken today.
TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast):
    return case_at(CaseState.DELIBERATION, cast)


@pytest.fixture
def actors():
    return ThreatActor.objects.create(name="Silent Quill"), ThreatActor.objects.create(name="Amber Heron")


def state(code):
    return MemberState.objects.get(code=code)


# --- Claims ---------------------------------------------------------------------------------------------------


def test_several_claims_on_different_bases(cast, case, actors):
    quill, heron = actors
    satisfy_guards(case, "explore_response", cast)  # a SIAC assessment linked to the case
    assessment = case.assessments.get()
    technical = claim(cast, case, quill, basis=Basis.TECHNICAL, by="siac", assessments=[assessment], confidence=Confidence.MODERATE)
    national = claim(
        cast,
        case,
        quill,
        basis=Basis.NATIONAL,
        by="delegate",
        member_state=state("DE"),
        claim_type=ClaimType.POLITICAL,
        public=True,
        attributed_to_state="Fictional State",
        made_on=datetime.date(2026, 11, 10),
    )
    partner = claim(cast, case, heron, basis=Basis.PARTNER, partner=Organisation.objects.get(code="GB"), public=True)
    industry = claim(cast, case, heron)
    assert [c.party for c in (technical, national, partner, industry)] == ["eu", "member_state", "partner", "industry"]
    assert list(technical.assessments.all()) == [assessment]
    assert national.attributing_party == "Germany" and partner.attributing_party == "United Kingdom"
    assert case.attribution_claims.count() == 4
    assert set(quill.attribution_claims.values_list("basis", flat=True)) == {"technical", "national"}


def test_claims_are_checked(cast, case, actors, open_case):
    quill, _ = actors
    with pytest.raises(ValidationError) as error:
        claim(cast, case, quill, basis=Basis.TECHNICAL)  # no assessment
    assert "assessments" in error.value.message_dict
    other_case = open_case()
    satisfy_guards(other_case, "explore_response", cast)
    with pytest.raises(ValidationError):  # an assessment of another case
        claim(cast, case, quill, basis=Basis.TECHNICAL, assessments=[other_case.assessments.get()])
    with pytest.raises(ValidationError):  # on any basis, the assessments named must be the case's
        claim(cast, case, quill, assessments=[other_case.assessments.get()])
    with pytest.raises(PermissionDenied):  # France's delegate does not record Germany's national attribution
        claim(cast, case, quill, basis=Basis.NATIONAL, by="other_delegate", member_state=state("DE"), claim_type=ClaimType.POLITICAL)
    with pytest.raises(ValidationError) as error:
        claim(cast, case, quill, basis=Basis.NATIONAL, by="delegate", member_state=state("DE"), claim_type=ClaimType.TECHNICAL)
    assert "claim_type" in error.value.message_dict
    for code in ("EEAS", "GSC"):  # an EU body, the secretariat: never a partner (a candidate such as Albania may be one)
        with pytest.raises(ValidationError) as error:
            claim(cast, case, quill, basis=Basis.PARTNER, partner=Organisation.objects.get(code=code))
        assert "partner" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        claim(cast, case, quill, by="delegate")  # delegates record only their state's national attribution
    with pytest.raises(ValidationError):
        claim(cast, case, quill, by="outsider", basis=Basis.NATIONAL, member_state=state("HU"), claim_type=ClaimType.POLITICAL)
    assert case.attribution_claims.count() == 0


# --- The deliberation ------------------------------------------------------------------------------------------


def test_the_grid_must_be_complete_before_the_question_goes_to_the_council(cast, case, actors):
    deliberation = services.deliberation_open(by=cast["eeas"], case=case, options_considered=["no_attribution", "with_partners"])
    assert deliberation.considerations.count() == 10
    assert deliberation.considerations.get(number=7).title.startswith("Likelihood and impact of a counter-response")
    assess_all(cast, deliberation, skip=(4, 9))
    with pytest.raises(TransitionGuardFailed) as blocked:
        services.deliberation_refer(by=cast["chair"], deliberation=deliberation)
    assert blocked.value.reasons == [
        "Consideration 4 is not assessed.",
        "Consideration 9 is not assessed.",
        "No attribution claim is recorded on the case.",
    ]
    assert AttributionDeliberation.objects.get(pk=deliberation.pk).question is None and not case.questions.exists()
    for number in (4, 9):
        services.consideration_assess(
            by=cast["eeas"], deliberation=deliberation, number=number, assessment="Weighed.", rating=Rating.NEUTRAL
        )
    claim(cast, case, actors[0])
    deliberation = services.deliberation_refer(by=cast["chair"], deliberation=deliberation)
    assert deliberation.status == DeliberationStatus.REFERRED
    assert deliberation.question.positions.count() == 27 and deliberation.question.body.code == "COUNCIL"
    assert list(DeliberationTransition.objects.filter(deliberation=deliberation).values_list("transition", flat=True)) == ["open", "refer"]
    with pytest.raises(ValidationError):  # the grid is fixed once before the Council
        services.consideration_assess(by=cast["eeas"], deliberation=deliberation, number=1, assessment="Changed.", rating=Rating.AGAINST)


def test_considerations_are_assessed_by_the_eeas_and_commented_by_delegates(cast, case):
    deliberation = services.deliberation_open(by=cast["chair"], case=case)
    with pytest.raises(PermissionDenied):
        services.consideration_assess(by=cast["delegate"], deliberation=deliberation, number=1, assessment="x", rating=Rating.SUPPORTS)
    with pytest.raises(ValidationError):
        services.consideration_assess(by=cast["eeas"], deliberation=deliberation, number=11, assessment="x", rating=Rating.SUPPORTS)
    with pytest.raises(ValidationError):
        services.consideration_assess(by=cast["eeas"], deliberation=deliberation, number=1, assessment="x", rating="maybe")
    comment = services.consideration_comment(by=cast["other_delegate"], deliberation=deliberation, number=3, text="Unity matters here.")
    assert comment.member_state.code == "FR"
    with pytest.raises(PermissionDenied):
        services.consideration_comment(by=cast["siac"], deliberation=deliberation, number=3, text="x")
    with pytest.raises(ValidationError):
        services.deliberation_open(by=cast["chair"], case=case)  # one per case


@pytest.mark.parametrize("who, allowed", [("chair", True), ("secretariat", True), ("eeas", False), ("delegate", False)])
def test_who_refers(cast, case, actors, who, allowed):
    claim(cast, case, actors[0])
    deliberation = services.deliberation_open(by=cast["eeas"], case=case)
    assess_all(cast, deliberation)
    if allowed:
        assert services.deliberation_refer(by=cast[who], deliberation=deliberation).status == DeliberationStatus.REFERRED
    else:
        with pytest.raises(PermissionDenied):
            services.deliberation_refer(by=cast[who], deliberation=deliberation)
        assert not case.questions.exists()


@pytest.mark.parametrize("who, allowed", [("chair", True), ("secretariat", True), ("eeas", False), ("delegate", False)])
def test_who_concludes(cast, case, actors, who, allowed):
    deliberation = referred(cast, case, actors[:1])
    decide(cast, deliberation)
    if allowed:
        deliberation = services.deliberation_conclude(
            by=cast[who], deliberation=deliberation, outcome="public_declaration", actors=actors[:1]
        )
        assert deliberation.attributes and list(deliberation.attributed_actors.all()) == [actors[0]]
    else:
        with pytest.raises(PermissionDenied):
            services.deliberation_conclude(by=cast[who], deliberation=deliberation, outcome="public_declaration", actors=actors[:1])


def test_an_attribution_needs_the_councils_adopted_decision_and_claims(cast, case, actors):
    quill, heron = actors
    deliberation = referred(cast, case, [quill])
    with pytest.raises(ValidationError) as error:
        services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="public_declaration", actors=[quill])
    assert "outcome" in error.value.message_dict  # no decision yet
    decide(cast, deliberation, value=PositionValue.OBJECTION)  # unanimity fails
    with pytest.raises(ValidationError):
        services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="public_declaration", actors=[quill])
    with pytest.raises(ValidationError) as error:
        services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="no_attribution", actors=[quill])
    assert "actors" in error.value.message_dict
    deliberation = services.deliberation_conclude(
        by=cast["chair"], deliberation=deliberation, outcome="no_attribution", summary="No consensus."
    )
    assert deliberation.status == DeliberationStatus.CONCLUDED and not deliberation.attributes
    with pytest.raises(TransitionConflict):
        services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="no_attribution")


def test_the_outcome_names_only_actors_with_claims_and_partners_from_the_directory(cast, case, actors):
    quill, heron = actors
    deliberation = referred(cast, case, [quill])
    decide(cast, deliberation)
    with pytest.raises(ValidationError) as error:
        services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="public_declaration", actors=[quill, heron])
    assert "Amber Heron" in error.value.message_dict["actors"][0]
    with pytest.raises(ValidationError) as error:
        services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="with_partners", actors=[quill])
    assert "partners" in error.value.message_dict
    deliberation = services.deliberation_conclude(
        by=cast["chair"],
        deliberation=deliberation,
        outcome="with_partners",
        actors=[quill],
        partners=list(Organisation.objects.filter(code__in=["GB", "US"])),
    )
    assert sorted(deliberation.partners.values_list("code", flat=True)) == ["GB", "US"]
    assert deliberation.decision == deliberation.question.decision


# --- What the outcome unlocks --------------------------------------------------------------------------------------


def _agreeable(cast, case, actor, slug="cyber-sanctions-listing"):
    measure = measure_services.measure_propose(
        by=cast["eeas"], case=case, measure_type=MeasureType.objects.get(slug=slug), description="…", actors=[actor] if actor else []
    )
    if measure.escalation_warning:
        measure_services.measure_override_escalation(by=cast["chair"], measure=measure, justification="Third campaign.")
    return measure_services.measure_transition(by=cast["chair"], measure=measure, transition="select").measure


def _agree(cast, measure, decision):
    return measure_services.measure_transition(by=cast["chair"], measure=measure, transition="agree", decision=decision).measure


def test_a_national_attribution_is_not_an_eu_attribution(cast, case, actors):
    quill, _ = actors
    claim(cast, case, quill, basis=Basis.NATIONAL, by="delegate", member_state=state("DE"), claim_type=ClaimType.POLITICAL, public=True)
    claim(cast, case, quill, basis=Basis.NATIONAL, by="other_delegate", member_state=state("FR"), claim_type=ClaimType.POLITICAL)
    listing = _agreeable(cast, case, quill)
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Listing.")
    with pytest.raises(TransitionGuardFailed) as blocked:
        _agree(cast, listing, decision)
    assert "coordinated political attribution at EU level covering Silent Quill" in blocked.value.reasons[0]
    assert not AttributionDeliberation.objects.filter(case=case).exists()


def test_the_outcome_unlocks_exactly_the_measures_requiring_attribution_for_the_attributed_actor(cast, case, actors):
    quill, heron = actors
    claim(cast, case, heron)  # a claim on Amber Heron too, but the Council attributes only to Silent Quill
    for_quill, for_heron = _agreeable(cast, case, quill), _agreeable(cast, case, heron)
    state_level = _agreeable(cast, case, quill, slug="sectoral-sanctions")
    no_attribution_needed = _agreeable(cast, case, heron, slug="demarche")
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Measures.")
    for measure in (for_quill, for_heron, state_level):
        with pytest.raises(TransitionGuardFailed):
            _agree(cast, measure, decision)
    attribute(cast, case, [quill])
    assert _agree(cast, for_quill, decision).state == MeasureState.AGREED
    with pytest.raises(TransitionGuardFailed) as blocked:
        _agree(cast, for_heron, decision)
    assert "Amber Heron" in blocked.value.reasons[0]
    with pytest.raises(TransitionGuardFailed) as blocked:  # the outcome named no State
        _agree(cast, state_level, decision)
    assert "attribution to a State" in blocked.value.reasons[0]
    assert _agree(cast, no_attribution_needed, decision).state == MeasureState.AGREED


def test_a_private_attribution_is_an_attribution_no_attribution_is_not(cast, open_case, actors):
    quill, _ = actors
    private_case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    attribute(cast, private_case, [quill], outcome="private_communication", state="Fictional State")
    decision = hr_act_record(by=cast["eeas"], case=private_case, explanation="Sectoral sanctions.")
    assert _agree(cast, _agreeable(cast, private_case, quill, slug="sectoral-sanctions"), decision).state == MeasureState.AGREED
    refused_case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    deliberation = referred(cast, refused_case, [quill])
    decide(cast, deliberation, value=PositionValue.OBJECTION)
    services.deliberation_conclude(by=cast["chair"], deliberation=deliberation, outcome="no_attribution")
    decision = hr_act_record(by=cast["eeas"], case=refused_case, explanation="Listing.")
    with pytest.raises(TransitionGuardFailed):
        _agree(cast, _agreeable(cast, refused_case, quill), decision)


# --- Statements ----------------------------------------------------------------------------------------------


def _statement(cast, case, kind="hr_declaration", **extra):
    return services.statement_create(
        by=cast["eeas"],
        case=case,
        title="Declaration by the High Representative on behalf of the EU",
        statement_type=kind,
        content={"text": "The EU strongly condemns.\n\nThe EU calls upon."},
        **extra,
    )


def test_statements_reuse_the_notes_versioning(cast, case):
    statement = _statement(cast, case)
    kind = kinds.kind_of(statement)
    assert kind.name == "statement" and kind.version_model is StatementVersion
    statement = drafts.note_save(
        by=cast["eeas"],
        note=statement,
        title=statement.title,
        content={"text": "The EU firmly condemns.\n\nThe EU calls upon.\n\nThe EU will continue."},
    )
    versions = drafts.note_versions(statement)
    assert [v.number for v in versions] == [1, 2] and statement.version == 2
    rows = {row["anchor"]: row for row in compare(versions[0].content, versions[1].content, "statement")}
    assert "<del>strongly</del>" in rows["para-1"]["old"] and "<ins>firmly</ins>" in rows["para-1"]["new"]
    assert not rows["para-2"]["changed"] and rows["para-3"]["changed"]
    with pytest.raises(PermissionDenied):  # comments open once circulated
        drafts.note_comment(by=cast["delegate"], note=statement, anchor="para-1", text="Prefer “strongly”.")
    statement = drafts.note_transition(by=cast["eeas"], note=statement, transition="circulate")
    comment = drafts.note_comment(by=cast["delegate"], note=statement, anchor="para-1", text="Prefer “strongly”.")
    assert comment.version_number == 2 and statement.comments.count() == 1
    with pytest.raises(ValidationError):
        drafts.note_comment(by=cast["delegate"], note=statement, anchor="para-9", text="No such paragraph.")
    with pytest.raises(ValidationError):
        drafts.note_save(by=cast["eeas"], note=statement, title="x", content={"text": "  "})
    with pytest.raises(PermissionDenied):
        drafts.note_save(by=cast["delegate"], note=statement, title="x", content={"text": "Mine."})
    assert list(statement.transitions.values_list("transition", flat=True)) == ["create", "circulate"]


def test_publication_needs_the_councils_agreement_for_a_declaration(cast, case):
    declaration = drafts.note_transition(by=cast["eeas"], note=_statement(cast, case), transition="submit")
    with pytest.raises(ValidationError) as error:
        drafts.note_transition(by=cast["eeas"], note=declaration, transition="publish", on=TODAY)
    assert "decision" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        drafts.note_transition(by=cast["delegate"], note=declaration, transition="publish")
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Text agreed.")
    with pytest.raises(ValidationError) as error:
        drafts.note_transition(by=cast["eeas"], note=declaration, transition="publish", decision=decision)
    assert "on" in error.value.message_dict
    declaration = drafts.note_transition(by=cast["eeas"], note=declaration, transition="publish", decision=decision, on=TODAY)
    assert declaration.status == StatementStatus.PUBLISHED and declaration.published_on == TODAY
    spokesperson = drafts.note_transition(by=cast["eeas"], note=_statement(cast, case, kind="spokesperson"), transition="submit")
    assert (
        drafts.note_transition(by=cast["secretariat"], note=spokesperson, transition="publish", on=TODAY).status
        == StatementStatus.PUBLISHED
    )
    with pytest.raises(TransitionConflict):
        drafts.note_transition(by=cast["eeas"], note=_statement(cast, case), transition="publish", decision=decision)
    with pytest.raises(ValidationError):
        _statement(cast, case, kind="joint")  # a joint statement names its partners


def _published(cast, case):
    statement = drafts.note_transition(by=cast["eeas"], note=_statement(cast, case), transition="submit")
    return drafts.note_transition(
        by=cast["eeas"],
        note=statement,
        transition="publish",
        on=TODAY,
        decision=hr_act_record(by=cast["eeas"], case=case, explanation="Agreed."),
    )


def test_alignment_only_from_candidate_and_associated_countries(cast, case):
    draft = _statement(cast, case)
    with pytest.raises(ValidationError):
        services.alignment_record(by=cast["eeas"], statement=draft, country=Organisation.objects.get(code="AL"))
    statement = _published(cast, case)
    for code in ("AL", "UA", "XK", "NO"):  # candidate, candidate, potential candidate, EEA/EFTA
        services.alignment_record(by=cast["eeas"], statement=statement, country=Organisation.objects.get(code=code), aligned_on=TODAY)
    for code in ("GB", "US", "NATO", "DE"):  # a partner, a partner, an organisation, a Member State's delegation
        with pytest.raises(ValidationError) as error:
            services.alignment_record(by=cast["eeas"], statement=statement, country=Organisation.objects.get(code=code))
        assert "country" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.alignment_record(by=cast["eeas"], statement=statement, country=Organisation.objects.get(code="AL"))  # twice
    with pytest.raises(PermissionDenied):
        services.alignment_record(by=cast["delegate"], statement=statement, country=Organisation.objects.get(code="ME"))
    assert sorted(Statement.objects.get(pk=statement.pk).alignments.values_list("country__code", flat=True)) == ["AL", "NO", "UA", "XK"]


# --- Communication plans ----------------------------------------------------------------------------------------


def _plan(cast, case, **extra):
    fields = dict(
        title="Communication on the wiper campaign",
        objectives="Deter; reassure operators.",
        audiences=["General public"],
        channels=["statement", "social_media"],
        eu_delegations=["EU Delegation to the United States"],
    )
    fields.update(extra)
    return services.plan_create(by=cast["eeas"], case=case, **fields)


def test_a_communication_plan_and_its_checks(cast, case, open_case):
    measure = _agreeable(cast, case, None, slug="demarche")
    statement = _statement(cast, case)
    plan = _plan(
        cast,
        case,
        measures=[measure],
        statement=statement,
        partners=[Organisation.objects.get(code="GB")],
        embargo_until=datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC),
        lines_to_take="The EU stands united.",
    )
    assert plan.status == PlanStatus.DRAFT and list(plan.measures.all()) == [measure] and plan.statement == statement
    with pytest.raises(ValidationError) as error:
        _plan(cast, case, channels=["carrier pigeon"])
    assert "channels" in error.value.message_dict
    other = walk_to(open_case(), CaseState.DELIBERATION, cast)
    with pytest.raises(ValidationError) as error:
        _plan(cast, other, measures=[measure])
    assert "measures" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.plan_create(by=cast["delegate"], case=case, title="x", objectives="y")
    plan = services.plan_update(by=cast["eeas"], plan=plan, timing="On the day of the declaration.")
    assert plan.timing == "On the day of the declaration." and plan.channels == ["statement", "social_media"]


# (transition, status before, allowed, refused)
PLAN_STEPS = [
    ("agree", PlanStatus.DRAFT, ["chair", "secretariat"], ["eeas", "delegate"]),
    ("execute", PlanStatus.AGREED, ["eeas"], ["chair", "delegate"]),
    ("complete", PlanStatus.IN_EXECUTION, ["eeas"], ["secretariat", "delegate"]),
]


@pytest.mark.parametrize("transition, before, allowed, refused", PLAN_STEPS, ids=[step[0] for step in PLAN_STEPS])
def test_plan_lifecycle_allowed_and_forbidden(cast, case, transition, before, allowed, refused):
    path = {
        PlanStatus.DRAFT: [],
        PlanStatus.AGREED: [("agree", "chair")],
        PlanStatus.IN_EXECUTION: [("agree", "chair"), ("execute", "eeas")],
    }
    for who in refused:
        plan = _plan(cast, case)
        for step, actor in path[before]:
            plan = services.plan_transition(by=cast[actor], plan=plan, transition=step)
        with pytest.raises(PermissionDenied):
            services.plan_transition(by=cast[who], plan=plan, transition=transition)
    for who in allowed:
        plan = _plan(cast, case)
        for step, actor in path[before]:
            plan = services.plan_transition(by=cast[actor], plan=plan, transition=step)
        plan = services.plan_transition(by=cast[who], plan=plan, transition=transition)
        assert plan.transitions.last().transition == transition
    with pytest.raises(TransitionConflict):
        services.plan_transition(by=cast[allowed[0]], plan=plan, transition=transition)


def test_delegates_commit_their_own_state_to_amplify(cast, case):
    plan = _plan(cast, case)
    services.plan_commit(by=cast["delegate"], plan=plan, member_state=state("DE"))
    with pytest.raises(PermissionDenied):
        services.plan_commit(by=cast["delegate"], plan=plan, member_state=state("FR"))
    with pytest.raises(PermissionDenied):
        services.plan_commit(by=cast["eeas"], plan=plan, member_state=state("FR"))
    assert list(plan.amplifying_states.values_list("code", flat=True)) == ["DE"]
