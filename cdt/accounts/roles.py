"""The roles a CDT user can hold, stored as Django groups.

They are the actors the revised implementing guidelines 2023 name: HWPCI
delegates, the EEAS and the Commission services (para 24), SIAC and the
EUIBAs (paras 19-20), international partners (paras 38-39); and the
Presidency, which chairs HWPCI, and the Council secretariat.

A group's name is the role's English label, so the admin console reads
naturally; code refers to roles by :class:`Role` only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HWPCI_DELEGATE = "hwpci_delegate", _("HWPCI delegate")
    PRESIDENCY_CHAIR = "presidency_chair", _("Presidency chair")
    EEAS_DRAFTER = "eeas_drafter", _("EEAS drafter")
    COMMISSION_CONTRIBUTOR = "commission_contributor", _("Commission contributor")
    SIAC_ANALYST = "siac_analyst", _("SIAC analyst")
    EUIBA_CONTRIBUTOR = "euiba_contributor", _("EUIBA contributor")
    PARTNER_LIAISON = "partner_liaison", _("International partner liaison")
    SECRETARIAT = "secretariat", _("Council secretariat")


#: Group name (English label) for each role.
GROUP_NAMES: dict[Role, str] = {
    Role.HWPCI_DELEGATE: "HWPCI delegate",
    Role.PRESIDENCY_CHAIR: "Presidency chair",
    Role.EEAS_DRAFTER: "EEAS drafter",
    Role.COMMISSION_CONTRIBUTOR: "Commission contributor",
    Role.SIAC_ANALYST: "SIAC analyst",
    Role.EUIBA_CONTRIBUTOR: "EUIBA contributor",
    Role.PARTNER_LIAISON: "International partner liaison",
    Role.SECRETARIAT: "Council secretariat",
}
ROLE_BY_GROUP_NAME: dict[str, Role] = {name: role for role, name in GROUP_NAMES.items()}

#: Model permissions the secretariat's admin console needs. Only reference
#: data and accounts: protected domain objects are never opened to anyone by
#: model-level permission (the security model grants them per object).
SECRETARIAT_MODEL_PERMISSIONS: dict[str, list[str]] = {
    "directory": ["memberstate", "populationshare", "councilbody", "organisation", "presidencyterm"],
    "accounts": ["user", "apitoken"],
    "auth": ["group"],
    "security": ["auditentry"],  # view only: the model has no other permission
    # Reference data (the registry) and the feed's configuration and log (never the objects posted).
    "awareness": ["threatactor", "feedclient", "taxiicollection", "feedingestion"],
    "council": ["meeting", "agendaitem"],  # the calendar; agenda items are filtered by case access
    "measures": ["measuretype"],  # the catalogue
}

#: Prefix of the one group per organisation (targets of whole-delegation grants).
ORGANISATION_GROUP_PREFIX = "Organisation: "
