"""factory-boy factories for cases and their rows, already at a given step.

For tests about what happens at a step (proposing a measure in
deliberation, recording an attribution claim) and not about the services
that lead there, and for the bench's register (``bench/seed.py`` takes its
rows' values from here): the case row is made directly at its step, with
the grants the opening service gives (:func:`cases.services.case_open`).
Tests about the response process walk the real services
(:func:`tests.cases_support.walk_to`), and so does the demo.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.contrib.auth.models import Group

from cdt.accounts.factories import UserFactory
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.directory.factories import reference_data
from cdt.directory.models import Organisation
from cdt.security.factories import MarkedFactory
from cdt.security.grants import access_grant, organisation_group

from .models import Case, CaseKind, CaseState, CaseTransition, ProportionalityAssessment
from .services import _next_reference


def _opening_grants(case: Case, create: bool, extracted: bool | None, **kwargs: Any) -> None:
    """The opening service's grants; ``opening_grants=False`` leaves them
    out (a world that states every grant itself)."""
    if not create or extracted is False:
        return
    secretariat = Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])
    for group in (organisation_group(case.originator), secretariat):
        access_grant(target=case, by=case.created_by, group=group)
        access_grant(target=case, by=case.created_by, group=group, action="change")


class CaseFactory(MarkedFactory):
    """A case at ``state`` (``STARTED`` unless given), opened by
    ``created_by`` (a new German delegate unless given) for their organisation; that organisation and the
    secretariat get view and change access, as on opening."""

    class Meta:
        model = Case

    kind = CaseKind.MALICIOUS_ACTIVITY
    title = "Wiper attack on energy grid operators"
    summary = "Destructive malware against transmission system operators in two Member States."
    brought_on = datetime.date(2026, 11, 2)
    reference = factory.LazyAttribute(lambda case: _next_reference(case.brought_on.year))
    brought_by = reference_data(Organisation, code="DE")
    created_by = factory.SubFactory(UserFactory)
    originator = factory.LazyAttribute(lambda case: case.created_by.organisation)
    state = CaseState.STARTED
    opening_grants = factory.PostGeneration(_opening_grants)


class CaseTransitionFactory(factory.django.DjangoModelFactory):
    """One row of a case's log: the first step, taken by ``by``."""

    class Meta:
        model = CaseTransition

    case = factory.SubFactory(CaseFactory)
    transition = "share_awareness"
    source = CaseState.STARTED
    target = CaseState.AWARENESS
    by = factory.SelfAttribute("case.created_by")


class ProportionalityAssessmentFactory(factory.django.DjangoModelFactory):
    """Principle 5's seven dimensions (``cases.models.DIMENSIONS``), each scored 3 with a rationale."""

    class Meta:
        model = ProportionalityAssessment

    case = factory.SubFactory(CaseFactory)
    assessed_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")
    scope = 3
    scope_rationale = "Assessed scope."
    scale = 3
    scale_rationale = "Assessed scale."
    duration = 3
    duration_rationale = "Assessed duration."
    intensity = 3
    intensity_rationale = "Assessed intensity."
    complexity = 3
    complexity_rationale = "Assessed complexity."
    sophistication = 3
    sophistication_rationale = "Assessed sophistication."
    impact = 3
    impact_rationale = "Assessed impact."
