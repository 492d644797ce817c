"""DRF authentication by ``Authorization: Token <key>`` against hashed keys."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken, User
from .second_factor import is_verified, requires_second_factor
from .services import hash_api_key

if TYPE_CHECKING:  # DRF imports this module while it loads rest_framework.views
    from rest_framework.request import Request

LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        try:
            token = ApiToken.objects.select_related("user", "user__organisation").get(key_hash=hash_api_key(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        now = timezone.now()
        if not token.is_usable(now):
            raise exceptions.AuthenticationFailed(_("Token revoked, expired, or its user is inactive."))
        # Record use at most once a minute, not on every request.
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """DRF session authentication that ignores a session whose user still
    owes a second factor (see :mod:`cdt.accounts.second_factor`)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if requires_second_factor(user) and not is_verified(user):
            return None
        return result


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    """Documents the session scheme in the OpenAPI schema (as drf-spectacular
    does for DRF's own session authentication)."""

    target_class = VerifiedSessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
