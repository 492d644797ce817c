"""factory-boy factories for objects already at a given step.

For tests about what happens at a step (proposing a measure in
deliberation, recording an attribution claim) and not about the services
that lead there: the case row is made directly at its step, with the
grants the opening service gives (:func:`cases.services.case_open`). Tests
about the response process walk the real services
(:func:`tests.cases_support.walk_to`).
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from cases.models import Case, CaseKind, CaseState
from cases.services import _next_reference
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.directory.models import Organisation
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Classification, Tlp


class CaseFactory(DjangoModelFactory):
    """A case at ``state`` (``STARTED`` unless given), opened by
    ``created_by`` for their organisation; that organisation and the
    secretariat get view and change access, as on opening."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    kind = CaseKind.MALICIOUS_ACTIVITY
    title = "Wiper attack on energy grid operators"
    summary = "Destructive malware against transmission system operators in two Member States."
    brought_on = datetime.date(2026, 11, 2)
    reference = factory.LazyAttribute(lambda case: _next_reference(case.brought_on.year))
    brought_by = factory.LazyFunction(lambda: Organisation.objects.get(code="DE"))
    originator = factory.LazyAttribute(lambda case: case.created_by.organisation)
    classification = Classification.RESTREINT_UE
    limite = True
    tlp = Tlp.AMBER
    releasable_to_all = True
    state = CaseState.STARTED

    @factory.post_generation
    def opening_grants(case: Case, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        secretariat = Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])
        for group in (organisation_group(case.originator), secretariat):
            access_grant(target=case, by=case.created_by, group=group)
            access_grant(target=case, by=case.created_by, group=group, action="change")
