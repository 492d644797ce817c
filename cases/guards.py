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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Model

from cdt.workflow.registry import guard, guard_names, workflow_for

if TYPE_CHECKING:
    from .models import Case

#: ``(case) -> None`` when satisfied, else the reason it is not.
Guard = Callable[["Case"], "str | None"]


def register(transition_name: str, name: str) -> Callable[[Guard], Guard]:
    """Register a guard of the case's ``transition_name`` with the engine
    (the engine's guards also take the user; a case guard does not need it)."""

    def decorate(function: Guard) -> Guard:
        from .models import Case  # late import: the model imports this module for its conditions

        def case_guard(case: Any, user: Any) -> str | None:
            return function(case)

        guard(Case, transition_name, name)(case_guard)
        return function

    return decorate


def unmet(case: Case, transition_name: str) -> list[str]:
    """The reasons ``transition_name`` cannot be taken on ``case`` now."""
    workflow = workflow_for(case)
    return workflow.unmet(case, workflow.steps()[transition_name], None)


def registered(transition_name: str) -> list[str]:
    from .models import Case  # late import: see register

    return guard_names(Case, transition_name)


def conditions(transition_name: str) -> list[Callable[[Model], bool]]:
    """The one django-fsm condition of ``transition_name`` (django-fsm types
    conditions on any model; it calls them with the case)."""

    def guards_met(case: Model) -> bool:
        return not unmet(cast("Case", case), transition_name)

    guards_met.__name__ = f"{transition_name}_guards_met"
    return [guards_met]
