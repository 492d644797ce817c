"""Writes of the Member States' positions on a question: one state's
(its delegate, or the chair and the secretariat recording it as stated
orally) or a whole tour de table in one call, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.directory.models import MemberState

from . import permissions
from .models import Position, PositionValue, Question, WrittenProcedure


def _position_errors(*, value: str, reserve: str, declaration: str) -> dict[str, str]:
    """What is wrong with a position as given, by field (empty: nothing)."""
    if value not in PositionValue.values:
        return {"value": _("Unknown position.")}
    if reserve not in Position.Reserve.values:
        return {"reserve": _("Unknown reserve.")}
    if value == PositionValue.CONSTRUCTIVE_ABSTENTION and not declaration.strip():
        return {"declaration": _("A constructive abstention needs the formal declaration (Art. 31(1) TEU).")}
    if value == PositionValue.SCRUTINY_RESERVE and reserve not in (Position.Reserve.PARLIAMENTARY, Position.Reserve.GENERAL):
        return {"reserve": _("Say whether the scrutiny reserve is parliamentary or general.")}
    return {}


def _question_open_for_positions(question: Question) -> Question:
    """The question, locked, if positions may still change on it."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not question.is_open:
        raise ValidationError({"value": _("The question is decided: positions can no longer change.")})
    procedure = WrittenProcedure.objects.filter(question=question, status=WrittenProcedure.Status.OPEN).first()
    if procedure is not None and procedure.deadline <= timezone.now():
        raise ValidationError({"value": _("The written procedure's deadline has passed.")})
    return question


def _position_write(*, by, position: Position, value: str, reserve: str, declaration: str, orally: bool) -> Position:
    """Save one state's position: its history row, which enters the audit
    trail (``cdt.security.signals``): one entry per state."""
    position.value = value
    position.reserve = reserve if value == PositionValue.SCRUTINY_RESERVE else ""
    position.declaration = declaration if value == PositionValue.CONSTRUCTIVE_ABSTENTION else ""
    position.stated_orally = orally
    position.recorded_by = by
    position._history_user = by
    position.save()
    return position


def position_set(*, by, question: Question, member_state: MemberState, value: str, reserve: str = "", declaration: str = "") -> Position:
    """Set a Member State's position. A delegate sets their own state's;
    the chair and the secretariat may record any state's position as
    stated orally in a meeting. Refused once the question is decided or its
    written procedure's deadline has passed."""
    own = permissions.may_set_position(by, member_state)
    if not own and not permissions.may_record_oral_position(by):
        raise PermissionDenied(_("Only a delegate of %(state)s sets its position.") % {"state": member_state.display_name})
    errors = _position_errors(value=value, reserve=reserve, declaration=declaration)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        question = _question_open_for_positions(question)
        position = (
            Position.objects.select_for_update(of=("self",))
            .select_related("member_state")
            .filter(question=question, member_state=member_state)
            .first()
        )
        if position is None:  # not a Member State on the day the question was put
            raise ValidationError(
                {"member_state": _("%(state)s was not a Member State when the question was put.") % {"state": member_state.display_name}}
            )
        return _position_write(by=by, position=position, value=value, reserve=reserve, declaration=declaration, orally=not own)


def positions_record(*, by, question: Question, positions: list[Mapping[str, Any]]) -> list[Position]:
    """A tour de table: the positions of several (or all) Member States,
    stated orally and recorded by the chair or the secretariat in one call.
    Each entry names its ``member_state`` (Council code) at most once with
    its ``value`` (and ``reserve``, ``declaration``); every bad field is
    named ``positions[i].field`` and nothing is written, or all is, with one
    history row and one audit entry per state. No notification: the single
    recording sends none either."""
    if not permissions.may_record_oral_position(by):
        raise PermissionDenied(_("Only the chair and the secretariat record a tour de table."))
    if not positions:
        raise ValidationError({"positions": _("Give at least one position.")})
    rows = {p.member_state.code: p for p in question.positions.select_related("member_state")}
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, entry in enumerate(positions):
        prefix = f"positions[{index}]"
        code = entry.get("member_state")
        if code not in rows:
            errors[f"{prefix}.member_state"] = _("Not a Member State of this question.")
        elif code in seen:
            errors[f"{prefix}.member_state"] = _("Already given at positions[%(index)s].") % {"index": seen[code]}
        else:
            seen[code] = index
        for name, message in _position_errors(
            value=entry.get("value", ""), reserve=entry.get("reserve", ""), declaration=entry.get("declaration", "")
        ).items():
            errors[f"{prefix}.{name}"] = message
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        question = _question_open_for_positions(question)
        locked = {
            p.member_state.code: p
            for p in Position.objects.select_for_update(of=("self",)).filter(question=question).select_related("member_state")
        }
        return [
            _position_write(
                by=by,
                position=locked[entry["member_state"]],
                value=entry["value"],
                reserve=entry.get("reserve", ""),
                declaration=entry.get("declaration", ""),
                orally=not permissions.may_set_position(by, locked[entry["member_state"]].member_state),
            )
            for entry in positions
        ]
