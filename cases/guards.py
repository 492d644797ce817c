"""Guards of the case's workflow: conditions a transition needs besides the role.

Each guard is a read-only function of the case that returns ``None`` when
satisfied or the reason it is not (shown to users and returned by the API).
Guards register by transition name with the workflow engine; other apps add
theirs (the measures app: "an options note or strategic response note
submitted", etc.) in their ``AppConfig.ready``, so the case's app need not
import them. The engine checks them in :func:`cdt.workflow.transition_run`
and reports them in :func:`cdt.workflow.transition_options`.

Input a transition needs (a reason, a target step, the case merged into)
is not a guard: the workflow validates it and answers 400 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cdt.workflow.registry import guard

from .models import Case

#: ``(case) -> None`` when satisfied, else the reason it is not.
Guard = Callable[["Case"], "str | None"]


def register(transition_name: str, name: str) -> Callable[[Guard], Guard]:
    """Register a guard of the case's ``transition_name`` with the engine
    (the engine's guards also take the user; a case guard does not need it)."""

    def decorate(function: Guard) -> Guard:
        def case_guard(case: Any, user: Any) -> str | None:
            return function(case)

        guard(Case, transition_name, name)(case_guard)
        return function

    return decorate
