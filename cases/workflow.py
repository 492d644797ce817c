"""The state machine, read back from the model: the transitions with what
they need, what a user may do on a case right now (and why not), and the
workflow diagram. Everything here is derived from the ``@transition``
declarations on :class:`cases.models.Case`, so changing one changes the
API, the buttons and the diagram together."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django_fsm import RETURN_VALUE

from cdt.security.types import AnyUser, is_signed_in

from . import guards
from .models import Case, CaseState
from .permissions import TransitionRule

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: StrOrPromise  # lazy: read in the language of each request
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    needs: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    reason_choices: tuple[tuple[str, str], ...] = ()
    edges: tuple[tuple[str, str], ...] = field(default=())
    permission: TransitionRule | None = None  # the roles that may take it (None: a spec only drawn, never taken)

    def may(self, case: Case, user: AnyUser) -> bool:
        """The role rule alone (django-fsm's has_transition_perm also
        evaluates the guards, which we report separately)."""
        return bool(is_signed_in(user) and self.permission is not None and self.permission(case, user))

    def allowed_from(self, state: str) -> bool:
        return state in self.sources

    @property
    def target_choices(self) -> list[tuple[str, StrOrPromise]]:
        return [(target, CaseState(target).label) for target in self.targets] if "target" in self.needs else []

    @property
    def needs_reason(self) -> bool:
        return "reason" in self.needs


def _read_machine() -> dict[str, TransitionSpec]:
    state_field = Case._meta.get_field("state")
    grouped: dict[str, dict[str, Any]] = {}
    for item in state_field.get_all_transitions(Case):
        entry = grouped.setdefault(
            item.name, {"sources": [], "targets": [], "edges": [], "custom": item.custom, "permission": item.permission}
        )
        if isinstance(item.target, RETURN_VALUE):
            targets = list(item.target.allowed_states)
        else:
            targets = [item.target]
        entry["sources"].append(item.source)
        for target in targets:
            if target not in entry["targets"]:
                entry["targets"].append(target)
            entry["edges"].append((item.source, target))
    specs = {}
    declared = list(vars(Case))  # declaration order: the order of the process
    for name, entry in sorted(grouped.items(), key=lambda item: declared.index(item[0])):
        custom = entry["custom"] or {}
        specs[name] = TransitionSpec(
            name=name,
            label=custom.get("label", name),  # lazy: read in the language of each request
            sources=tuple(entry["sources"]),
            targets=tuple(custom.get("targets", entry["targets"])),
            needs=tuple(custom.get("needs", ())),
            reasons=tuple(value for value, _label in custom.get("reasons", ())),
            reason_choices=tuple(custom.get("reasons", ())),
            edges=tuple(entry["edges"]),
            permission=entry["permission"],
        )
    return specs


@cache
def transitions() -> dict[str, TransitionSpec]:
    """The transitions by name, read once from the model."""
    return _read_machine()


@dataclass(frozen=True)
class TransitionOption:
    spec: TransitionSpec
    available: bool
    blocked_by: tuple[str, ...]  # why not, when not available


def transition_options(case: Case, user: AnyUser) -> list[TransitionOption]:
    """Every transition from the case's current step, with whether ``user``
    may take it now and, if not, why (role or unmet guard)."""
    options = []
    for spec in transitions().values():
        if not spec.allowed_from(case.state):
            continue
        blocked = []
        if not spec.may(case, user):
            blocked.append(_("Your role may not do this."))
        blocked.extend(guards.unmet(case, spec.name))
        options.append(TransitionOption(spec=spec, available=not blocked, blocked_by=tuple(blocked)))
    return options


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
