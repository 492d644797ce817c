"""API token scopes. A token carries the scopes it was issued with; a request
authenticated by a browser session is limited only by the user's rights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

READ = "read"
WRITE = "write"
FEEDS_WRITE = "feeds:write"

SCOPES: dict[str, StrPromise] = {
    READ: _("Read what the user may see"),
    WRITE: _("Act as the user: create, change, move cases through the process"),
    FEEDS_WRITE: _("Post assessments and briefings to the situational-awareness feed"),
}
DEFAULT_SCOPES = [READ]
