"""Writes on measures: proposing a measure on a case, its lifecycle, the
chair's override of an escalation warning, listings, impact evaluations,
and starting the two notes (the drafting app writes the rest of their life)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from cases.models import Case
from cdt.directory.models import Organisation
from cdt.security.access import can_view_child, visible_to
from cdt.workflow import TransitionConflict, TransitionGuardFailed
from drafting.choices import NoteStatus
from drafting.permissions import may_draft_note
from drafting.services import note_start
from notifications.models import DeadlineKind, EventKind
from notifications.services import deadline_done, deadline_set, end_of_day, event_record

from . import checks, notes, permissions
from .models import (
    ImpactEvaluation,
    ListedPerson,
    MeasureState,
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


def measure_propose(
    *,
    by,
    case: Case,
    measure_type: MeasureType,
    description: str,
    rationale: str = "",
    actor=None,
    classification: int | None = None,
) -> ResponseMeasure:
    """Propose a measure on a case. The escalation check runs now and its
    warning is stored with the measure for everyone to see; the attribution
    check is shown too, and enforced at agreement."""
    _visible_case(case, by)
    if not permissions.may_propose(case, by):
        raise PermissionDenied(_("Delegates and the EEAS propose measures."))
    if not measure_type.active:
        raise ValidationError({"measure_type": _("This measure is no longer in the catalogue.")})
    if not case.is_open:
        raise ValidationError({"case": _("The case is closed.")})
    with transaction.atomic():
        measure = ResponseMeasure(
            case=case,
            measure_type=measure_type,
            actor=actor,
            description=description,
            rationale=rationale,
            proposed_by=by,
            classification=case.classification if classification is None else classification,
            escalation_warning=checks.escalation_warning(case, measure_type),
        )
        measure.full_clean(exclude=["state"])  # the state is the machine's (and protected)
        measure._history_user = by
        measure.save()
        MeasureTransition.objects.create(
            measure=measure, transition="propose", source=MeasureState.PROPOSED, target=MeasureState.PROPOSED, by=by
        )
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


def measure_transitions() -> dict[str, dict]:
    """Every transition of a measure with its label and needed input, read from the model."""
    found = {}
    for spec in ResponseMeasure._meta.get_field("state").get_all_transitions(ResponseMeasure):
        found.setdefault(
            spec.name,
            {
                "label": spec.custom.get("label", spec.name),
                "needs": spec.custom.get("needs", ()),
                "sources": set(),
                "permission": spec.permission,
            },
        )
        found[spec.name]["sources"].add(spec.source)
    return found


def measure_blocked_by(measure: ResponseMeasure, transition: str, user=None) -> list[str]:
    """The checks that stop ``transition`` now (read-only; shown with the
    button), worded for ``user``: the escalation warning without the figures
    of a proportionality assessment they may not see (decision 0023)."""
    reasons = []
    if transition == "select" and measure.escalation_warning and not measure.override_justification:
        warning = checks.warning_for(measure, user) if user is not None else measure.escalation_warning
        reasons.append(warning + " " + _("The chair may go beyond it with a recorded justification."))
    if transition == "agree":
        gap = checks.attribution_gap(measure.case, measure.measure_type, measure.actor, user)
        if gap:
            reasons.append(gap)
    return reasons


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
    """One step of a measure's lifecycle: 409 from the wrong state, 403 for
    the wrong person, 400 for a failed check (escalation without override;
    attribution missing) or missing input, else logged."""
    specs = measure_transitions()
    spec = specs.get(transition)
    if spec is None:
        raise ValueError(f"unknown transition {transition!r}")
    with transaction.atomic():
        measure = ResponseMeasure.objects.select_for_update(of=("self",)).select_related("case", "measure_type", "actor").get(pk=measure.pk)
        if measure.state not in spec["sources"]:
            raise TransitionConflict(
                _("The measure is “%(state)s”, from which “%(transition)s” is not possible.")
                % {"state": measure.get_state_display(), "transition": spec["label"]}
            )
        if not spec["permission"](measure, by):
            raise PermissionDenied(_("You may not “%(transition)s” this measure.") % {"transition": spec["label"]})
        blocked = measure_blocked_by(measure, transition, by)
        if blocked:
            raise TransitionGuardFailed(blocked)
        kwargs = _input(spec, measure=measure, by=by, reason=reason, decision=decision, implementing_actor=implementing_actor, on=on)
        source = measure.state
        method = getattr(measure, transition)
        assert can_proceed(method)
        method(**kwargs)
        measure._history_user = by
        measure.save()
        log = MeasureTransition.objects.create(
            measure=measure, transition=transition, source=source, target=measure.state, by=by, reason=(reason or "").strip()
        )
        if transition == "complete":
            evaluations_schedule(measure=measure)
        if transition in ("lift", "expire"):
            cancelled = list(measure.evaluations.filter(evaluated_at__isnull=True, due_on__gt=measure.ended_on))
            measure.evaluations.filter(pk__in=[evaluation.pk for evaluation in cancelled]).update(cancelled=True)
            for evaluation in cancelled:
                deadline_done(kind=DeadlineKind.EVALUATION, subject=evaluation)
        implemented = measure.state == MeasureState.IMPLEMENTED
        event_record(
            kind=EventKind.MEASURE_IMPLEMENTED if implemented else EventKind.WORKFLOW_STEP,
            subject=measure,
            actor=by,
            link=reverse("measure-page", args=[measure.pk]),
            payload={"transition": transition, "from": source, "to": measure.state},
        )
    return MeasureOutcome(measure=measure, log=log)


def _input(spec, *, measure, by, reason, decision, implementing_actor, on) -> dict:
    needs = spec["needs"]
    kwargs: dict = {}
    if "reason" in needs and not (reason or "").strip():
        raise ValidationError({"reason": _("“%(transition)s” needs a reason.") % {"transition": spec["label"]}})
    if "decision" in needs:
        if decision is None or decision.case_id != measure.case_id or not can_view_child(by, decision):
            raise ValidationError({"decision": _("Name the decision on this case that agreed the measure.")})
        if not decision.adopted:
            raise ValidationError({"decision": _("That decision was not adopted.")})
        kwargs["decision"] = decision
    if "implementing_actor" in needs:
        if implementing_actor is None:
            raise ValidationError(
                {"implementing_actor": _("Name who implements the measure (a Member State, the EEAS, the HR, the Commission).")}
            )
        kwargs["implementing_actor"] = implementing_actor
    if "on" in needs:
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise ValidationError({"on": _("The date cannot be in the future.")})
        kwargs["on"] = on
    return kwargs


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
            link=reverse("evaluation-record-page", args=[evaluation.pk]),
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
    people = []
    for index, entry in enumerate(entries):
        person = ListedPerson(**entry)
        try:
            person.full_clean(exclude=["listing"])
        except ValidationError as error:
            raise ValidationError({f"entries[{index}]": error.messages}) from None
        people.append(person)
    with transaction.atomic():
        listing, _created = RestrictiveListing.objects.get_or_create(
            measure=measure, defaults={"case": measure.case, "classification": measure.classification}
        )
        listing.council_decision, listing.council_regulation = council_decision, council_regulation
        listing.review_on, listing.renewal_on = review_on, renewal_on
        listing._history_user = by
        listing.save()
        listing.entries.all().delete()
        for person in people:
            person.listing = listing
        ListedPerson.objects.bulk_create(people)
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

    from cdt.accounts.roles import GROUP_NAMES, Role
    from cdt.security.grants import access_grant, organisation_group
    from cdt.security.markings import Distribution

    if not may_draft_note(None, by):
        raise PermissionDenied(_("The EEAS drafts strategic response notes."))
    if StrategicResponseNote.objects.filter(actor=actor).exists():
        raise ValidationError({"actor": _("%(actor)s already has a strategic response note: revise it.") % {"actor": actor.name}})
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
        note.full_clean(exclude=["status"])
        note.save()
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
