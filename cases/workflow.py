"""The state machine, read back from the model: the transitions with what
they need, what a user may do on a case right now (and why not), and the
workflow diagram. Everything here is derived from the ``@transition``
declarations on :class:`cases.models.Case`, so changing one changes the
API, the buttons and the diagram together."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from html import escape
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from cdt.security.access import visible_to
from cdt.security.types import AnyUser
from cdt.workflow import Option, Step, Workflow, workflow_for
from cdt.workflow import transition_options as engine_options
from cdt.workflow.registry import standard_input
from notifications.models import EventKind
from notifications.services import event_record

from .models import Case, CaseState, CaseTransition, ClosureReason

#: One transition of the case's machine (the engine's :class:`~cdt.workflow.Step`).
TransitionSpec = Step


class CaseWorkflow(Workflow):
    """The nine-step response process on the engine: the log is
    :class:`CaseTransition` (with the case merged into, when closing as a
    duplicate), and every step is a ``case_step`` event."""

    model = Case
    field_name = "state"
    log_model = CaseTransition
    log_subject = "case"

    def lock(self, obj: Model) -> Case:
        return Case.objects.select_for_update().get(pk=obj.pk)

    def clean_input(self, obj: Model, step: Step, by: AnyUser, given: dict[str, Any]) -> dict[str, Any]:
        body = standard_input(step, given)
        if body.get("reason") == ClosureReason.MERGED:
            merged_into = given.get("merged_into")
            if merged_into is None:
                raise ValidationError({"merged_into": _("Name the case this one is merged into.")})
            if merged_into.pk == obj.pk or not visible_to(Case.objects.filter(pk=merged_into.pk), by).exists():
                raise ValidationError({"merged_into": _("No such case.")})
            body["merged_into"] = merged_into
        return body

    def log_fields(self, obj: Model, step: Step, given: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        return {"comment": given.get("comment") or "", "reason": given.get("reason") or "", "merged_into": body.get("merged_into")}

    def event(self, obj: Model, step: Step, source: str, by: AnyUser, log: Any) -> None:
        event_record(
            kind=EventKind.CASE_STEP,
            case=obj,
            actor=by,
            payload={"transition": step.name, "from": source, "to": log.target, "log": log.pk},
        )

    def conflict_message(self, obj: Model, step: Step) -> str:
        return _("The case is at “%(state)s”, from which “%(transition)s” is not possible.") % {
            "state": self.state_label(obj),
            "transition": step.label,
        }

    def forbidden_message(self, obj: Model, step: Step) -> str:
        return _("You may not “%(transition)s” on this case.") % {"transition": step.label}


def transitions() -> dict[str, Step]:
    """The case's transitions by name, in the order of the process."""
    return workflow_for(Case).steps()


def transition_options(case: Case, user: AnyUser) -> list[Option]:
    """Every transition from the case's current step, with whether ``user``
    may take it now and, if not, why (role or unmet guard)."""
    return engine_options(case, user)


@dataclass(frozen=True)
class CaseSteps:
    """What the case page offers from the current step: ``next`` is the
    next forward step of the nine (the page's primary action, with its
    blocked reasons when it is blocked), ``others`` the rest (returning,
    revisiting, reopening), ``close`` closing the case (a secondary action
    asked for with a confirmation)."""

    next: Option | None
    others: tuple[Option, ...]
    close: Option | None


def case_steps(options: list[Option], state: str) -> CaseSteps:
    """Sort the options from ``state`` for the page: the next forward step
    first (one the user may take now, else the first, blocked, with why)."""
    order = list(CaseState.values)
    here = order.index(state)

    def forward(option: Option) -> bool:
        targets = option.spec.targets
        return CaseState.CLOSED not in targets and all(order.index(target) > here for target in targets)

    ahead = [option for option in options if forward(option)]
    primary = next((option for option in ahead if option.available), ahead[0] if ahead else None)
    close = next((option for option in options if CaseState.CLOSED in option.spec.targets), None)
    return CaseSteps(next=primary, others=tuple(option for option in options if option is not primary and option is not close), close=close)


# --- The diagram -------------------------------------------------------------

#: Where each step sits on the drawing (column, row): the nine steps left to
#: right as the guidelines number them, partner cooperation beside
#: implementation, closed below. The edges come from the machine.
LAYOUT: dict[str, tuple[int, int]] = {
    CaseState.STARTED: (0, 0),
    CaseState.AWARENESS: (1, 0),
    CaseState.EXPLORATION: (2, 0),
    CaseState.DELIBERATION: (3, 0),
    CaseState.DECISION: (4, 0),
    CaseState.IMPLEMENTATION: (4, 1),
    CaseState.PARTNER_COOPERATION: (3, 2),
    CaseState.EVALUATION: (2, 1),
    CaseState.SUSTAINED_ENGAGEMENT: (1, 1),
    CaseState.CLOSED: (0, 2),
}
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 176, 46, 36, 50, 16


def _box(state: str) -> tuple[float, float]:
    column, row = LAYOUT[state]
    return MARGIN + column * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y)


def _anchor(state: str, toward: str) -> tuple[float, float]:
    """The point on ``state``'s box edge facing ``toward``."""
    x, y = _box(state)
    tx, ty = _box(toward)
    cx, cy = x + BOX_W / 2, y + BOX_H / 2
    dx, dy = (tx + BOX_W / 2) - cx, (ty + BOX_H / 2) - cy
    if dx == dy == 0:
        return cx, y
    scale = min(BOX_W / 2 / abs(dx) if dx else float("inf"), BOX_H / 2 / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def workflow_svg(
    *,
    current: str | None = None,
    taken: Set[tuple[str, str]] = frozenset(),
    visited: Set[str] = frozenset(),
    specs: dict[str, TransitionSpec] | None = None,
) -> str:
    """The state machine as an accessible SVG: one box per step, one arrow
    per (source, target) of every transition; the current step and the path
    taken so far highlighted. ``close`` (from every open step) is drawn as a
    note on the closed box instead of nine arrows."""
    drawn = list((specs or transitions()).values())
    columns = max(c for c, _ in LAYOUT.values()) + 1
    rows = max(r for _, r in LAYOUT.values()) + 1
    width = 2 * MARGIN + columns * BOX_W + (columns - 1) * GAP_X
    height = 2 * MARGIN + rows * BOX_H + (rows - 1) * GAP_Y + 20  # room for the note under the last row
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cdt-workflow" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="cdt-workflow-title"><title id="cdt-workflow-title">{escape(_("The response process"))}</title>',
        '<defs><marker id="cdt-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="cdt-workflow__arrowhead"/></marker></defs>',
    ]
    fan_in = {spec.name for spec in drawn if len(spec.sources) > 3}
    for spec in drawn:
        for source, target in spec.edges:
            if spec.name in fan_in:
                continue
            x1, y1 = _anchor(source, target)
            x2, y2 = _anchor(target, source)
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            # Bend opposite edges apart so a pair of return arrows stays legible.
            bend = 14 if (target, source) in {e for s in drawn for e in s.edges} else 0
            nx, ny = (-(y2 - y1), x2 - x1)
            length = max((nx * nx + ny * ny) ** 0.5, 1)
            cx, cy = mx + bend * nx / length, my + bend * ny / length
            classes = "cdt-workflow__edge" + (" cdt-workflow__edge--taken" if (source, target) in taken else "")
            parts.append(
                f'<path class="{classes}" data-transition="{spec.name}" data-source="{source}" data-target="{target}" '
                f'd="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" marker-end="url(#cdt-arrow)">'
                f"<title>{escape(str(spec.label))}</title></path>"
            )
    for spec in drawn:
        if spec.name in fan_in:
            for source, target in spec.edges:
                parts.append(
                    f'<desc data-transition="{spec.name}" data-source="{source}" data-target="{target}">{escape(str(spec.label))}</desc>'
                )
    for state, label in CaseState.choices:
        x, y = _box(state)
        step_classes = ["cdt-workflow__step"]
        if state == current:
            step_classes.append("cdt-workflow__step--current")
        elif state in visited:
            step_classes.append("cdt-workflow__step--visited")
        number, _sep, name = str(label).partition(" · ")
        text = name or number
        current_attribute = ' aria-current="step"' if state == current else ""
        parts.append(
            f'<g class="{" ".join(step_classes)}" data-state="{state}"{current_attribute}>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + 19}" text-anchor="middle" class="cdt-workflow__number">{escape(number if name else "")}</text>'
            f'<text x="{x + BOX_W / 2}" y="{y + 36}" text-anchor="middle">{escape(_shorten(text))}</text></g>'
        )
    for spec in drawn:
        if spec.name in fan_in:
            target = spec.targets[0]
            x, y = _box(target)
            parts.append(
                f'<text x="{x + BOX_W / 2}" y="{y + BOX_H + 16}" text-anchor="middle" class="cdt-workflow__note">'
                f"{escape(_('“%(label)s” from any open step') % {'label': spec.label})}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
