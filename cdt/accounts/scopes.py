"""API token scopes. A token carries the scopes it was issued with; a request
authenticated by a browser session is limited only by the user's rights."""

from django.utils.translation import gettext_lazy as _

READ = "read"
WRITE = "write"
FEEDS_WRITE = "feeds:write"

SCOPES: dict[str, str] = {
    READ: _("Read what the user may see"),
    WRITE: _("Act as the user: create, change, move cases through the process"),
    FEEDS_WRITE: _("Post assessments and briefings to the situational-awareness feed"),
}
DEFAULT_SCOPES = [READ]
