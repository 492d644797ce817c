"""API rate limits: one bucket per API token and one per signed-in browser
user (rates in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``). A revoked or
expired token never reaches the throttle: authentication refuses it first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

if TYPE_CHECKING:  # DRF imports this module while it loads rest_framework.views
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ApiTokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class SessionUserRateThrottle(SimpleRateThrottle):
    scope = "session_user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user and request.user.is_authenticated and not isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None
