"""The second factor (TOTP, django-otp): who needs it, and where it is enforced.

Rule: a user needs a verified second factor when they are cleared
CONFIDENTIEL UE or above (whatever the expiry date says: the clearance was
granted, the account is a target), when they belong to the Council
secretariat, or when they can reach the admin console. The rule is
:func:`requires_second_factor`; it is enforced in two places that together
cover every session-authenticated request:

* pages: :class:`SecondFactorMiddleware` sends such a user, after the
  password, to verify a code (or, with no device yet, to register one)
  before anything else;
* the API: :class:`cdt.accounts.authentication.VerifiedSessionAuthentication` treats an unverified
  session as no authentication at all (401/403).

API tokens are not affected: they are issued to a client by the secretariat,
stored hashed and scoped; they are the second credential.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from cdt.security.markings import Classification
from cdt.security.types import AnyUser, is_signed_in

from .roles import Role

#: Marks views an unverified user may still reach (the verification and
#: enrolment pages themselves).
EXEMPT_ATTRIBUTE = "cdt_second_factor_exempt"
#: Third-party URL names an unverified user may reach.
EXEMPT_URL_NAMES = frozenset({"logout", "set_language", "login", "health", "favicon"})

_View = TypeVar("_View", bound=Callable[..., Any])


def requires_second_factor(user: AnyUser) -> bool:
    if not is_signed_in(user):
        return False
    return (
        int(user.clearance) >= int(Classification.CONFIDENTIEL_UE) or user.is_staff or user.is_superuser or user.has_role(Role.SECRETARIAT)
    )


def is_verified(user: AnyUser) -> bool:
    """True once django-otp has verified a device in this session."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_exempt(view: _View) -> _View:
    setattr(view, EXEMPT_ATTRIBUTE, True)
    return view


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: tuple[Any, ...], view_kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        user = getattr(request, "user", None)
        if not requires_second_factor(user) or is_verified(user):
            return None
        from rest_framework.views import APIView

        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None  # VerifiedSessionAuthentication decides
        if getattr(view_func, EXEMPT_ATTRIBUTE, False):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        from django_otp import devices_for_user

        target = "otp-verify" if any(True for _ in devices_for_user(user, confirmed=True)) else "otp-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
