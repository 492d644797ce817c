"""Writes of a decision's legal acts: checked as one list (every error
named ``legal_acts[i].field``) and written together with the decision,
or replacing its acts, in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry

from . import permissions
from .legal_acts import celex_for
from .models import Decision, LegalAct, Procedure

#: What an entry may give; anything else is refused by name.
FIELDS = ("kind", "number", "celex", "oj_reference", "title", "adopted_on")


def legal_acts_check(entries: Iterable[Mapping[str, Any]], *, decided_on: datetime.date) -> list[LegalAct]:
    """Unsaved acts from ``entries`` (dicts of ``FIELDS``), checked: each
    act valid, adopted on a date not in the future (the decision's date if
    none is given), one act per kind and number. Raises a ``ValidationError``
    naming every bad ``legal_acts[i].field``."""
    acts: list[LegalAct] = []
    errors: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    today = timezone.localdate()
    for index, entry in enumerate(entries):
        prefix = f"legal_acts[{index}]"
        unknown = sorted(set(entry) - set(FIELDS))
        for name in unknown:
            errors[f"{prefix}.{name}"] = [_("Unknown field.")]
        values = {name: entry[name] for name in FIELDS if name in entry and entry[name] is not None}
        values.setdefault("adopted_on", decided_on)
        act = LegalAct(**values)
        if not act.celex and act.kind and act.number:
            act.celex = celex_for(act.kind, act.number)  # derived when the kind has a CELEX type; "" otherwise
        try:
            act.full_clean(exclude=["decision"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(f"{prefix}.{name}", []).extend(messages)
        if isinstance(act.adopted_on, datetime.date) and act.adopted_on > today:
            errors.setdefault(f"{prefix}.adopted_on", []).append(_("An act is not adopted in the future."))
        key = (act.kind, act.number)
        if key in seen:
            errors.setdefault(f"{prefix}.number", []).append(
                _("Act %(number)s of this kind is already given at legal_acts[%(index)s].") % {"number": act.number, "index": seen[key]}
            )
        else:
            seen[key] = index
        acts.append(act)
    if errors:
        raise ValidationError(errors)
    return acts


def legal_acts_attach(*, decision: Decision, acts: list[LegalAct]) -> list[LegalAct]:
    """Save checked acts under ``decision`` (in the caller's transaction)."""
    for act in acts:
        act.decision = decision
    return LegalAct.objects.bulk_create(acts)


def may_edit_acts(user, decision: Decision) -> bool:
    """Who records the decision records its acts: the chair and the
    secretariat, or for an HR act the EEAS and the secretariat."""
    if decision.procedure == Procedure.HR_ACT:
        return permissions.may_record_hr_act(user)
    return permissions.may_record_decision(user)


def decision_legal_acts_replace(*, by, decision: Decision, legal_acts: list[Mapping[str, Any]]) -> Decision:
    """Replace every legal act of ``decision`` with ``legal_acts``: all or
    nothing, audited with the numbers before and after."""
    if not may_edit_acts(by, decision):
        raise PermissionDenied(_("Only whoever records the decision records its legal acts."))
    acts = legal_acts_check(legal_acts, decided_on=decision.decided_on)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        before = [f"{act.kind} {act.number}" for act in decision.legal_acts.all()]
        decision.legal_acts.all().delete()
        legal_acts_attach(decision=decision, acts=acts)
        audit_record(
            action=AuditEntry.Action.CHANGE,
            actor=by,
            target=decision,
            details={"legal_acts": {"before": before, "after": [f"{act.kind} {act.number}" for act in acts]}},
        )
    return decision
