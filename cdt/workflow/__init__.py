"""The one workflow engine: every state machine of CDT runs through it.

Transitions stay declared on the models with django-fsm's ``@transition``
(pure guards, bodies that only set fields), with what each needs beside it
in ``custom``: its label, the input it needs, its event. A domain app
describes the rest of its machine once, in a :class:`Workflow`: which log
table records the steps, how the input it needs is checked, what happens
after (inside the same transaction) and which event is emitted. Then one
service, :func:`transition_run`, takes any transition of any workflow, and
one function, :func:`transition_options`, says what a user may do now and,
if not, why. Decision record 0027 says why it is shaped so.

This package is ground floor: it imports no domain app.
"""

from .engine import Outcome, transition_options, transition_run
from .errors import TransitionConflict, TransitionGuardFailed
from .registry import Option, Step, Workflow, guard, workflow_for

__all__ = [
    "Option",
    "Outcome",
    "Step",
    "TransitionConflict",
    "TransitionGuardFailed",
    "Workflow",
    "guard",
    "transition_options",
    "transition_run",
    "workflow_for",
]
