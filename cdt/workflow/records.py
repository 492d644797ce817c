"""The one shape of a transition log.

Every workflow's log table inherits :class:`TransitionRecord` and adds only
the foreign key to what moved (named by :attr:`Workflow.log_subject`) and,
where a transition records one, a relation (the case a case was merged
into). One abstract shape rather than one generic table: each log keeps a
real foreign key, so it is read with its object, deleted with it and
filtered by the same access rule, and nothing had to be copied between
tables (decision 0027).

Two times: ``on`` is the day the step happened (today, or a past day given
when the record of earlier years is entered), ``at`` the moment it was
recorded. Steps are ordered by ``on``; the engine refuses a day in the
future, before the case began, or before the previous step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .registry import Workflow

#: The order of a log: by the day each step happened, then when it was recorded.
LOG_ORDER = (models.F("on").asc(nulls_first=True), "at", "id")


class TransitionRecord(models.Model):
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=30)
    target = models.CharField(_("to"), max_length=30)
    #: Who took the step, or whose step caused it (a note superseded by its
    #: revision's submission); empty when no one did (a written procedure
    #: closed at its deadline).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    #: When the step happened (entered afterwards for the record of past
    #: years); ``at`` is when it was recorded, kept for the audit.
    on = models.DateField(_("on"), null=True, blank=True)
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True
        #: Rows written outside the engine (an object's creation) have no ``on``:
        #: they come first on every database (PostgreSQL sorts nulls last by default).
        ordering = [models.F("on").asc(nulls_first=True), "at", "id"]

    # --- How a row reads (the one place a log's stored names become words) ------

    @property
    def workflow(self) -> Workflow:
        from .registry import workflow_for_log  # the registry reads records: imported when read

        return workflow_for_log(type(self))

    @property
    def transition_label(self) -> StrOrPromise:
        """The step as words ("Share situational awareness", "Created"), never its stored name."""
        return self.workflow.step_label(self.transition)

    @property
    def source_label(self) -> StrOrPromise:
        return self.workflow.state_value_label(self.source) if self.source else ""

    @property
    def target_label(self) -> StrOrPromise:
        return self.workflow.state_value_label(self.target) if self.target else ""

    @property
    def reason_label(self) -> StrOrPromise:
        return self.workflow.reason_label(self.transition, self.reason) if self.reason else ""

    @property
    def is_origin(self) -> bool:
        """A row written when the object began (created, opened, proposed):
        it moved nothing, so it reads as the step alone, without "draft → draft"."""
        return self.transition not in self.workflow.steps() and (not self.source or self.source == self.target)
