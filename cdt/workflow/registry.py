"""Workflows, their steps and their guards, read from the models.

A :class:`Workflow` names one model's machine (its FSM field), its log
table, and the few things that differ from one machine to the next, each a
method with a default. :class:`Step` is one transition read back from the
``@transition`` declarations, so changing a declaration changes the API,
the buttons and the diagram together. Guards are read-only functions of the
object (and the user, for wording), declared on the transition
(``custom={"guards": (...)}``) or added by another app with :func:`guard`
(the measures app's "an options note submitted" on a case's
``open_deliberation``), so the machine's owner need not import them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import RETURN_VALUE

from cdt.security.selectors import protected_queryset
from cdt.security.types import AnyUser, is_signed_in

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .records import TransitionRecord

#: ``(obj, user) -> None`` when satisfied, else the reason it is not.
#: ``user`` may be None (the system, or a check made for nobody in particular).
Guard = Callable[[Any, AnyUser], "str | None"]

_GUARDS: dict[tuple[str, str], list[tuple[str, Guard]]] = defaultdict(list)
_WORKFLOWS: dict[type[Model], Workflow] = {}

#: How a log names the rows written outside the engine, when an object
#: begins (its creating service logs them): read as words, never as the
#: stored name. A workflow adds its own in :attr:`Workflow.record_labels`.
ORIGIN_LABELS: dict[str, StrOrPromise] = {
    "create": gettext_lazy("Created"),
    "open": gettext_lazy("Opened"),
    "revise": gettext_lazy("Revision started"),
}


def guard(model: type[Model], transition: str, name: str) -> Callable[[Guard], Guard]:
    """Register ``name`` as a guard of ``model``'s ``transition`` (once,
    whatever the number of imports)."""

    def decorate(function: Guard) -> Guard:
        key = (model._meta.label_lower, transition)
        if name not in {existing for existing, _ in _GUARDS[key]}:
            _GUARDS[key].append((name, function))
        return function

    return decorate


@dataclass(frozen=True)
class Step:
    """One transition of a workflow, as declared on the model."""

    name: str
    label: StrOrPromise  # lazy: read in the language of each request
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    needs: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    reason_choices: tuple[tuple[str, str], ...] = ()
    edges: tuple[tuple[str, str], ...] = field(default=())
    permission: Callable[[Any, Any], bool] | None = None  # None: drawn, never taken by a user
    guards: tuple[Guard, ...] = ()
    event: str = ""
    system: bool = False  # taken by the system only (a deadline), never offered to users
    target_labels: tuple[tuple[str, StrOrPromise], ...] = ()

    def may(self, obj: Model, user: AnyUser) -> bool:
        """The role rule alone (django-fsm's has_transition_perm would also
        evaluate the conditions, which are reported separately)."""
        return bool(is_signed_in(user) and self.permission is not None and self.permission(obj, user))

    def allowed_from(self, state: str) -> bool:
        return state in self.sources or "*" in self.sources

    @property
    def target_choices(self) -> list[tuple[str, StrOrPromise]]:
        return list(self.target_labels) if "target" in self.needs else []

    @property
    def needs_reason(self) -> bool:
        return "reason" in self.needs


@dataclass(frozen=True)
class Option:
    """A transition from the current state: available to this user now, or
    blocked and why (the role, an unmet guard)."""

    spec: Step
    available: bool
    blocked_by: tuple[str, ...]


class Workflow:
    """One model's machine. Subclass in the app that owns the model, set the
    class attributes, override what differs, and :meth:`register` it in the
    app's ``ready``."""

    model: ClassVar[type[Model]]
    field_name: ClassVar[str] = "status"
    log_model: ClassVar[type[TransitionRecord]]
    #: The foreign key on ``log_model`` to the object that moved.
    log_subject: ClassVar[str]
    #: Labels of the log rows a service writes outside the engine (beside
    #: :data:`ORIGIN_LABELS`), e.g. a measure's "propose".
    record_labels: ClassVar[dict[str, StrOrPromise]] = {}

    _steps: dict[str, Step] | None = None

    # --- Registration and reading -------------------------------------------------

    @classmethod
    def register(cls) -> Workflow:
        workflow = cls()
        _WORKFLOWS[cls.model] = workflow
        return workflow

    def steps(self) -> dict[str, Step]:
        """The transitions by name, in declaration order, read once."""
        if self._steps is None:
            self._steps = _read_steps(self.model, self.field_name)
        return self._steps

    def user_steps(self) -> dict[str, Step]:
        """The steps a user may ask for (a route checks a name against
        these: a system step is no more there than an unknown one)."""
        return {name: step for name, step in self.steps().items() if not step.system}

    def state_of(self, obj: Model) -> str:
        return str(getattr(obj, self.field_name))

    def state_label(self, obj: Model) -> str:
        return str(getattr(obj, f"get_{self.field_name}_display")())

    # --- Words for what a log stores (the one place a stored name becomes a label) --

    def step_label(self, name: str) -> StrOrPromise:
        """The label of a step a log row names: the transition's own label,
        else the label of a row written when the object began; an unknown
        name is shown as words, never as the stored key."""
        step = self.steps().get(name)
        if step is not None:
            return step.label
        return self.record_labels.get(name) or ORIGIN_LABELS.get(name) or name.replace("_", " ").capitalize()

    def state_value_label(self, value: str) -> StrOrPromise:
        """The label of a stored state (the FSM field's choice)."""
        state_field: Any = self.model._meta.get_field(self.field_name)
        return dict(state_field.flatchoices).get(value, value.replace("_", " ").capitalize())

    def reason_label(self, name: str, reason: str) -> StrOrPromise:
        """A log row's reason: the label of a declared reason (a closure
        reason), else the free text as written."""
        step = self.steps().get(name)
        return dict(step.reason_choices).get(reason, reason) if step is not None else reason

    # --- What differs between machines (defaults fit most) ------------------------

    def visible(self, queryset: QuerySet[Any], user: AnyUser) -> QuerySet[Any]:
        """The rows ``user`` may see: the one access rule."""
        return protected_queryset(queryset, user)

    def lock(self, obj: Model) -> Model:
        """The row, re-read under a lock for the length of the transaction."""
        return self.model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)

    def unmet(self, obj: Model, step: Step, user: AnyUser) -> list[str]:
        """The reasons the guards of ``step`` give against it now."""
        guards = [*step.guards, *(function for _, function in _GUARDS[(self.model._meta.label_lower, step.name)])]
        return [str(reason) for function in guards if (reason := function(obj, user))]

    def clean_input(self, obj: Model, step: Step, by: AnyUser, given: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of the transition's body, from what the
        caller gave; raise ``ValidationError`` naming the field otherwise.
        The shared needs are checked here; a workflow adds its own."""
        return standard_input(step, given)

    def began_on(self, obj: Model) -> tuple[datetime.date, str] | None:
        """The earliest day a step of ``obj`` can have happened, and what
        happened that day: by default the day its case was brought to the
        Council (a case's own ``brought_on``, or its case's for what belongs
        to one); None when there is no case."""
        for holder in (obj, getattr(obj, "case", None)):
            began = getattr(holder, "brought_on", None)
            if isinstance(began, datetime.date):
                return began, _("the case was brought to the Council")
        return None

    def occurred_on(self, obj: Model, step: Step, given: dict[str, Any], body: dict[str, Any]) -> datetime.date:
        """The day the step happened: ``on`` as given (the record of past
        years is entered after the fact) or today. Not in the future, not
        before the case began, not before the previous step of ``obj``:
        otherwise ``ValidationError`` on ``on``."""
        on = body.get("on") or given.get("on") or timezone.localdate()
        if isinstance(on, datetime.datetime) or not isinstance(on, datetime.date):
            raise ValidationError({"on": _("Give the date as YYYY-MM-DD.")})
        if on > timezone.localdate():
            raise ValidationError({"on": _("The date cannot be in the future.")})
        began = self.began_on(obj)
        if began and on < began[0]:
            raise ValidationError(
                {"on": _("The date cannot be before %(what)s (%(date)s).") % {"what": began[1], "date": began[0].isoformat()}}
            )
        previous = (
            self.log_model._default_manager.filter(**{self.log_subject: obj}, on__isnull=False)
            .order_by("-on")
            .values_list("on", flat=True)
            .first()
        )
        if previous and on < previous:
            raise ValidationError(
                {
                    "on": _("The date cannot be before the previous step (%(date)s): steps are entered in order.")
                    % {"date": previous.isoformat()}
                }
            )
        return on

    def log_fields(self, obj: Model, step: Step, given: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """What the log row records beside the step itself."""
        return {"comment": (given.get("comment") or "").strip(), "reason": str(given.get("reason") or "").strip()}

    def after(self, obj: Model, step: Step, source: str, by: AnyUser, body: dict[str, Any], log: TransitionRecord) -> None:
        """Side effects in the same transaction (schedules, related rows)."""

    def event(self, obj: Model, step: Step, source: str, by: AnyUser, log: TransitionRecord) -> None:
        """Emit the event of the step (the owning app knows its event kinds)."""

    def conflict_message(self, obj: Model, step: Step) -> str:
        return _("It is “%(state)s”, from which “%(transition)s” is not possible.") % {
            "state": self.state_label(obj),
            "transition": step.label,
        }

    def forbidden_message(self, obj: Model, step: Step) -> str:
        return _("You may not “%(transition)s” here.") % {"transition": step.label}


def workflow_for(target: Model | type[Model]) -> Workflow:
    """The registered workflow of a model or an instance."""
    model = target if isinstance(target, type) else type(target)
    model = model._meta.concrete_model or model
    try:
        return _WORKFLOWS[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no registered workflow") from None


def workflow_for_log(log_model: type[Model]) -> Workflow:
    """The registered workflow whose log table is ``log_model``."""
    for workflow in _WORKFLOWS.values():
        if workflow.log_model is log_model:
            return workflow
    raise LookupError(f"{log_model._meta.label} is the log of no registered workflow")


def standard_input(step: Step, given: dict[str, Any]) -> dict[str, Any]:
    """The needs every machine shares: a reason (free text, or one of the
    declared reasons), a target state among those declared, a date not in
    the future."""
    body: dict[str, Any] = {}
    reason = str(given.get("reason") or "").strip()
    if step.needs_reason and not reason:
        raise ValidationError({"reason": _("“%(transition)s” needs a reason.") % {"transition": step.label}})
    if step.reasons:
        if reason not in step.reasons:
            choices = ", ".join(f"“{label}”" for _value, label in step.reason_choices)
            raise ValidationError({"reason": _("Choose one of: %(choices)s.") % {"choices": choices}})
        body["reason"] = reason
    if "target" in step.needs:
        target = given.get("target")
        if target not in step.targets:
            choices = ", ".join(f"“{label}”" for _value, label in step.target_labels)
            raise ValidationError({"target": _("Choose the state to return to: %(choices)s.") % {"choices": choices}})
        body["target"] = target
    if "on" in step.needs:
        on = given.get("on") or timezone.localdate()
        if not isinstance(on, datetime.date) or on > timezone.localdate():
            raise ValidationError({"on": _("The date cannot be in the future.")})
        body["on"] = on
    return body


def _read_steps(model: type[Model], field_name: str) -> dict[str, Step]:
    state_field: Any = model._meta.get_field(field_name)
    labels: dict[str, Any] = {str(value): label for value, label in state_field.choices or ()}  # lazy labels: read per request
    grouped: dict[str, dict[str, Any]] = {}
    for declared in state_field.get_all_transitions(model):
        entry = grouped.setdefault(
            declared.name, {"sources": [], "targets": [], "edges": [], "custom": declared.custom, "permission": declared.permission}
        )
        declared_targets = list(declared.target.allowed_states) if isinstance(declared.target, RETURN_VALUE) else [declared.target]
        if declared.source not in entry["sources"]:
            entry["sources"].append(declared.source)
        for target in declared_targets:
            if target not in entry["targets"]:
                entry["targets"].append(target)
            entry["edges"].append((declared.source, target))
    order = [name for klass in reversed(model.__mro__) for name in vars(klass)]
    steps = {}
    for name, entry in sorted(grouped.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)):
        custom = entry["custom"] or {}
        targets: tuple[str, ...] = tuple(str(target) for target in custom.get("targets", entry["targets"]))
        steps[name] = Step(
            name=name,
            label=custom.get("label", name),
            sources=tuple(entry["sources"]),
            targets=targets,
            needs=tuple(custom.get("needs", ())),
            reasons=tuple(value for value, _label in custom.get("reasons", ())),
            reason_choices=tuple(custom.get("reasons", ())),
            edges=tuple(entry["edges"]),
            permission=entry["permission"],
            guards=tuple(custom.get("guards", ())),
            event=str(custom.get("event", "")),
            system=bool(custom.get("system", False)),
            target_labels=tuple((target, labels.get(target, target)) for target in targets),
        )
    return steps
