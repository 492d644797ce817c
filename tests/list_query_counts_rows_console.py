"""Rows for the lists of the secretariat's console (people, cases), in bulk."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from cases.models import Case
from cdt.accounts.models import Invitation, User
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.security.markings import Classification

from .list_query_counts_rows_cases import make_cases
from .list_query_counts_support import World, grant, link


def make_people(world: World, n: int) -> None:
    """Delegates of Germany, with their role; every other one invited and
    without a password yet."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                username=f"qc-{i:06d}@test.invalid",
                email=f"qc-{i:06d}@test.invalid",
                first_name="Load",
                last_name=f"Person {i:06d}",
                organisation=world.orgs["DE"],
                clearance=Classification.RESTREINT_UE,
                clearance_expires_on=datetime.date(2030, 1, 1),
                password="!unusable" if i % 2 else "pbkdf2_sha256$1$salt$hash",
            )
            for i in world.take(n)
        ],
        batch_size=1000,
    )
    delegate = Group.objects.get(name=GROUP_NAMES[Role.HWPCI_DELEGATE])
    link(User.groups, [(user, delegate) for user in users])
    Invitation.objects.bulk_create(
        [
            Invitation(user=user, sent_at=now, expires_at=now + datetime.timedelta(days=3), sent_by=world.cast["secretariat"])
            for user in users
            if user.password.startswith("!")
        ],
        batch_size=1000,
    )


def make_console_cases(world: World, n: int) -> None:
    """The cases of the case lists, all of them shared with the Council
    secretariat (as the services share every case they open)."""
    cases = make_cases(world, n)
    grant(Case, cases, codes=("GSC",))
