"""The roles a CDT user can hold, stored as Django groups.

They are the actors the revised implementing guidelines 2023 name: HWPCI
delegates, the EEAS and the Commission services (para 24), SIAC and the
EUIBAs (paras 19-20), international partners (paras 38-39); and the
Presidency, which chairs HWPCI, and the Council secretariat.

A group's name is the role's English label, so the admin console reads
naturally; code refers to roles by :class:`Role` only.

The role checks every app uses (:func:`is_delegate`, :func:`is_chair`,
:func:`is_eeas`, :func:`is_secretariat`) live here, on the ground floor, so
no app reaches into another's permissions for them. "Chair" is computed, not
assigned: the HWPCI delegates of the Member State holding the Presidency on
the day (the directory's Presidency calendar).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypeGuard

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdt.directory.models import Organisation
from cdt.directory.selectors import presidency_on
from cdt.security.types import AnyUser, is_signed_in

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from cdt.accounts.models import User


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

#: The EEAS's code in the directory.
EEAS_CODE = "EEAS"


def is_delegate(user: AnyUser) -> TypeGuard[User]:
    return bool(is_signed_in(user) and user.has_role(Role.HWPCI_DELEGATE) and user.member_state is not None)


def is_chair(user: AnyUser, on: datetime.date | None = None) -> bool:
    """A delegate of the Member State holding the Presidency on ``on``."""
    if not is_delegate(user):
        return False
    on = on or timezone.localdate()
    cache = user.__dict__.setdefault("_cdt_presidency", {})
    if on not in cache:
        term = presidency_on(on)
        cache[on] = term.member_state_id if term else None
    member_state = user.member_state  # not None: a delegate's
    return member_state is not None and cache[on] == member_state.pk


def is_eeas(user: AnyUser) -> TypeGuard[User]:
    return bool(is_signed_in(user) and user.organisation_id and user.organisation and user.organisation.code == EEAS_CODE)


def is_secretariat(user: AnyUser) -> TypeGuard[User]:
    return bool(is_signed_in(user) and user.has_role(Role.SECRETARIAT))


# --- What the secretariat grants from its console ------------------------------

#: The organisation of the Commission: its services are its units.
COMMISSION_CODE = "COM"
#: SIAC's code in the directory.
SIAC_CODE = "SIAC"

#: The roles the secretariat gives a new account from its console, in the
#: order offered, with the roles each brings along: the Presidency's chair is
#: one of its HWPCI delegates. Superuser status and model permissions are
#: never among them (decision 0001; docs/security-model.md, "Four eyes"),
#: nor the secretariat's own role: one member of the secretariat making
#: another secretariat account could then change their own clearance and
#: roles through it. Secretariat accounts are made in the admin.
ONBOARDING_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.HWPCI_DELEGATE: (Role.HWPCI_DELEGATE,),
    Role.PRESIDENCY_CHAIR: (Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR),
    Role.EEAS_DRAFTER: (Role.EEAS_DRAFTER,),
    Role.PARTNER_LIAISON: (Role.PARTNER_LIAISON,),
    Role.SIAC_ANALYST: (Role.SIAC_ANALYST,),
    Role.COMMISSION_CONTRIBUTOR: (Role.COMMISSION_CONTRIBUTOR,),
    Role.EUIBA_CONTRIBUTOR: (Role.EUIBA_CONTRIBUTOR,),
}

#: Where each role is held (the revised implementing guidelines name who does
#: what, para 24), and how a refusal says so.
ROLE_PLACES: dict[Role, StrPromise] = {
    Role.HWPCI_DELEGATE: _("An HWPCI delegate belongs to a Member State delegation."),
    Role.PRESIDENCY_CHAIR: _("The Presidency's chair belongs to a Member State delegation."),
    Role.EEAS_DRAFTER: _("An EEAS drafter belongs to the EEAS."),
    Role.PARTNER_LIAISON: _("The international partner liaison is an EEAS desk: choose the EEAS."),
    Role.SIAC_ANALYST: _("A SIAC analyst belongs to SIAC."),
    Role.COMMISSION_CONTRIBUTOR: _("A Commission contributor belongs to the Commission or one of its services."),
    Role.EUIBA_CONTRIBUTOR: _("An EUIBA contributor belongs to an EU institution, body or agency."),
    Role.SECRETARIAT: _("The Council secretariat's staff belong to the Council secretariat."),
}


def role_fits_organisation(role: Role, organisation: Organisation) -> bool:
    """Whether ``organisation`` is where ``role`` is held (:data:`ROLE_PLACES`)."""
    kind = organisation.kind
    if role in (Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR):
        return organisation.is_delegation
    if role in (Role.EEAS_DRAFTER, Role.PARTNER_LIAISON):
        return organisation.code == EEAS_CODE
    if role == Role.SIAC_ANALYST:
        return organisation.code == SIAC_CODE
    if role == Role.COMMISSION_CONTRIBUTOR:
        parent = organisation.parent  # one query at most: a form's check
        return organisation.code == COMMISSION_CODE or (parent is not None and parent.code == COMMISSION_CODE)
    if role == Role.EUIBA_CONTRIBUTOR:
        return kind == Organisation.Kind.EUIBA
    return kind == Organisation.Kind.SECRETARIAT
