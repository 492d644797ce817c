"""Writes on cases: one keyword-only function per business action, each in
one transaction, validated, access granted and logged."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.accounts.roles import GROUP_NAMES, Role, is_secretariat
from cdt.security.access import visible_to
from cdt.security.audit import audit_record
from cdt.security.claims import claim_check
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Distribution, Tlp
from cdt.security.models import AuditEntry
from cdt.workflow import transition_run
from notifications.models import EventKind
from notifications.services import event_record

from .models import (
    DIMENSIONS,
    Case,
    CaseTransition,
    ProportionalityAssessment,
    SignificanceAssessment,
)
from .permissions import may_assess, may_open_case

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdt.accounts.models import User
    from cdt.directory.models import Organisation

_Assessment = TypeVar("_Assessment", ProportionalityAssessment, SignificanceAssessment)


def _next_reference(year: int) -> str:
    prefix = f"CDT-{year}-"
    last = Case.objects.filter(reference__startswith=prefix).aggregate(last=Max("reference"))["last"]
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


CASE_FIELDS = (
    "kind",
    "title",
    "summary",
    "brought_by",
    "brought_on",
    "exercise",
    "context",
    "legal_qualification",
    "article_42_7_invoked",
    "article_222_invoked",
    "ipcr_activated",
    "hybrid_toolbox_linked",
    "fimi_toolbox_linked",
    "activity_name",
    "first_seen",
    "first_seen_precision",
    "last_seen",
    "last_seen_precision",
    "victims",
    "sectors",
    "origin_territory",
    "transit_territory",
    "classification",
    "limite",
    "tlp",
    "releasable_to_all",
    "distribution",
)
CASE_RELATIONS = ("member_states_affected", "suspected_actors", "releasable_to")


def _split_relations(fields: dict[str, Any]) -> dict[str, Iterable[Any]]:
    """Take the many-to-many values out of ``fields`` (set after saving);
    refuse any field a case does not have."""
    relations = {name: fields.pop(name) for name in CASE_RELATIONS if name in fields}
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown case fields: {', '.join(sorted(unknown))}")
    return relations


def case_open(*, by: User, shared_with: Iterable[Organisation] = (), **fields: Any) -> Case:
    """Step 1: a Member State, the EEAS or a partner informs the Council.

    The case is distributed to HWPCI unless the opener restricts it
    (originator control); ``shared_with`` organisations are in the loop
    either way (Commission services the case involves, a partner). The
    opener's organisation and the Council secretariat get view and change
    access (see :mod:`cases.sharing` for who may widen or narrow)."""
    if not may_open_case(by):
        raise PermissionDenied(_("Only HWPCI delegates, the EEAS and the partner liaison open cases."))
    fields.setdefault("distribution", Distribution.HWPCI)
    if fields["distribution"] not in (Distribution.HWPCI, Distribution.RESTRICTED):
        raise ValidationError({"distribution": _("A case is distributed to HWPCI or restricted to named recipients.")})
    if fields.get("brought_by") is not None:  # who brought it is a claim: one's own organisation (decision 0026)
        claim_check(by, fields["brought_by"], field="brought_by")
    relations = _split_relations(fields)
    with transaction.atomic():
        case = Case(**fields, originator=by.organisation, created_by=by)
        if not relations.get("releasable_to") and not fields.get("releasable_to_all"):
            raise ValidationError({"releasable_to": _("Name at least one organisation, or make the case releasable to all.")})
        case.reference = _next_reference((fields.get("brought_on") or timezone.localdate()).year)
        case.full_clean(exclude=["state"])  # the step is protected: only transitions set it
        case._history_user = by
        case.save()
        for name, values in relations.items():
            getattr(case, name).set(values)
        secretariat = Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])
        for group in (organisation_group(case.originator), secretariat):  # the opener's organisation
            access_grant(target=case, by=by, group=group)
            access_grant(target=case, by=by, group=group, action="change")
        if int(case.tlp) == int(Tlp.RED):  # TLP:RED reaches named people only: the opener is the first
            _named_originator(case, by)
        for organisation in dict.fromkeys(shared_with):
            if organisation != case.originator:
                access_grant(target=case, by=by, group=organisation_group(organisation))
        event_record(kind=EventKind.CASE_OPENED, case=case, actor=by)
    return case


def case_update(*, case: Case, by: User, **fields: Any) -> Case:
    """Edit a case's description (never its step: transitions do that).
    Needs the change right (the opener's organisation and the secretariat
    by default). ``brought_by`` changes only to what ``by`` may claim;
    ``exercise`` does not change here (:func:`case_exercise_change`: a real
    case turned into an exercise leaves every user's real register)."""
    if not visible_to(Case.objects.filter(pk=case.pk), by, "change").exists():
        raise PermissionDenied(_("You may see this case but not edit it."))
    if "distribution" in fields:
        raise ValidationError({"distribution": _("Change who is in the loop from the case's share panel.")})
    relations = _split_relations(fields)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if "exercise" in fields and bool(fields["exercise"]) != case.exercise:
            raise ValidationError(
                {
                    "exercise": _(
                        "Whether a case is an exercise is set when it is opened; only the Council secretariat changes it, with a reason."
                    )
                }
            )
        if fields.get("brought_by") is not None and fields["brought_by"].pk != case.brought_by_id:
            claim_check(by, fields["brought_by"], field="brought_by")
        raised_to_red = int(fields.get("tlp", case.tlp)) == int(Tlp.RED) != int(case.tlp)
        for name, value in fields.items():
            setattr(case, name, value)
        case.full_clean(exclude=["state"])  # the step is protected: only transitions set it
        if not case.releasable_to_all and not relations.get("releasable_to", case.releasable_to.all()):
            raise ValidationError({"releasable_to": _("Name at least one organisation, or make the case releasable to all.")})
        case._history_user = by
        case.save()
        for name, values in relations.items():
            getattr(case, name).set(values)
        if raised_to_red:  # TLP:RED reaches named people only: whoever raised it stays one, as the opener of a RED case is
            _named_originator(case, by)
    return case


def case_exercise_change(*, case: Case, by: User, exercise: bool, reason: str, request: HttpRequest | None = None) -> Case:
    """Move a case between the real register and the exercise register: a
    case opened in the wrong one (a drill entered as real, or the reverse).
    Every list shows one register only, so this hides the case from every
    user's other register: the Council secretariat alone does it, with a
    reason, and the change is in the audit chain (who, from what, why)."""
    if not is_secretariat(by) or not visible_to(Case.objects.filter(pk=case.pk), by, "change").exists():
        raise PermissionDenied(_("Only the Council secretariat moves a case between the real and the exercise registers."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the case moves between the real and the exercise registers.")})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.exercise == exercise:
            raise ValidationError({"exercise": _("The case is already in that register.")})
        previous, case.exercise = case.exercise, exercise
        case._history_user = by
        case.save()
        audit_record(
            action=AuditEntry.Action.CHANGE,
            actor=by,
            target=case,
            details={"exercise": exercise, "from": previous, "reason": reason},
            request=request,
        )
    return case


def _named_originator(case: Case, by: User) -> None:
    """Make ``by`` a named official with view and change: the originator's
    access at TLP:RED, where grants to organisations open nothing."""
    access_grant(target=case, by=by, user=by)
    access_grant(target=case, by=by, user=by, action="change")


@dataclass(frozen=True)
class TransitionOutcome:
    case: Case
    log: CaseTransition


def case_transition(
    *,
    case: Case,
    by: User,
    transition: str,
    comment: str = "",
    reason: str = "",
    target: str | None = None,
    merged_into: Case | None = None,
    on: datetime.date | None = None,
) -> TransitionOutcome:
    """Take one step of the response process, through the workflow engine
    (:func:`cdt.workflow.transition_run`: 404, 409, 403, 400 for guards and
    input, in that order; locked, logged, audited, with its event). ``on``:
    the day it happened, when entered afterwards (default today)."""
    outcome = transition_run(
        obj=case, transition=transition, by=by, comment=comment, reason=reason, target=target, merged_into=merged_into, on=on
    )
    return TransitionOutcome(case=outcome.obj, log=cast("CaseTransition", outcome.log))


def proportionality_assess(*, case: Case, by: User, classification: int | None = None, **scores: Any) -> ProportionalityAssessment:
    """Record (or re-record) the seven proportionality dimensions. The
    assessment is at the case's classification unless set higher."""
    return _assess(
        ProportionalityAssessment,
        case=case,
        by=by,
        classification=classification,
        values=scores,
        allowed={*DIMENSIONS, *(f"{d}_rationale" for d in DIMENSIONS)},
    )


def significance_assess(*, case: Case, by: User, classification: int | None = None, **findings: Any) -> SignificanceAssessment:
    """Record (or re-record) the findings on the significant-effect factors."""
    return _assess(
        SignificanceAssessment,
        case=case,
        by=by,
        classification=classification,
        values=findings,
        allowed={*(f"factor_{letter}" for letter in "abcdefg"), "conclusion"},
    )


def _assess(
    model: type[_Assessment], *, case: Case, by: User, classification: int | None, values: dict[str, Any], allowed: set[str]
) -> _Assessment:
    if not may_assess(by):
        raise PermissionDenied(_("You may read but not record assessments."))
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        assessment = model(
            case=case, assessed_by=by, classification=case.classification if classification is None else classification, **values
        )
        assessment.full_clean()
        assessment.save()
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=assessment)
        event_record(kind=EventKind.ASSESSMENT_ADDED, subject=assessment, actor=by)
    return assessment
