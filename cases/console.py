"""Who sees a case, person by person, and why: the secretariat's console
page of a case (read-only; changes go through the case's share panel).

Who sees it is the access rule itself read the other way round
(:func:`cdt.security.access.viewers_of`, the notification recipients'
query); each reason beside a name is the need-to-know that reaches that
person (a named grant, their organisation's grant, a role's grant, the
HWPCI distribution). The people who are in the loop by need-to-know but
whom the markings keep out are listed too, with the marking that does
(clearance, an expired clearance, releasability, TLP), which is what the
secretariat is asked about most. Every list is read in a fixed number of
queries, whatever the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cdt.accounts.roles import ORGANISATION_GROUP_PREFIX, ROLE_BY_GROUP_NAME
from cdt.security.access import viewers_of
from cdt.security.markings import Classification, Distribution, Tlp

from .models import Case, CaseGroupObjectPermission, CaseUserObjectPermission

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from cdt.accounts.models import User

#: The most people listed as kept out (the count is always complete).
KEPT_OUT_SHOWN = 200


@dataclass
class Person:
    user: User
    reasons: list[str] = field(default_factory=list)
    may_change: bool = False
    kept_out_by: list[str] = field(default_factory=list)


@dataclass
class Audience:
    """Who sees the case and why; who would but for the markings."""

    viewers: list[Person]
    kept_out: list[Person]
    kept_out_count: int
    change_holders: list[str]


def _grants(case: Case, codename: str) -> tuple[set[int], dict[int, str]]:
    """The named officials and the groups (id -> name) holding ``codename`` on the case."""
    users = set(
        CaseUserObjectPermission.objects.filter(content_object=case, permission__codename=codename).values_list("user_id", flat=True)
    )
    groups = dict(
        CaseGroupObjectPermission.objects.filter(content_object=case, permission__codename=codename).values_list("group_id", "group__name")
    )
    return users, groups


def _group_label(name: str) -> str:
    if name.startswith(ORGANISATION_GROUP_PREFIX):
        return _("their organisation (%(code)s) is given access") % {"code": name.removeprefix(ORGANISATION_GROUP_PREFIX)}
    role = ROLE_BY_GROUP_NAME.get(name)
    return _("their role (%(role)s) is given access") % {"role": role.label if role else name}


def _people(queryset: QuerySet[User]) -> QuerySet[User]:
    return queryset.select_related("organisation").prefetch_related(Prefetch("groups", queryset=Group.objects.only("pk", "name")))


def case_audience(case: Case) -> Audience:
    """Everyone who sees ``case`` now with why, and those in the loop whom
    the markings keep out with which marking (:data:`KEPT_OUT_SHOWN` of them)."""
    named, groups = _grants(case, "view_case")
    change_named, change_groups = _grants(case, "change_case")
    hwpci = case.distribution == Distribution.HWPCI

    def reasons_of(user: User) -> list[str]:
        held = {group.pk for group in user.groups.all()}
        reasons = [_("named official")] if user.pk in named else []
        reasons += [_group_label(groups[pk]) for pk in sorted(held & set(groups))]
        if hwpci and user.organisation is not None and user.organisation.in_hwpci_distribution:
            reasons.append(_("the case is distributed to HWPCI"))
        return reasons

    viewers = []
    for user in _people(viewers_of(case)).order_by("organisation__code", "last_name", "first_name", "username"):
        held = {group.pk for group in user.groups.all()}
        viewers.append(Person(user, reasons_of(user), user.pk in change_named or bool(held & set(change_groups))))

    in_loop = Q(pk__in=named) | Q(groups__in=list(groups))
    if hwpci:
        in_loop |= Q(organisation__in_hwpci_distribution=True)
    candidates = get_user_model().objects.filter(in_loop, is_active=True).exclude(pk__in=viewers_of(case).values("pk")).distinct()
    kept_out_count = candidates.count()
    releasable = None if case.releasable_to_all else {organisation.pk for organisation in case.releasable_to.all()}
    kept_out = [
        Person(user, reasons_of(user), kept_out_by=_kept_out_by(case, user, named, releasable))
        for user in _people(candidates).order_by("organisation__code", "last_name", "first_name", "username")[:KEPT_OUT_SHOWN]
    ]
    holders = [_("named official %(name)s") % {"name": person.user} for person in viewers if person.user.pk in change_named]
    holders += [_group_label(name) for name in sorted(change_groups.values())]
    return Audience(viewers=viewers, kept_out=kept_out, kept_out_count=kept_out_count, change_holders=holders)


def _kept_out_by(case: Case, user: User, named: set[int], releasable: set[int] | None) -> list[str]:
    """Which markings keep ``user`` out (an explanation beside the rule, which decided)."""
    why = []
    level = int(case.classification)
    if int(user.clearance) < level:
        why.append(_("not cleared for %(level)s") % {"level": Classification(level).label})
    elif int(user.effective_clearance(timezone.localdate())) < level:
        expired = user.clearance_expires_on
        why.append(_("clearance expired on %(day)s") % {"day": date_format(expired, "SHORT_DATE_FORMAT") if expired else "—"})
    if releasable is not None and user.organisation_id not in releasable:
        why.append(_("not releasable to their organisation"))
    tlp = Tlp(case.tlp)
    if tlp == Tlp.RED and user.pk not in named:
        why.append(_("TLP:RED: named officials only"))
    elif tlp == Tlp.AMBER_STRICT and user.pk not in named and user.organisation_id != case.originator_id:
        why.append(_("TLP:AMBER+STRICT: the originator's organisation only"))
    return why
