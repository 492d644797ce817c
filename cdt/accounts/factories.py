"""Users and API tokens as rows, for tests and the bench.

A user made here has roles (and their organisation's group, as
:func:`cdt.accounts.services.user_upsert` gives it) but no usable password:
tests sign in with ``force_login``, and the demo accounts, which people sign
in with, go through :func:`~cdt.accounts.services.user_upsert`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

import factory
from factory.django import DjangoModelFactory

from cdt.directory.factories import reference_data
from cdt.directory.models import Organisation
from cdt.security.markings import Classification

from .models import ApiToken, User
from .roles import Role
from .scopes import READ
from .services import hash_api_key, role_groups_ensure, user_organisation_group_sync


def _roles(user: User, create: bool, extracted: Iterable[Role] | None, **kwargs: Any) -> None:
    if not create:
        return
    groups = role_groups_ensure()
    user.groups.add(*(groups[role] for role in (extracted if extracted is not None else (Role.HWPCI_DELEGATE,))))
    user_organisation_group_sync(user=user)


class UserFactory(DjangoModelFactory):
    """An HWPCI delegate of Germany cleared RESTREINT UE, unless told
    (``organisation=``, ``roles=[...]``, ``clearance=``)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n:04d}")
    password = "!"  # unusable (Django's prefix for "no password")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@cdt.invalid")
    is_active = True
    organisation = reference_data(Organisation, code="DE")
    clearance = Classification.RESTREINT_UE
    roles = factory.PostGeneration(_roles)


class ApiTokenFactory(DjangoModelFactory):
    """A read-only token; ``key=`` fixes the key (only its prefix and hash
    are stored), otherwise a random one."""

    class Meta:
        model = ApiToken

    class Params:
        key = factory.LazyFunction(lambda: secrets.token_urlsafe(32))

    user = factory.SubFactory(UserFactory)
    name = "Test client"
    key_prefix = factory.LazyAttribute(lambda token: token.key[:8])
    key_hash = factory.LazyAttribute(lambda token: hash_api_key(token.key))
    scopes = factory.LazyFunction(lambda: [READ])
