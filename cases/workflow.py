"""The state machine, read back from the model: the transitions with what
they need, what a user may do on a case right now (and why not), and the
workflow diagram. Everything here is derived from the ``@transition``
declarations on :class:`cases.models.Case`, so changing one changes the
API, the buttons and the diagram together."""

from __future__ import annotations

import textwrap
from collections.abc import Set
from dataclasses import dataclass
from html import escape
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cdt.core.generation import kept_rows
from cdt.security.access import visible_to
from cdt.security.types import AnyUser
from cdt.workflow import Option, Step, Workflow, workflow_for
from cdt.workflow import transition_options as engine_options
from cdt.workflow.registry import standard_input
from notifications.models import EventKind
from notifications.services import event_record

from .models import OPEN_STATES, Case, CaseState, CaseTransition, ClosureReason

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


#: The steps in the order the guidelines number them (para 24); closed is no step forward.
PROCESS_ORDER: dict[str, int] = {state: index for index, state in enumerate(OPEN_STATES)}


def moves_forward(spec: TransitionSpec, source: str) -> bool:
    """Whether the transition takes a case from ``source`` on to a later step
    of the process: not back (return to deliberations, revisit, reopen) and
    not out of it (close)."""
    if source not in PROCESS_ORDER or not spec.targets:
        return False
    return all(PROCESS_ORDER.get(target, -1) > PROCESS_ORDER[source] for target in spec.targets)


def forward_options(case: Case, user: AnyUser) -> list[Option]:
    """The transitions ``user`` may take on ``case`` now (role and guards
    both allow it) that move it on to a later step, in process order."""
    return [option for option in transition_options(case, user) if option.available and moves_forward(option.spec, case.state)]


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
BOX_W, GAP_X, GAP_Y, MARGIN = 176, 36, 50, 16
#: Lines of 11 px text: a step's name wraps at this many characters (the box
#: is 176 px wide), and every box is as tall as the longest name needs, in
#: whatever language the page is in: nothing is cut.
NAME_CHARACTERS, LINE = 24, 14


def _box(state: str, box_h: float) -> tuple[float, float]:
    column, row = LAYOUT[state]
    return MARGIN + column * (BOX_W + GAP_X), MARGIN + row * (box_h + GAP_Y)


def _anchor(state: str, toward: str, box_h: float) -> tuple[float, float]:
    """The point on ``state``'s box edge facing ``toward``."""
    x, y = _box(state, box_h)
    tx, ty = _box(toward, box_h)
    cx, cy = x + BOX_W / 2, y + box_h / 2
    dx, dy = (tx + BOX_W / 2) - cx, (ty + box_h / 2) - cy
    if dx == dy == 0:
        return cx, y
    scale = min(BOX_W / 2 / abs(dx) if dx else float("inf"), box_h / 2 / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def _step_text(state: str, label: str) -> tuple[str, list[str]]:
    """A step's number ("" for closed) and its name on as many lines as it needs."""
    number, _sep, name = label.partition(" · ")
    if not name:
        number, name = "", number
    return number, textwrap.wrap(name, NAME_CHARACTERS, break_long_words=True, break_on_hyphens=False) or [""]


def _count_text(count: int) -> str:
    return ngettext("%(n)d case", "%(n)d cases", count) % {"n": count}


def workflow_svg(
    *,
    current: str | None = None,
    taken: Set[tuple[str, str]] = frozenset(),
    visited: Set[str] = frozenset(),
    specs: dict[str, TransitionSpec] | None = None,
    counts: dict[str, int] | None = None,
    link: bool = False,
) -> str:
    """The state machine as an accessible SVG: one box per step, one arrow
    per (source, target) of every transition; the current step and the path
    taken so far highlighted. ``close`` (from every open step) is drawn as a
    note on the closed box instead of nine arrows. With ``counts``, each box
    says how many cases are at that step; with ``link``, each box leads to
    the list of cases at that step."""
    drawn = list((specs or transitions()).values())
    texts = {state: _step_text(state, str(label)) for state, label in CaseState.choices}
    name_lines = max(len(lines) for _number, lines in texts.values())
    box_h = 16 + LINE * (1 + name_lines + (1 if counts is not None else 0))
    columns = max(c for c, _ in LAYOUT.values()) + 1
    rows = max(r for _, r in LAYOUT.values()) + 1
    width = 2 * MARGIN + columns * BOX_W + (columns - 1) * GAP_X
    height = 2 * MARGIN + rows * box_h + (rows - 1) * GAP_Y + 20  # room for the note under the last row
    list_url = reverse("case-list-page")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cdt-workflow" viewBox="0 0 {width} {height}" role="{"group" if link else "img"}" '
        f'aria-labelledby="cdt-workflow-title"><title id="cdt-workflow-title">{escape(_("The response process"))}</title>',
        '<defs><marker id="cdt-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="cdt-workflow__arrowhead"/></marker></defs>',
    ]
    fan_in = {spec.name for spec in drawn if len(spec.sources) > 3}
    all_edges = {edge for spec in drawn for edge in spec.edges}
    for spec in drawn:
        for source, target in spec.edges:
            if spec.name in fan_in:
                continue
            x1, y1 = _anchor(source, target, box_h)
            x2, y2 = _anchor(target, source, box_h)
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            # Bend opposite edges apart so a pair of return arrows stays legible.
            bend = 14 if (target, source) in all_edges else 0
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
        x, y = _box(state, box_h)
        step_classes = ["cdt-workflow__step"]
        if state == current:
            step_classes.append("cdt-workflow__step--current")
        elif state in visited:
            step_classes.append("cdt-workflow__step--visited")
        number, lines = texts[state]
        centre = x + BOX_W / 2
        current_attribute = ' aria-current="step"' if state == current else ""
        box = [
            f'<g class="{" ".join(step_classes)}" data-state="{state}"{current_attribute}>',
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{box_h}" rx="6"/>',
            f'<text x="{centre}" y="{y + 17}" text-anchor="middle" class="cdt-workflow__number">{escape(number)}</text>',
            f'<text x="{centre}" y="{y + 17 + LINE}" text-anchor="middle" class="cdt-workflow__name">{escape(lines[0])}'
            + "".join(f'<tspan x="{centre}" dy="{LINE}">{escape(line)}</tspan>' for line in lines[1:])
            + "</text>",
        ]
        if counts is not None:
            box.append(
                f'<text x="{centre}" y="{y + box_h - 8}" text-anchor="middle" class="cdt-workflow__count" data-count="{counts.get(state, 0)}">'
                f"{escape(_count_text(counts.get(state, 0)))}</text>"
            )
        box.append("</g>")
        if link:
            title = (
                _("Cases at “%(step)s”: %(count)s") % {"step": label, "count": _count_text(counts.get(state, 0))}
                if counts is not None
                else label
            )
            box = [
                f'<a href="{escape(list_url)}?state={state}" class="cdt-workflow__link" data-state-link="{state}"><title>{escape(str(title))}</title>',
                *box,
                "</a>",
            ]
        parts.extend(box)
    for spec in drawn:
        if spec.name in fan_in:
            target = spec.targets[0]
            x, y = _box(target, box_h)
            parts.append(
                f'<text x="{x}" y="{y + box_h + 16}" class="cdt-workflow__note">'
                f"{escape(_('“%(label)s” from any open step') % {'label': spec.label})}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def moves_back(specs: dict[str, TransitionSpec] | None = None) -> list[tuple[str, str]]:
    """The arrows that do not move a case on, each as (name, "from → to")
    in words, for the diagram's caption: where a case goes back to, or out."""
    names = {state: str(label) for state, label in CaseState.choices}
    explained = []
    for spec in (specs or transitions()).values():
        if spec.system or all(moves_forward(spec, source) for source, _target in spec.edges):
            continue
        if len(spec.sources) > 3:
            route = _("from any open step to “%(target)s”") % {"target": names[spec.targets[0]]}
        else:
            route = "; ".join(
                _("from “%(source)s” to “%(target)s”") % {"source": names[source], "target": names[target]} for source, target in spec.edges
            )
        explained.append((str(spec.label), route))
    return explained


def workflow_diagram(*, case: Case, user: AnyUser, taken: Set[tuple[str, str]], visited: Set[str], exercise: bool) -> str:
    """The case page's diagram with its caption: the case's own path, how
    many cases ``user`` may see at each step (real or exercise ones, as the
    list each box leads to shows them) and what the arrows that go back mean."""
    from django.db.models import Count
    from django.template.loader import render_to_string

    from .selectors import case_list

    counts = dict(kept_rows(case_list(user=user, exercise=exercise).order_by().values_list("state").annotate(n=Count("pk"))))
    return render_to_string(
        "cases/workflow_diagram.html",
        {
            "svg": workflow_svg(current=case.state, taken=taken, visited=visited, counts=counts, link=True),
            "moves_back": moves_back(),
            "exercise": exercise,
        },
    )
