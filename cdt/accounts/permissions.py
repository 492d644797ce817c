"""API permission rules reused by every viewset.

``HasTokenScope``: a request authenticated by an API token may only do what
the token's scopes allow: safe methods need ``read`` (or the view's declared
read scope), unsafe ones ``write`` (or the view's declared write scope). A
browser session is limited by the user's rights only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import permissions

from .models import ApiToken
from .scopes import READ, WRITE

if TYPE_CHECKING:  # DRF imports this module while it loads rest_framework.views
    from rest_framework.request import Request
    from rest_framework.views import APIView


class HasTokenScope(permissions.BasePermission):
    message = "This API token does not carry the scope this operation needs."

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        if request.method in permissions.SAFE_METHODS:
            needed = getattr(view, "read_scope", READ)
        else:
            needed = getattr(view, "write_scope", WRITE)
        return token.has_scope(needed)


#: What every CDT API view starts from: authenticated and within token scope.
AUTHENTICATED_WITH_SCOPE = [permissions.IsAuthenticated, HasTokenScope]
