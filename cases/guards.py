"""Guards of the workflow: conditions a transition needs besides the role.

Each guard is a read-only function of the case that returns ``None`` when
satisfied or the reason it is not (shown to users and returned by the API).
Guards register by transition name; later apps add theirs next to these
(the measures app: "an options note or strategic response note submitted",
etc.) in their ``AppConfig.ready``. The state machine sees them through one
condition per transition, so ``can_proceed`` and the list of available
transitions honour them.

Input a transition needs (a reason, a target step, the case merged into)
is not a guard: the service validates it and answers 400 naming the field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.db.models import Model

if TYPE_CHECKING:
    from .models import Case

#: ``(case) -> None`` when satisfied, else the reason it is not.
Guard = Callable[["Case"], "str | None"]

_REGISTRY: dict[str, list[tuple[str, Guard]]] = defaultdict(list)


def register(transition_name: str, name: str) -> Callable[[Guard], Guard]:
    def decorate(guard: Guard) -> Guard:
        if name not in {existing for existing, _ in _REGISTRY[transition_name]}:
            _REGISTRY[transition_name].append((name, guard))
        return guard

    return decorate


def unmet(case: Case, transition_name: str) -> list[str]:
    """The reasons ``transition_name`` cannot be taken on ``case`` now."""
    return [reason for _, guard in _REGISTRY[transition_name] if (reason := guard(case))]


def registered(transition_name: str) -> list[str]:
    return [name for name, _ in _REGISTRY[transition_name]]


def conditions(transition_name: str) -> list[Callable[[Model], bool]]:
    """The one django-fsm condition of ``transition_name`` (django-fsm types
    conditions on any model; it calls them with the case)."""

    def guards_met(case: Model) -> bool:
        return not unmet(cast("Case", case), transition_name)

    guards_met.__name__ = f"{transition_name}_guards_met"
    return [guards_met]
