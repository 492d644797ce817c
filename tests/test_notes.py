"""Options notes and strategic response notes: versions, comparison,
comments (delegates with access only), submission and the
open_deliberation guard, revision superseding, Council approval."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import cdt.workflow.errors as workflow_errors
from cases import services as case_services
from cases.models import CaseState
from cdt.security.markings import Classification, Tlp
from council.services import hr_act_record
from drafting import services as drafts
from drafting.choices import NoteStatus
from drafting.compare import compare
from measures import services
from measures.models import OptionsNote

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

CONTENT = {
    "situation": "Wiper attack on two grid operators.",
    "assessment_refs": [],
    "options": [{"measure_type": "demarche", "rationale": "First step.", "risks": "Denial."}],
    "recommendation": "Option 1.",
}


@pytest.fixture
def exploring(cast, open_case):
    return walk_to(open_case(), CaseState.EXPLORATION, cast)


def new_note(cast, case, content=CONTENT):
    return services.options_note_create(by=cast["eeas"], case=case, title="Options note", content=content)


def test_every_save_is_a_version_and_two_versions_compare_with_changes_highlighted(cast, exploring):
    note = new_note(cast, exploring)
    second = {**CONTENT, "recommendation": "Option 1, then a statement <b>if</b> it continues."}
    note = drafts.note_save(by=cast["eeas"], note=note, title="Options note", content=second)
    versions = drafts.note_versions(note)
    assert [v.number for v in versions] == [1, 2] and versions[0].content["recommendation"] == "Option 1."
    rows = {row["anchor"]: row for row in compare(versions[0].content, versions[1].content, "options")}
    assert not rows["situation"]["changed"] and rows["recommendation"]["changed"]
    assert "<ins>" in rows["recommendation"]["new"] and "&lt;b&gt;if&lt;/b&gt;" in rows["recommendation"]["new"]
    assert rows["recommendation"]["old"] == "Option <del>1.</del>"


def test_content_is_validated_with_the_path_of_the_error(cast, exploring):
    bad = {**CONTENT, "options": [{"measure_type": "nuclear-option"}]}
    with pytest.raises(ValidationError) as invalid:
        new_note(cast, exploring, bad)
    assert "options[0].measure_type" in str(invalid.value)
    assert OptionsNote.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.options_note_create(by=cast["delegate"], case=exploring, title="x", content=CONTENT)


def test_only_delegates_with_access_comment_and_only_once_circulated(cast, exploring):
    note = new_note(cast, exploring)
    with pytest.raises(PermissionDenied):
        drafts.note_comment(by=cast["delegate"], note=note, anchor="option-1", text="Too early.")
    note = drafts.note_transition(by=cast["eeas"], note=note, transition="circulate")
    comment = drafts.note_comment(by=cast["delegate"], note=note, anchor="option-1", text="Germany supports.")
    assert comment.version_number == 1
    with pytest.raises(PermissionDenied):
        drafts.note_comment(by=cast["siac"], note=note, anchor="option-1", text="Not a delegate.")
    with pytest.raises(ValidationError):
        drafts.note_comment(by=cast["delegate"], note=note, anchor="option-9", text="No such option.")


def test_submitting_opens_deliberations_and_a_revision_supersedes(cast, exploring):
    note = new_note(cast, exploring)
    with pytest.raises(workflow_errors.TransitionGuardFailed) as blocked:
        case_services.case_transition(case=exploring, by=cast["chair"], transition="open_deliberation")
    assert "No options note" in blocked.value.reasons[0]
    with pytest.raises(PermissionDenied):
        drafts.note_transition(by=cast["delegate"], note=note, transition="submit")
    note = drafts.note_transition(by=cast["eeas"], note=note, transition="submit")
    with pytest.raises(ValidationError):
        drafts.note_save(by=cast["eeas"], note=note, title="x", content=CONTENT)
    assert (
        case_services.case_transition(case=exploring, by=cast["chair"], transition="open_deliberation").case.state == CaseState.DELIBERATION
    )
    revision = services.options_note_revise(by=cast["eeas"], note=note)
    assert revision.version == 2 and revision.status == NoteStatus.DRAFT
    revision = drafts.note_save(by=cast["eeas"], note=revision, title="Options note", content={**CONTENT, "recommendation": "Both."})
    assert [v.number for v in drafts.note_versions(revision)] == [1, 2, 3]
    drafts.note_transition(by=cast["eeas"], note=revision, transition="submit")
    assert OptionsNote.objects.get(pk=note.pk).status == NoteStatus.SUPERSEDED
    with pytest.raises(workflow_errors.TransitionConflict):
        drafts.note_transition(by=cast["eeas"], note=revision, transition="circulate")


def test_strategic_response_note_per_actor_approved_through_a_decision(cast, open_case):
    from awareness.models import ThreatActor
    from cdt.security.access import can_view

    actor = ThreatActor.objects.create(name="Silent Quill", persistent=True)
    case = walk_to(open_case(suspected_actors=[actor]), CaseState.EXPLORATION, cast)
    content = {
        "short_term_effects": "Disrupt.",
        "measures": [{"measure_type": "demarche", "mode": "sequence", "trigger": "Now.", "escalation_level": 2}],
    }
    note = services.strategic_note_create(
        by=cast["eeas"],
        actor=actor,
        title="SRN: Silent Quill",
        content=content,
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
    )
    # Distributed to HWPCI by default: every delegation, SIAC and the EEAS (docs/decisions/0022).
    assert note.distribution == "hwpci" and can_view(cast["delegate"], note) and can_view(cast["siac"], note)
    with pytest.raises(ValidationError):
        services.strategic_note_create(
            by=cast["eeas"],
            actor=actor,
            title="Again",
            content=content,
            classification=Classification.RESTREINT_UE,
            limite=True,
            tlp=Tlp.AMBER,
        )
    with pytest.raises(ValidationError) as invalid:
        drafts.note_save(
            by=cast["eeas"],
            note=note,
            title="x",
            content={"measures": [{"measure_type": "demarche", "mode": "sideways", "escalation_level": 11}]},
        )
    assert "measures[0].mode" in str(invalid.value) and "measures[0].escalation_level" in str(invalid.value)
    note = drafts.note_transition(by=cast["eeas"], note=note, transition="submit")
    # A submitted strategic note on the case's actor opens deliberations too.
    assert case_services.case_transition(case=case, by=cast["chair"], transition="open_deliberation").case.state == CaseState.DELIBERATION
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Council approves the strategy.")
    with pytest.raises(PermissionDenied):
        drafts.note_transition(by=cast["eeas"], note=note, transition="approve", decision=decision)
    note = drafts.note_transition(by=cast["chair"], note=note, transition="approve", decision=decision)
    assert note.status == NoteStatus.APPROVED and note.approval == decision
