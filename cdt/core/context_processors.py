"""What the site shell (header and navigation) needs on every page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdt.accounts.roles import is_secretariat

# (label, URL name or None while the area is not built yet)
NAVIGATION = [
    (_("Home"), "home"),
    (_("Cases"), "case-list-page"),
    (_("Meetings"), "meeting-list-page"),
    (_("Measures"), "measure-catalogue-page"),
    (_("Attribution"), "claim-list-page"),
    (_("Awareness"), "assessment-list-page"),
    (_("Figures"), "figures-page"),
    (_("Directory"), "directory"),
    (_("Access requests"), "access-request-page"),
]


def shell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    entries = []
    for label, url_name in NAVIGATION:
        url = reverse(url_name) if url_name else None
        matches = bool(url) and (request.path == url if url == "/" else request.path.startswith(url))
        entries.append({"label": label, "url": url, "current": matches})
    # One current entry: the most specific (/cases/access-requests/ is not also "Cases").
    longest = max((len(entry["url"]) for entry in entries if entry["current"]), default=0)
    for entry in entries:
        entry["current"] = entry["current"] and len(entry["url"]) == longest
    if is_secretariat(user):  # its console (which links to the admin for the rest)
        entries.append({"label": _("Console"), "url": reverse("console-index"), "current": request.path.startswith("/console/")})
    elif user.is_staff:
        entries.append({"label": _("Admin"), "url": reverse("admin:index"), "current": request.path.startswith("/admin/")})
    return {"navigation": entries}
