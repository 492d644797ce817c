"""The drafting app: every kind of draft (options note, strategic response
note, statement) takes its steps through the workflow engine — allowed for
its role, refused for another, each step one log row in the kind's own log
and one audit entry — superseding is the system's step alone, a kind's
derived parts are what its declaration implies, and the migration that gave
each note its own log keeps every row."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from attribution import services as attribution_services
from attribution.models import StatementTransition
from awareness.models import ThreatActor
from cases.models import CaseState
from cdt.security.markings import Classification, Tlp
from cdt.security.models import AuditEntry
from cdt.workflow import TransitionConflict
from council.services import hr_act_record
from drafting import kinds
from drafting import services as drafts
from drafting.choices import NoteStatus
from measures import services as measure_services
from measures.models import OptionsNote, OptionsNoteTransition, StrategicNoteTransition
from notifications.models import Event, EventKind

from .cases_support import walk_to

pytestmark = pytest.mark.django_db

OPTIONS = {"situation": "Wiper attack.", "options": [{"measure_type": "demarche", "rationale": "First."}], "recommendation": "Option 1."}


@pytest.fixture
def world(cast, open_case):
    actor = ThreatActor.objects.create(name="Silent Quill", persistent=True)
    case = walk_to(open_case(suspected_actors=[actor]), CaseState.EXPLORATION, cast)
    return {"case": case, "actor": actor, "decision": hr_act_record(by=cast["eeas"], case=case, explanation="Adopted.")}


def new_draft(kind, cast, world):
    eeas = cast["eeas"]
    if kind == "options":
        return measure_services.options_note_create(by=eeas, case=world["case"], title="Options note", content=OPTIONS)
    if kind == "strategic":
        return measure_services.strategic_note_create(
            by=eeas,
            actor=world["actor"],
            title="SRN",
            content={"short_term_effects": "Disrupt."},
            classification=Classification.RESTREINT_UE,
            limite=True,
            tlp=Tlp.AMBER,
        )
    return attribution_services.statement_create(
        by=eeas, case=world["case"], title="Statement", statement_type="hr_declaration", content={"text": "The EU condemns."}
    )


# kind, transition, steps before it (by the EEAS), who may, who may not, input, target, event
TABLE = [
    ("options", "circulate", (), "eeas", "delegate", {}, "circulated", EventKind.NOTE_CIRCULATED),
    ("options", "submit", ("circulate",), "eeas", "chair", {}, "submitted", EventKind.NOTE_SUBMITTED),
    ("strategic", "circulate", (), "eeas", "secretariat", {}, "circulated", EventKind.NOTE_CIRCULATED),
    ("strategic", "submit", (), "eeas", "delegate", {}, "submitted", EventKind.NOTE_SUBMITTED),
    ("strategic", "approve", ("submit",), "chair", "eeas", {"decision": "decision"}, "approved", EventKind.WORKFLOW_STEP),
    ("statement", "circulate", (), "eeas", "delegate", {}, "circulated", EventKind.NOTE_CIRCULATED),
    ("statement", "submit", ("circulate",), "eeas", "siac", {}, "submitted", EventKind.NOTE_SUBMITTED),
    (
        "statement",
        "publish",
        ("submit",),
        "secretariat",
        "delegate",
        {"decision": "decision", "on": "on"},
        "published",
        EventKind.WORKFLOW_STEP,
    ),
]
IDS = [f"{row[0]}-{row[1]}" for row in TABLE]


def prepared(cast, world, kind, before, given):
    note = new_draft(kind, cast, world)
    for step in before:
        note = drafts.note_transition(by=cast["eeas"], note=note, transition=step)
    values = {"decision": world["decision"], "on": timezone.localdate()}
    return note, {name: values[value] for name, value in given.items()}


def audited(note, transition):
    return AuditEntry.objects.filter(
        action=AuditEntry.Action.TRANSITION,
        object_type=note._meta.label_lower,
        object_id=str(note.pk),
        details__transition=transition,
    )


@pytest.mark.parametrize(("kind", "transition", "before", "allowed", "refused", "given", "target", "event"), TABLE, ids=IDS)
def test_a_step_is_taken_by_its_role_logged_once_audited_once(
    cast, world, kind, transition, before, allowed, refused, given, target, event
):
    note, given = prepared(cast, world, kind, before, given)
    source, logs = note.status, note.transitions.count()
    note = drafts.note_transition(by=cast[allowed], note=note, transition=transition, **given)
    assert note.status == target and type(note).objects.get(pk=note.pk).status == target
    assert note.transitions.count() == logs + 1
    log = note.transitions.latest("id")
    assert (log.transition, log.source, log.target, log.by) == (transition, source, target, cast[allowed])
    assert audited(note, transition).count() == 1
    assert audited(note, transition).get().details == {"transition": transition, "from": source, "to": target, "log": log.pk}
    subject = {"subject_type": ContentType.objects.get_for_model(note), "subject_id": note.pk}
    assert Event.objects.filter(kind=event, **subject, payload__transition=transition).count() == 1


@pytest.mark.parametrize(("kind", "transition", "before", "allowed", "refused", "given", "target", "event"), TABLE, ids=IDS)
def test_a_step_is_refused_to_another_role_and_leaves_no_trace(
    cast, world, kind, transition, before, allowed, refused, given, target, event
):
    note, given = prepared(cast, world, kind, before, given)
    source, logs = note.status, note.transitions.count()
    with pytest.raises(PermissionDenied):
        drafts.note_transition(by=cast[refused], note=note, transition=transition, **given)
    assert type(note).objects.get(pk=note.pk).status == source
    assert note.transitions.count() == logs and not audited(note, transition).exists()


def test_superseding_is_the_systems_step_when_a_revision_is_submitted(cast, world):
    note = drafts.note_transition(by=cast["eeas"], note=new_draft("options", cast, world), transition="submit")
    with pytest.raises(ValueError):  # no one takes it by hand, not even the drafter
        drafts.note_transition(by=cast["eeas"], note=note, transition="supersede")
    revision = measure_services.options_note_revise(by=cast["eeas"], note=note)
    assert list(revision.transitions.values_list("transition", flat=True)) == ["revise"]
    drafts.note_transition(by=cast["eeas"], note=revision, transition="submit")
    older = OptionsNote.objects.get(pk=note.pk)
    assert older.status == NoteStatus.SUPERSEDED
    log = older.transitions.latest("id")
    assert (log.transition, log.source, log.target, log.by) == ("supersede", "submitted", "superseded", cast["eeas"])
    assert audited(older, "supersede").count() == 1
    subject = {"subject_type": ContentType.objects.get_for_model(older), "subject_id": older.pk}
    assert not Event.objects.filter(**subject, payload__transition="supersede").exists()  # the submission has its event


def test_what_a_kind_does_not_declare_is_derived(cast, world):
    options, strategic = kinds.kind_named("options"), kinds.kind_named("strategic")
    statement = kinds.kind_named("statement")
    assert (options.log_model, strategic.log_model, statement.log_model) == (
        OptionsNoteTransition,
        StrategicNoteTransition,
        StatementTransition,
    )
    note = new_draft("strategic", cast, world)
    assert strategic.url(note) == f"/measures/strategic-notes/{note.pk}/"
    assert strategic.url(note, "edit") == f"/measures/strategic-notes/{note.pk}/edit/"
    assert strategic.pdf_url(note) == f"/api/v1/strategic-response-notes/{note.pk}/pdf/"
    assert strategic.heading_template == "measures/includes/strategic_heading.html"
    assert strategic.extra_template == "measures/includes/strategic_extra.html"
    assert options.extra_template == "" and statement.extra_template == "attribution/includes/statement_extra.html"


def test_the_approval_form_asks_for_the_decision_and_no_date(cast, world, signed_in):
    """The step's form shows the input its declaration ``needs``: approving
    a strategic note needs a decision (the page once asked for a date too)."""
    note = drafts.note_transition(by=cast["eeas"], note=new_draft("strategic", cast, world), transition="submit")
    form = signed_in["chair"].get(f"/measures/strategic-notes/{note.pk}/").content.decode().split(f"/{note.pk}/approve/")[1]
    form = form.split("</form>")[0]
    assert 'name="decision" required' in form and 'name="on"' not in form


@pytest.mark.django_db(transaction=True)
def test_the_note_logs_migrate_to_one_table_per_note_and_back_keeping_every_row(cast, world):
    """Migration measures 0007 copied the one log of both notes (a nullable
    key per note type) into a log per note, in order and with its times."""
    note = new_draft("options", cast, world)
    note = drafts.note_transition(by=cast["eeas"], note=note, transition="circulate")
    strategic = drafts.note_transition(by=cast["eeas"], note=new_draft("strategic", cast, world), transition="submit")
    fields = ("note_id", "transition", "source", "target", "by_id", "at")
    before = {
        model: list(model.objects.order_by("at", "id").values_list(*fields)) for model in (OptionsNoteTransition, StrategicNoteTransition)
    }
    assert len(before[OptionsNoteTransition]) == 2 and len(before[StrategicNoteTransition]) == 2
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    old = [("measures", "0006_measure_transition_record_shape")]
    try:
        executor.migrate(old)
        rows = MigrationExecutor(connection).loader.project_state(old).apps.get_model("measures", "NoteTransition").objects
        assert (
            list(rows.filter(options_note=note.pk).order_by("at", "id").values_list("options_note_id", *fields[1:]))
            == before[OptionsNoteTransition]
        )
        assert (
            list(rows.filter(strategic_note=strategic.pk).order_by("at", "id").values_list("strategic_note_id", *fields[1:]))
            == before[StrategicNoteTransition]
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    after = {
        model: list(model.objects.order_by("at", "id").values_list(*fields)) for model in (OptionsNoteTransition, StrategicNoteTransition)
    }
    assert after == before


def test_a_statement_is_not_published_in_the_future_and_answers_in_words(cast, world):
    """The shared input checks hold for drafts too (a date not in the
    future), and a refusal names the step by its label, not its key."""
    statement, given = prepared(cast, world, "statement", ("submit",), {"decision": "decision", "on": "on"})
    with pytest.raises(ValidationError) as future:
        drafts.note_transition(by=cast["secretariat"], note=statement, transition="publish", **{**given, "on": datetime.date(2099, 1, 1)})
    assert "on" in future.value.message_dict
    assert type(statement).objects.get(pk=statement.pk).status == "submitted"
    with pytest.raises(TransitionConflict) as conflict:
        drafts.note_transition(by=cast["eeas"], note=statement, transition="circulate")
    assert "circulate" not in str(conflict.value) and "Circulate for comments" in str(conflict.value)
