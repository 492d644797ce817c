"""A case's distribution: who is in the loop, why, and who may change it.

The rule itself (a distribution is a need-to-know, the markings cut across
it) lives in :mod:`cdt.security.access`. This module holds the case's side
of it: widening and narrowing from the case (services) and the list of who
has access now and why (a selector); requests for access are in
:mod:`cases.access_requests`. Who may do which is docs/decisions/0022:

- the originator's organisation and the Council secretariat (the holders of
  the change right on the case) widen and narrow everything;
- the Presidency chair may bring a case it sees to the whole of HWPCI;
- nobody removes the originator's or the secretariat's own access.

Every change is audited in the hash chain and told to those who gain
access.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from cdt.accounts.roles import GROUP_NAMES, ORGANISATION_GROUP_PREFIX, ROLE_BY_GROUP_NAME, Role, is_chair
from cdt.directory.models import Organisation
from cdt.security.access import can_view, viewers_of, visible_to
from cdt.security.audit import audit_record
from cdt.security.grants import access_grant, access_revoke, organisation_group
from cdt.security.markings import Distribution, Tlp
from cdt.security.models import AuditEntry
from cdt.workflow.errors import Conflict
from notifications.models import EventKind
from notifications.services import event_record

from .models import Case, CaseGroupObjectPermission, CaseUserObjectPermission

if TYPE_CHECKING:
    from cdt.accounts.models import User


class SharingConflict(Conflict):
    """The change was already made (or was never there to undo), or the
    request already decided: 409."""


# --- Who may -----------------------------------------------------------------


def may_manage_distribution(user: User, case: Case) -> bool:
    """The holders of the change right: the originator's organisation and
    the secretariat (originator control, guidelines paras 21 and 38)."""
    return visible_to(Case.objects.filter(pk=case.pk), user, "change").exists()


def may_distribute_to_hwpci(user: User, case: Case) -> bool:
    """Bringing a case to HWPCI as a whole: the originator, the secretariat,
    and the Presidency, which chairs HWPCI, for a case it sees."""
    return may_manage_distribution(user, case) or (is_chair(user) and can_view(user, case))


def may_change_any_distribution(user: User, case: Case, *, widen: bool) -> bool:
    """Whether ``user`` may make any change of this kind at all: asked
    before the request's body is read, so that those who may not learn
    nothing from it (which user names or organisation codes exist)."""
    return may_distribute_to_hwpci(user, case) if widen else may_manage_distribution(user, case)


# --- Who has access now, and why ------------------------------------------------


@dataclass(frozen=True)
class AccessLine:
    """One reason some users see the case, and how many of them do now
    (after the markings: clearance, releasability, TLP)."""

    kind: str  # "distribution", "originator", "organisation", "role", "named_official"
    label: str
    code: str  # organisation code, role, username or distribution value
    users_with_access: int
    removable: bool


def case_access_lines(case: Case) -> list[AccessLine]:
    """Who has access now and why, in a fixed number of queries whatever
    the number of grants: the viewers counted by organisation and by role
    group, the grants, and the named officials who still see the case."""
    viewers = viewers_of(case)
    by_organisation = dict(viewers.values_list("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n"))
    lines: list[AccessLine] = []
    if case.distribution == Distribution.HWPCI:
        reached = sum(by_organisation.get(pk, 0) for pk in _hwpci_organisation_ids())
        label = _("HWPCI: every delegation, the Presidency, the EEAS, SIAC and the secretariat")
        lines.append(AccessLine("distribution", label, "hwpci", reached, True))
    groups = list(CaseGroupObjectPermission.objects.filter(content_object=case, permission__codename="view_case").select_related("group"))
    organisations = {f"{ORGANISATION_GROUP_PREFIX}{org.code}": org for org in Organisation.objects.filter(code__in=_group_codes(groups))}
    role_groups = [grant.group_id for grant in groups if grant.group.name in ROLE_BY_GROUP_NAME]
    by_role = dict(
        viewers.filter(groups__in=role_groups).values_list("groups").annotate(n=Count("pk", distinct=True)).values_list("groups", "n")
    )
    secretariat = GROUP_NAMES[Role.SECRETARIAT]
    for grant in groups:
        organisation = organisations.get(grant.group.name)
        if organisation is not None:
            kind = "originator" if organisation.pk == case.originator_id else "organisation"
            count = by_organisation.get(organisation.pk, 0)
            lines.append(AccessLine(kind, str(organisation), organisation.code, count, kind == "organisation"))
        elif grant.group.name in ROLE_BY_GROUP_NAME:
            role = ROLE_BY_GROUP_NAME[grant.group.name]
            lines.append(AccessLine("role", str(role.label), role.value, by_role.get(grant.group_id, 0), grant.group.name != secretariat))
    named = list(
        CaseUserObjectPermission.objects.filter(content_object=case, permission__codename="view_case").select_related("user__organisation")
    )
    seen = set(viewers.filter(pk__in=[personal.user_id for personal in named]).values_list("pk", flat=True))
    changers = set(
        CaseUserObjectPermission.objects.filter(content_object=case, permission__codename="change_case").values_list("user_id", flat=True)
    )
    for personal in named:
        official = personal.user
        label = f"{official.get_full_name() or official.username} ({official.organisation})"
        lines.append(AccessLine("named_official", label, official.username, int(official.pk in seen), official.pk not in changers))
    return lines


def _group_codes(groups: list[CaseGroupObjectPermission]) -> list[str]:
    """The organisation codes of the organisation groups among ``groups``."""
    return [
        grant.group.name.removeprefix(ORGANISATION_GROUP_PREFIX)
        for grant in groups
        if grant.group.name.startswith(ORGANISATION_GROUP_PREFIX)
    ]


def _hwpci_organisation_ids() -> set[int]:
    """The organisations the HWPCI distribution reaches, read once per panel."""
    return set(Organisation.objects.filter(in_hwpci_distribution=True).values_list("pk", flat=True))


# --- Widening and narrowing ------------------------------------------------------


def locked_case(case: Case) -> Case:
    """The case row, locked: two changes of one case's distribution (or a
    change and a decision) run one after the other, each on the other's result."""
    return Case.objects.select_for_update().get(pk=case.pk)


def viewer_ids(case: Case) -> set[int]:
    """Who sees the case now: compared before and after a change to tell exactly those who gained access."""
    return set(viewers_of(case).values_list("pk", flat=True))


def group_holds_grant(case: Case, group: Group, action: str = "view") -> bool:
    """Whether ``group`` holds a grant of its own on the case."""
    return CaseGroupObjectPermission.objects.filter(content_object=case, group=group, permission__codename=f"{action}_case").exists()


def user_holds_grant(case: Case, user: User, action: str = "view") -> bool:
    """Whether ``user`` holds a grant of their own on the case (a named official)."""
    return CaseUserObjectPermission.objects.filter(content_object=case, user=user, permission__codename=f"{action}_case").exists()


def group_grant_opens(case: Case, organisation: Organisation | None) -> bool:
    """Whether a grant to ``organisation`` (or the HWPCI distribution, with
    ``None``) can let anyone in at the case's TLP: never at RED; at
    AMBER+STRICT only inside the originator."""
    tlp = Tlp(case.tlp)
    if tlp == Tlp.RED:
        return False
    return tlp != Tlp.AMBER_STRICT or (organisation is not None and organisation.pk == case.originator_id)


def tell_gained(case: Case, by: User, before: set[int], what: dict[str, object]) -> None:
    """Tell those who gained access (not the actor) that the case reached them."""
    gained = sorted(viewer_ids(case) - before - {by.pk})
    if gained:
        event_record(kind=EventKind.CASE_SHARED, case=case, actor=by, payload={**what, "gained": gained})


def case_share(
    *, case: Case, by: User, organisation: Organisation | None = None, user: User | None = None, hwpci: bool = False, reason: str = ""
) -> Case:
    """Widen the case's distribution: to the whole of HWPCI, to an
    organisation (a delegation, Commission services, a partner), or to a
    named official (the only way in at TLP:RED). A share the case's TLP
    would make useless is refused. Audited; those who gain access are told."""
    if sum((organisation is not None, user is not None, hwpci)) != 1:
        raise ValidationError({"organisation": _("Share with one organisation, one named official, or HWPCI.")})
    with transaction.atomic():
        case = locked_case(case)
        allowed = may_distribute_to_hwpci(by, case) if hwpci else may_manage_distribution(by, case)
        if not allowed:
            raise PermissionDenied(
                _("Only the originator and the Council secretariat share this case; the Presidency may bring it to HWPCI.")
            )
        if not hwpci and organisation is None and user is not None and not user.is_active:
            raise ValidationError({"user": _("No such user.")})
        if user is None and not group_grant_opens(case, organisation):
            field = "hwpci" if hwpci else "organisation"
            raise ValidationError({field: _("At this TLP only named officials can be let in: share with a named official.")})
        before = viewer_ids(case)
        if hwpci:
            if case.distribution == Distribution.HWPCI:
                raise SharingConflict(_("The case is already distributed to HWPCI."))
            _distribution_set(case, Distribution.HWPCI, by=by, reason=reason, audit_action=AuditEntry.Action.GRANT)
            what: dict[str, object] = {"hwpci": True}
        elif organisation is not None:
            group = organisation_group(organisation)
            if group_holds_grant(case, group):
                raise SharingConflict(_("%(organisation)s already has access.") % {"organisation": organisation})
            access_grant(target=case, by=by, group=group, reason=reason)
            what = {"organisation": organisation.code}
        else:
            assert user is not None
            if user_holds_grant(case, user):
                raise SharingConflict(_("%(user)s is already a named recipient.") % {"user": user.get_username()})
            access_grant(target=case, by=by, user=user, reason=reason)
            what = {"user": user.get_username()}
        tell_gained(case, by, before, what)
    return case


def case_unshare(
    *, case: Case, by: User, organisation: Organisation | None = None, user: User | None = None, hwpci: bool = False, reason: str
) -> Case:
    """Narrow the case's distribution, with a reason: restrict it to its
    named recipients (``hwpci``), or withdraw an organisation's or a named
    official's access. The originator's and the secretariat's own access
    cannot be withdrawn. Audited."""
    if sum((organisation is not None, user is not None, hwpci)) != 1:
        raise ValidationError({"organisation": _("Withdraw one organisation, one named official, or the HWPCI distribution.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why access is narrowed.")})
    with transaction.atomic():
        case = locked_case(case)
        if not may_manage_distribution(by, case):
            raise PermissionDenied(_("Only the originator and the Council secretariat narrow this case's distribution."))
        if hwpci:
            if case.distribution != Distribution.HWPCI:
                raise SharingConflict(_("The case is already restricted to named recipients."))
            _distribution_set(case, Distribution.RESTRICTED, by=by, reason=reason, audit_action=AuditEntry.Action.REVOKE)
        elif organisation is not None:
            if organisation.pk == case.originator_id:
                raise ValidationError({"organisation": _("The originator keeps access to its own case.")})
            group = organisation_group(organisation)
            if not group_holds_grant(case, group):
                raise SharingConflict(_("%(organisation)s has no access of its own to withdraw.") % {"organisation": organisation})
            for action in ("change", "view"):
                access_revoke(target=case, by=by, group=group, action=action, reason=reason)
        else:
            assert user is not None
            if not user_holds_grant(case, user):
                raise SharingConflict(_("%(user)s is not a named recipient.") % {"user": user.get_username()})
            if user_holds_grant(case, user, "change"):  # the opener of a TLP:RED case: the originator's access at RED
                raise ValidationError({"user": _("The originator keeps access to its own case.")})
            access_revoke(target=case, by=by, user=user, reason=reason)
    return case


def case_unshare_role(*, case: Case, by: User, role: Role, reason: str) -> Case:
    """Withdraw a role group's access (e.g. the pre-distribution grant to
    every HWPCI delegate). The secretariat's cannot be withdrawn."""
    if role == Role.SECRETARIAT:
        raise ValidationError({"role": _("The Council secretariat keeps access to every case.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why access is narrowed.")})
    if not may_manage_distribution(by, case):
        raise PermissionDenied(_("Only the originator and the Council secretariat narrow this case's distribution."))
    group = Group.objects.get(name=GROUP_NAMES[role])
    with transaction.atomic():
        case = locked_case(case)
        if not group_holds_grant(case, group):
            raise SharingConflict(_("This role has no access of its own to withdraw."))
        access_revoke(target=case, by=by, group=group, reason=reason)
    return case


def _distribution_set(case: Case, distribution: str, *, by: User, reason: str, audit_action: str) -> None:
    """Change the distribution of a locked case and audit it (from, to, why)."""
    source = case.distribution
    case.distribution = distribution
    case._history_user = by
    case.save(update_fields=["distribution"])
    audit_record(
        action=audit_action,
        actor=by,
        target=case,
        details={"distribution": distribution, "from": source, **({"reason": reason} if reason else {})},
    )


#: The organisation whose assessments the process asks for (guidelines para
#: 19): a request for information addressed to it brings it into the loop.
ASSESSING_ORGANISATION = "SIAC"


def case_share_for_request(*, case: Case, by: User, organisation: Organisation) -> None:
    """A request for information addressed to an organisation brings it
    into the loop with a grant of its own, so that it keeps seeing the case
    while it answers even if the case is restricted meanwhile: always SIAC,
    whose assessments the process asks for (para 19), and anyone when the
    asker may widen the case anyway. Otherwise an addressee that does not
    see the case is refused, so that a recipient cannot share onward by
    asking. Recorded as a grant with that reason."""
    group = organisation_group(organisation)
    if organisation == case.originator or group_holds_grant(case, group):
        return
    if organisation.code == ASSESSING_ORGANISATION or may_manage_distribution(by, case):
        before = viewer_ids(case)
        access_grant(target=case, by=by, group=group, reason=_("request for information"))
        tell_gained(case, by, before, {"organisation": organisation.code})
    elif not viewers_of(case).filter(organisation=organisation).exists():
        raise ValidationError(
            {
                "addressed_to": _("%(organisation)s does not see this case: ask its originator to share it first.")
                % {"organisation": organisation}
            }
        )


def named_official(username: str) -> User | None:
    """The active user of that name, to share with by name."""
    return get_user_model().objects.filter(username=username, is_active=True).select_related("organisation").first()


def tlp_needs_names(case: Case) -> bool:
    """At TLP:RED only named officials see the case: the panel says so."""
    return int(case.tlp) == int(Tlp.RED)
