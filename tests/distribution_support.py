"""Shared by the distribution tests: the cast plus a user outside HWPCI,
and cases opened through the service."""

from __future__ import annotations

import pytest

from cases.models import Case
from cdt.accounts.roles import Role
from cdt.directory.models import Organisation
from cdt.security.markings import Distribution

from .cases_support import case_fields

JSON = "application/json"


@pytest.fixture
def people(cast, make_user):
    """The cast, and a Commission contributor (DG CNECT: outside HWPCI)."""
    return {**cast, "cnect": make_user("cnect-staff", "COM-CNECT", roles=(Role.COMMISSION_CONTRIBUTOR,))}


def opened(people, by: str = "eeas", **overrides) -> Case:
    """A case opened through the service (by the EEAS, HWPCI-wide, unless told)."""
    from cases.services import case_open

    opener = people[by]
    fields = case_fields(brought_by=opener.organisation, distribution=Distribution.HWPCI)
    fields.update(overrides)
    return case_open(by=opener, **fields)


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)
