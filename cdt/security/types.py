"""Types shared by the security model and the apps that call it.

A request acts for a signed-in :class:`~cdt.accounts.models.User`, for the
anonymous user, or (a task, a management command) for nobody. The guards
below are the checks the access rule always made, written so that the type
checker learns from them that the user is a real one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cdt.accounts.models import User

#: Whoever a call acts for.
AnyUser: TypeAlias = "User | AnonymousUser | None"

if TYPE_CHECKING:
    from rest_framework.request import Request

    class AuthenticatedHttpRequest(HttpRequest):
        """A request that the login-required middleware let through (every
        page but the ``PUBLIC`` ones, see :mod:`cdt.core.access`)."""

        user: User

    class AuthenticatedRequest(Request):
        """An API request that ``IsAuthenticated`` let through (every API
        view starts from ``AUTHENTICATED_WITH_SCOPE``)."""

        @property
        def user(self) -> User: ...
        @user.setter
        def user(self, value: User) -> None: ...

else:
    AuthenticatedHttpRequest = HttpRequest
    AuthenticatedRequest = object  # annotations only: DRF must not be imported this early


def is_signed_in(user: AnyUser) -> TypeGuard[User]:
    """A user who signed in (active or not)."""
    return user is not None and user.is_authenticated


def is_active_user(user: AnyUser) -> TypeGuard[User]:
    """A user who signed in and is active: the only kind the rule lets see anything."""
    return user is not None and user.is_authenticated and user.is_active
