"""Writes on measures: proposing a measure on a case, its lifecycle, the
chair's override of an escalation warning, listings, impact evaluations,
and starting the two notes (the drafting app writes the rest of their life)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awareness.models import ThreatActor
from cases.models import Case
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.directory.models import Organisation
from cdt.security.access import classification_check, visible_to
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Distribution
from cdt.workflow import transition_run
from cdt.workflow.errors import Conflict, TransitionGuardFailed
from drafting.choices import NoteStatus
from drafting.permissions import may_draft_note
from drafting.services import note_start
from notifications.deadlines import deadline_done, deadline_set, end_of_day
from notifications.models import DeadlineKind

from . import checks, notes, permissions
from .choices import MeasureState
from .models import (
    ImpactEvaluation,
    ListedPerson,
    MeasureTransition,
    MeasureType,
    OptionsNote,
    ResponseMeasure,
    RestrictiveListing,
    StrategicResponseNote,
)


def _visible_case(case: Case, by) -> None:
    if not visible_to(Case.objects.filter(pk=case.pk), by).exists():
        raise ValidationError({"case": _("No such case.")})


def _proposed_on_check(case: Case, proposed_on: datetime.date) -> None:
    if proposed_on > timezone.localdate():
        raise ValidationError({"proposed_on": _("The date cannot be in the future.")})
    if proposed_on < case.brought_on:
        raise ValidationError(
            {"proposed_on": _("The case was brought on %(date)s: a measure on it was not proposed before.") % {"date": case.brought_on}}
        )


def measure_propose(
    *,
    by,
    case: Case,
    measure_type: MeasureType,
    description: str,
    rationale: str = "",
    actors: Iterable[ThreatActor] = (),
    proposed_on: datetime.date | None = None,
    classification: int | None = None,
    listing: dict | None = None,
) -> ResponseMeasure:
    """Propose a measure on a case, concerning any number of actors (a
    listing names persons linked to several). ``proposed_on``: when it was
    proposed, for the record of a past measure (today by default; not in the
    future, not before the case was brought); ``proposed_at`` stays when it
    was recorded. The escalation check runs now and its warning is stored
    with the measure for everyone to see; the attribution check is shown
    too, and enforced at agreement. ``listing``: a restrictive measure's
    listing (:func:`listing_set`'s arguments), recorded with it or neither."""
    _visible_case(case, by)
    if not permissions.may_propose(case, by):
        raise PermissionDenied(_("Delegates and the EEAS propose measures."))
    if not measure_type.active:
        raise ValidationError({"measure_type": _("This measure is no longer in the catalogue.")})
    if not case.is_open:
        raise ValidationError({"case": _("The case is closed.")})
    proposed_on = proposed_on or timezone.localdate()
    _proposed_on_check(case, proposed_on)
    with transaction.atomic():
        measure = ResponseMeasure(
            case=case,
            measure_type=measure_type,
            description=description,
            rationale=rationale,
            proposed_by=by,
            proposed_on=proposed_on,
            classification=case.classification if classification is None else classification,
            escalation_warning=checks.escalation_warning(case, measure_type),
        )
        measure.full_clean(exclude=["state"])  # the state is the machine's (and protected)
        measure._history_user = by
        measure.save()
        measure.actors.set(list(dict.fromkeys(actors)))
        MeasureTransition.objects.create(
            measure=measure, transition="propose", source=MeasureState.PROPOSED, target=MeasureState.PROPOSED, by=by, on=measure.proposed_on
        )
        if listing is not None:
            try:
                listing_set(by=by, measure=measure, **listing)
            except ValidationError as error:
                raise ValidationError(
                    {
                        "listing" if name in ("measure", NON_FIELD_ERRORS) else f"listing.{name}": messages
                        for name, messages in error.message_dict.items()
                    }
                ) from None
    return measure


def measure_override_escalation(*, by, measure: ResponseMeasure, justification: str) -> ResponseMeasure:
    """The chair goes beyond the escalation warning, with a recorded justification."""
    if not permissions.may_override_escalation(measure, by):
        raise PermissionDenied(_("Only the chair may override an escalation warning."))
    if not measure.escalation_warning:
        raise ValidationError({"justification": _("This measure has no escalation warning to override.")})
    if not (justification or "").strip():
        raise ValidationError({"justification": _("Give the justification for going beyond the warning.")})
    with transaction.atomic():
        measure = ResponseMeasure.objects.select_for_update().get(pk=measure.pk)
        measure.override_justification, measure.overridden_by = justification.strip(), by
        measure._history_user = by
        measure.save(update_fields=["override_justification", "overridden_by"])
    return measure


@dataclass
class MeasureOutcome:
    measure: ResponseMeasure
    log: MeasureTransition


def measure_transition(
    *,
    by,
    measure: ResponseMeasure,
    transition: str,
    reason: str = "",
    decision=None,
    implementing_actor: Organisation | None = None,
    on: datetime.date | None = None,
) -> MeasureOutcome:
    """One step of a measure's lifecycle, through the workflow engine
    (:func:`cdt.workflow.transition_run` with ``measures.workflows.MeasureWorkflow``):
    404, 409 from the wrong state, 403 for the wrong person, 400 for a failed
    guard (escalation without override; attribution missing) or missing
    input; else locked, logged, audited, with its event."""
    outcome = transition_run(
        obj=measure, transition=transition, by=by, reason=reason, decision=decision, implementing_actor=implementing_actor, on=on
    )
    return MeasureOutcome(measure=outcome.obj, log=outcome.log)


class RecordStepFailed(Exception):
    """A step of :func:`measure_record` failed: which one (from 0) and the
    error it raised, answered as that step alone would be."""

    def __init__(self, index: int, error: Exception):
        super().__init__(f"step {index}: {error}")
        self.index, self.error = index, error


def measure_record(*, by, measure: ResponseMeasure, steps: Sequence[dict]) -> MeasureOutcome:
    """Record a lifecycle that was one act in reality (selected, agreed,
    implemented the same day) as one write: each step through
    :func:`measure_transition` (the engine: the same checks, log row, audit
    entry and event as one by one), all in one transaction. A step that
    fails undoes the steps before it and raises :class:`RecordStepFailed`
    naming it. Each step is a dict: ``transition`` and the step's input."""
    if not steps:
        raise ValidationError({"steps": _("Name at least one step.")})
    outcome = None
    with transaction.atomic():
        for index, step in enumerate(steps):
            given = dict(step)
            transition = given.pop("transition")
            try:
                try:
                    outcome = measure_transition(by=by, measure=measure, transition=transition, **given)
                except ValueError:  # not a step of the machine (or one only the system takes)
                    raise ValidationError({"transition": _("No such step.")}) from None
            except (ValidationError, PermissionDenied, Conflict, TransitionGuardFailed, Http404) as error:
                raise RecordStepFailed(index, error) from error
            measure = outcome.measure
    assert outcome is not None
    return outcome


def evaluations_schedule(*, measure: ResponseMeasure) -> list[ImpactEvaluation]:
    """Evaluations due ``CDT_EVALUATION_MONTHS`` after implementation and,
    for a listing, ``CDT_EVALUATION_DAYS_BEFORE_RENEWAL`` before its renewal
    and review dates. Idempotent: existing due dates are kept."""
    wanted = []
    if measure.implemented_on:
        for months in settings.CDT_EVALUATION_MONTHS:
            wanted.append((ImpactEvaluation.Occasion.INTERVAL, months, measure.implemented_on + relativedelta(months=months)))
    listing = RestrictiveListing.objects.filter(measure=measure).first()
    if listing is not None:
        before = datetime.timedelta(days=settings.CDT_EVALUATION_DAYS_BEFORE_RENEWAL)
        for date in {listing.renewal_on, listing.review_on} - {None}:
            wanted.append((ImpactEvaluation.Occasion.RENEWAL, None, date - before))
    existing = set(measure.evaluations.values_list("occasion", "due_on"))
    created = [
        ImpactEvaluation.objects.create(
            case=measure.case, measure=measure, occasion=occasion, months_after=months, due_on=due_on, classification=measure.classification
        )
        for occasion, months, due_on in wanted
        if (occasion, due_on) not in existing
    ]
    for evaluation in created:
        deadline_set(
            kind=DeadlineKind.EVALUATION,
            subject=evaluation,
            due_at=end_of_day(evaluation.due_on),
            link=reverse("evaluation-page", args=[evaluation.pk]),
        )
    return created


def listing_set(
    *,
    by,
    measure: ResponseMeasure,
    council_decision: str = "",
    council_regulation: str = "",
    review_on: datetime.date | None = None,
    renewal_on: datetime.date | None = None,
    entries: list[dict] = (),
) -> RestrictiveListing:
    """Record (or replace) the listing of a restrictive measure: its legal
    acts, dates and listed persons and entities, all at once."""
    if not measure.measure_type.restrictive:
        raise ValidationError({"measure": _("Only restrictive measures carry a listing.")})
    if not permissions.may_record_agreement(measure, by):
        raise PermissionDenied(_("The chair or the secretariat records listings."))
    if not entries:
        raise ValidationError({"entries": _("A listing names at least one person or entity.")})
    measure_actors = set(measure.actors.values_list("pk", flat=True))
    people = []
    for index, entry in enumerate(entries):
        fields = dict(entry)
        linked = list(dict.fromkeys(fields.pop("actors", ())))
        person = ListedPerson(**fields)
        try:
            person.full_clean(exclude=["listing"])
        except ValidationError as error:
            raise ValidationError({f"entries[{index}]": error.messages}) from None
        if any(actor.pk not in measure_actors for actor in linked):
            # The attribution the listing needs covers the measure's actors: a person linked to another would escape it.
            raise ValidationError({f"entries[{index}].actors": _("Name only actors the measure concerns (add them to the measure first).")})
        people.append((person, linked))
    with transaction.atomic():
        listing, _created = RestrictiveListing.objects.get_or_create(
            measure=measure, defaults={"case": measure.case, "classification": measure.classification}
        )
        listing.council_decision, listing.council_regulation = council_decision, council_regulation
        listing.review_on, listing.renewal_on = review_on, renewal_on
        listing._history_user = by
        listing.save()
        listing.entries.all().delete()
        for person, _linked in people:
            person.listing = listing
        ListedPerson.objects.bulk_create([person for person, _linked in people])
        ListedPerson.actors.through.objects.bulk_create(
            ListedPerson.actors.through(listedperson_id=person.pk, threatactor_id=actor.pk) for person, linked in people for actor in linked
        )
        if renewal_on is not None:
            deadline_set(
                kind=DeadlineKind.RENEWAL, subject=listing, due_at=end_of_day(renewal_on), link=reverse("measure-page", args=[measure.pk])
            )
        else:
            deadline_done(kind=DeadlineKind.RENEWAL, subject=listing)
        if measure.state == MeasureState.IMPLEMENTED:
            evaluations_schedule(measure=measure)
    return listing


def evaluation_record(
    *,
    by,
    evaluation: ImpactEvaluation,
    observed_change: str,
    effect: str,
    recommendation: str,
    indicators: str = "",
) -> ImpactEvaluation:
    """Record an evaluation (step 8): what changed in the actor's behaviour,
    the effect, and what to do next."""
    if not permissions.may_evaluate(evaluation.measure, by):
        raise PermissionDenied(_("The EEAS, SIAC and the chair evaluate measures."))
    with transaction.atomic():
        evaluation = ImpactEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.done or evaluation.cancelled:
            raise ValidationError({"evaluation": _("This evaluation is already recorded or cancelled.")})
        evaluation.observed_change, evaluation.indicators = observed_change, indicators
        evaluation.effect, evaluation.recommendation = effect, recommendation
        evaluation.evaluated_by, evaluation.evaluated_at = by, timezone.now()
        evaluation.full_clean()
        if not evaluation.effect or not evaluation.recommendation or not observed_change.strip():
            raise ValidationError(
                {
                    name: _("Required.")
                    for name, value in (
                        ("effect", effect),
                        ("recommendation", recommendation),
                        ("observed_change", observed_change.strip()),
                    )
                    if not value
                }
            )
        evaluation._history_user = by
        evaluation.save()
        deadline_done(kind=DeadlineKind.EVALUATION, subject=evaluation)
    return evaluation


# --- The two notes (the drafting app does the rest: versions, comments, lifecycle) ---------------


def options_note_create(*, by, case: Case, title: str, content: dict) -> OptionsNote:
    """The EEAS starts an options note on a case (version 1, draft)."""
    _visible_case(case, by)
    if not may_draft_note(None, by):
        raise PermissionDenied(_("The EEAS drafts options notes."))
    content = notes.options_content_clean(content, by)
    with transaction.atomic():
        note = OptionsNote(case=case, title=title, content=content, drafted_by=by, classification=case.classification)
        note.full_clean(exclude=["status"])
        note.save()
        note_start(by=by, note=note)
    return note


def _strategic_note_absent(by, actor) -> None:
    """One strategic note per actor: refuse if it exists. Its author (or
    anyone who may see it) is told to revise it; a drafter who may not see
    it is refused without its being named."""
    existing = StrategicResponseNote.objects.filter(actor=actor)
    if existing.exists():
        if visible_to(existing, by).exists():
            raise ValidationError({"actor": _("%(actor)s already has a strategic response note: revise it.") % {"actor": actor.name}})
        raise PermissionDenied(_("A strategic response note cannot be started on this actor from your account."))


def strategic_note_create(
    *,
    by,
    actor,
    title: str,
    content: dict,
    classification: int,
    limite: bool,
    tlp: int,
    releasable_to_all: bool = True,
    releasable_to=(),
    shared_with=(),
    shared_with_all_delegations: bool = True,
    review_on: datetime.date | None = None,
) -> StrategicResponseNote:
    """The EEAS starts the strategic response note for a persistent actor
    (one per actor). Need-to-know: the EEAS, the secretariat, named
    organisations and, by default, HWPCI (``shared_with_all_delegations``:
    the note is distributed to HWPCI, docs/decisions/0022)."""
    from django.contrib.auth.models import Group

    if not may_draft_note(None, by):
        raise PermissionDenied(_("The EEAS drafts strategic response notes."))
    classification_check(by, classification)
    _strategic_note_absent(by, actor)
    content = notes.strategic_content_clean(content, by)
    with transaction.atomic():
        note = StrategicResponseNote(
            actor=actor,
            title=title,
            content=content,
            drafted_by=by,
            classification=classification,
            limite=limite,
            tlp=tlp,
            releasable_to_all=releasable_to_all,
            originator=by.organisation,
            review_on=review_on,
            distribution=Distribution.HWPCI if shared_with_all_delegations else Distribution.RESTRICTED,
        )
        note.full_clean(exclude=["status"], validate_unique=False)  # one per actor: _strategic_note_absent says it
        try:
            with transaction.atomic():
                note.save()
        except IntegrityError:  # another drafter started the actor's note since the check above: the same refusal
            _strategic_note_absent(by, actor)
            raise
        note.releasable_to.set(releasable_to)
        note_start(by=by, note=note)
        groups = [
            organisation_group(by.organisation),
            Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT]),
            *(organisation_group(organisation) for organisation in shared_with),
        ]
        for group in dict.fromkeys(groups):
            access_grant(target=note, by=by, group=group)
        if review_on is not None:
            deadline_set(
                kind=DeadlineKind.REVIEW, subject=note, due_at=end_of_day(review_on), link=reverse("strategic-note-page", args=[note.pk])
            )
    return note


def options_note_revise(*, by, note: OptionsNote) -> OptionsNote:
    """After submission, a revision is a new draft that continues the
    numbering and supersedes the submitted note when it is itself submitted."""
    if not may_draft_note(note, by):
        raise PermissionDenied(_("Only the EEAS revises the note."))
    with transaction.atomic():
        note = OptionsNote.objects.select_for_update().get(pk=note.pk)
        if note.status != NoteStatus.SUBMITTED or hasattr(note, "superseded_by"):
            raise ValidationError({"note": _("Only a submitted note without a newer version can be revised.")})
        revision = OptionsNote(
            case=note.case,
            title=note.title,
            content=note.content,
            drafted_by=by,
            classification=note.classification,
            supersedes=note,
            version=note.version + 1,
        )
        revision.save()
        note_start(by=by, note=revision, how="revise")
    return revision
