"""Who reaches the secretariat's console (``/console/``): the Council
secretariat, with a verified second factor. One decorator declares it
(``SECRETARIAT`` in :mod:`cdt.core.access`, so the route walk finds it) and
enforces it, so a console page cannot declare one thing and check another.

Anyone else signed in gets 403 before the view looks anything up: the
console's pages are the secretariat's tools, and a refusal that comes first
says nothing about the objects they would show. A secretariat member whose
session has no verified second factor is sent to verify it (the
second-factor middleware does the same for every page; this holds even
where the middleware is not installed, as in a unit test's settings).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cdt.core.access import SECRETARIAT, declare_access

from .roles import is_secretariat
from .second_factor import is_verified

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


def secretariat_console(view: _View) -> _View:
    """Declare and enforce the console's access on a view function."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_secretariat(request.user):
            raise PermissionDenied(_("The console is the Council secretariat's."))
        if not is_verified(request.user):
            return redirect(f"{reverse('otp-verify')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return declare_access(SECRETARIAT)(guarded)  # type: ignore[return-value]
