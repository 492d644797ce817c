"""A case's distribution: who is in the loop, why, and who may change it.

The rule itself (a distribution is a need-to-know, the markings cut across
it) lives in :mod:`cdt.security.access`. This module holds the case's side
of it: widening and narrowing from the case (services), the list of who has
access now and why (a selector), and requests for access. Who may do which
is docs/decisions/0022:

- the originator's organisation and the Council secretariat (the holders of
  the change right on the case) widen and narrow everything;
- the Presidency chair may bring a case it sees to the whole of HWPCI;
- nobody removes the originator's or the secretariat's own access.

Every change is audited in the hash chain and told to those who gain
access; a request for access never tells whether its reference exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdt.accounts.roles import GROUP_NAMES, ORGANISATION_GROUP_PREFIX, ROLE_BY_GROUP_NAME, Role
from cdt.directory.models import Organisation
from cdt.security.access import viewers_of, visible_to
from cdt.security.audit import audit_record
from cdt.security.grants import access_grant, access_revoke, organisation_group
from cdt.security.markings import Distribution, Tlp
from cdt.security.models import AuditEntry
from notifications.models import EventKind
from notifications.services import event_record

from .models import AccessRequest, AccessRequestStatus, AccessScope, Case, CaseGroupObjectPermission, CaseUserObjectPermission
from .permissions import is_chair

if TYPE_CHECKING:
    from cdt.accounts.models import User

#: What the requester is told, whether or not the reference names a case.
REQUEST_ANSWER = gettext_lazy("If a case with this reference exists, its originator has been asked. You will be told of the decision.")


#: As long as :attr:`AccessRequest.reference` may be.
REFERENCE_MAX_LENGTH = 30


class SharingConflict(Exception):
    """The change was already made, or the request already decided (409)."""


# --- Who may -----------------------------------------------------------------


def may_manage_distribution(user: User, case: Case) -> bool:
    """The holders of the change right: the originator's organisation and
    the secretariat (originator control, guidelines paras 21 and 38)."""
    return visible_to(Case.objects.filter(pk=case.pk), user, "change").exists()


def may_distribute_to_hwpci(user: User, case: Case) -> bool:
    """Bringing a case to HWPCI as a whole: the originator, the secretariat,
    and the Presidency, which chairs HWPCI."""
    return may_manage_distribution(user, case) or is_chair(user)


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
    """Who has access now and why. One query per source: the viewers of the
    case counted by organisation, by role group and by name."""
    viewers = viewers_of(case)
    by_organisation = dict(viewers.values_list("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n"))
    lines: list[AccessLine] = []
    if case.distribution == Distribution.HWPCI:
        reached = sum(n for pk, n in by_organisation.items() if pk in _hwpci_organisation_ids())
        lines.append(
            AccessLine(
                "distribution", _("HWPCI: every delegation, the Presidency, the EEAS, SIAC and the secretariat"), "hwpci", reached, True
            )
        )
    groups = CaseGroupObjectPermission.objects.filter(content_object=case, permission__codename="view_case").select_related("group")
    organisations = {f"{ORGANISATION_GROUP_PREFIX}{org.code}": org for org in Organisation.objects.filter(code__in=_group_codes(groups))}
    secretariat = GROUP_NAMES[Role.SECRETARIAT]
    for grant in groups:
        organisation = organisations.get(grant.group.name)
        if organisation is not None:
            kind = "originator" if organisation.pk == case.originator_id else "organisation"
            lines.append(
                AccessLine(kind, str(organisation), organisation.code, by_organisation.get(organisation.pk, 0), kind == "organisation")
            )
        elif grant.group.name in ROLE_BY_GROUP_NAME:
            role = ROLE_BY_GROUP_NAME[grant.group.name]
            count = viewers.filter(groups=grant.group).count()
            lines.append(AccessLine("role", str(role.label), role.value, count, grant.group.name != secretariat))
    named = CaseUserObjectPermission.objects.filter(content_object=case, permission__codename="view_case").select_related(
        "user__organisation"
    )
    changers = set(
        CaseUserObjectPermission.objects.filter(content_object=case, permission__codename="change_case").values_list("user_id", flat=True)
    )
    for personal in named:
        seen = viewers.filter(pk=personal.user_id).exists()
        official = personal.user
        label = f"{official.get_full_name() or official.username} ({official.organisation})"
        lines.append(AccessLine("named_official", label, official.username, int(seen), personal.user_id not in changers))
    return lines


def _holds_change(case: Case, user: User) -> bool:
    """A named official who holds the change right (the opener of a TLP:RED
    case): their access is the originator's, and is not withdrawn."""
    return CaseUserObjectPermission.objects.filter(content_object=case, user=user, permission__codename="change_case").exists()


def _group_codes(groups: QuerySet[CaseGroupObjectPermission]) -> list[str]:
    return [
        grant.group.name.removeprefix(ORGANISATION_GROUP_PREFIX)
        for grant in groups
        if grant.group.name.startswith(ORGANISATION_GROUP_PREFIX)
    ]


def _hwpci_organisation_ids() -> set[int]:
    return set(Organisation.objects.filter(in_hwpci_distribution=True).values_list("pk", flat=True))


# --- Widening and narrowing ------------------------------------------------------


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _viewer_ids(case: Case) -> set[int]:
    return set(viewers_of(case).values_list("pk", flat=True))


def _tell_gained(case: Case, by: User, before: set[int], what: dict[str, object]) -> None:
    gained = sorted(_viewer_ids(case) - before - {by.pk})
    if gained:
        event_record(kind=EventKind.CASE_SHARED, case=case, actor=by, payload={**what, "gained": gained})


def case_share(
    *, case: Case, by: User, organisation: Organisation | None = None, user: User | None = None, hwpci: bool = False, reason: str = ""
) -> Case:
    """Widen the case's distribution: to the whole of HWPCI, to an
    organisation (a delegation, Commission services, a partner), or to a
    named official (the only way in at TLP:RED). Audited; those who gain
    access are told."""
    if sum((organisation is not None, user is not None, hwpci)) != 1:
        raise ValidationError({"organisation": _("Share with one organisation, one named official, or HWPCI.")})
    allowed = may_distribute_to_hwpci(by, case) if hwpci else may_manage_distribution(by, case)
    if not allowed:
        raise PermissionDenied(_("Only the originator and the Council secretariat share this case; the Presidency may bring it to HWPCI."))
    with transaction.atomic():
        case = _locked(case)
        before = _viewer_ids(case)
        if hwpci:
            if case.distribution == Distribution.HWPCI:
                raise SharingConflict(_("The case is already distributed to HWPCI."))
            _distribution_set(case, Distribution.HWPCI, by=by, reason=reason, audit_action=AuditEntry.Action.GRANT)
            what: dict[str, object] = {"hwpci": True}
        elif organisation is not None:
            group = organisation_group(organisation)
            if CaseGroupObjectPermission.objects.filter(content_object=case, group=group, permission__codename="view_case").exists():
                raise SharingConflict(_("%(organisation)s already has access.") % {"organisation": organisation})
            access_grant(target=case, by=by, group=group, reason=reason)
            what = {"organisation": organisation.code}
        else:
            assert user is not None
            if not user.is_active:
                raise ValidationError({"user": _("No such user.")})
            if CaseUserObjectPermission.objects.filter(content_object=case, user=user, permission__codename="view_case").exists():
                raise SharingConflict(_("%(user)s is already a named recipient.") % {"user": user.get_username()})
            access_grant(target=case, by=by, user=user, reason=reason)
            what = {"user": user.get_username()}
        _tell_gained(case, by, before, what)
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
    if not may_manage_distribution(by, case):
        raise PermissionDenied(_("Only the originator and the Council secretariat narrow this case's distribution."))
    with transaction.atomic():
        case = _locked(case)
        if hwpci:
            if case.distribution != Distribution.HWPCI:
                raise SharingConflict(_("The case is already restricted to named recipients."))
            _distribution_set(case, Distribution.RESTRICTED, by=by, reason=reason, audit_action=AuditEntry.Action.REVOKE)
        elif organisation is not None:
            if organisation.pk == case.originator_id:
                raise ValidationError({"organisation": _("The originator keeps access to its own case.")})
            group = organisation_group(organisation)
            if not CaseGroupObjectPermission.objects.filter(content_object=case, group=group, permission__codename="view_case").exists():
                raise ValidationError(
                    {"organisation": _("%(organisation)s has no access of its own to withdraw.") % {"organisation": organisation}}
                )
            for action in ("change", "view"):
                access_revoke(target=case, by=by, group=group, action=action, reason=reason)
        else:
            assert user is not None
            if not CaseUserObjectPermission.objects.filter(content_object=case, user=user, permission__codename="view_case").exists():
                raise ValidationError({"user": _("%(user)s is not a named recipient.") % {"user": user.get_username()}})
            if _holds_change(case, user):  # the opener of a TLP:RED case: the originator's access at RED
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
        case = _locked(case)
        if not CaseGroupObjectPermission.objects.filter(content_object=case, group=group, permission__codename="view_case").exists():
            raise ValidationError({"role": _("This role has no access of its own to withdraw.")})
        access_revoke(target=case, by=by, group=group, reason=reason)
    return case


def _distribution_set(case: Case, distribution: str, *, by: User, reason: str, audit_action: str) -> None:
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
    """A request for information addressed to an organisation that does
    not see the case brings it into the loop: always SIAC, whose assessments
    the process asks for (para 19: it must see what it is asked about);
    anyone else only if the asker may widen the case anyway. Otherwise the
    request is refused, so a recipient cannot share onward by asking.
    Recorded as a grant with that reason."""
    if viewers_of(case).filter(organisation=organisation).exists() or organisation == case.originator:
        return
    group = organisation_group(organisation)
    if CaseGroupObjectPermission.objects.filter(content_object=case, group=group, permission__codename="view_case").exists():
        return
    if organisation.code != ASSESSING_ORGANISATION and not may_manage_distribution(by, case):
        raise ValidationError(
            {
                "addressed_to": _("%(organisation)s does not see this case: ask its originator to share it first.")
                % {"organisation": organisation}
            }
        )
    before = _viewer_ids(case)
    access_grant(target=case, by=by, group=group, reason=_("request for information"))
    _tell_gained(case, by, before, {"organisation": organisation.code})


# --- Requests for access ----------------------------------------------------------


def access_request_create(*, by: User, reference: str, reason: str) -> AccessRequest:
    """Ask for access to the case named ``reference``. The same row is
    written, and the same answer given (:data:`REQUEST_ANSWER`), whether the
    case exists, is hidden from the requester or is already visible."""
    reference = (reference or "").strip().upper()
    if not reference:
        raise ValidationError({"reference": _("Give the case's reference, e.g. CDT-2026-0001.")})
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise ValidationError({"reference": _("A case reference is at most 30 characters.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why you need access.")})
    with transaction.atomic():
        if AccessRequest.objects.filter(requested_by=by, reference=reference, status=AccessRequestStatus.PENDING).exists():
            raise SharingConflict(_("You already asked for access to %(reference)s.") % {"reference": reference})
        case = Case.objects.filter(reference=reference).first()
        if case is not None and visible_to(Case.objects.filter(pk=case.pk), by).exists():
            case = None  # nothing to decide: the requester already sees it
        request = AccessRequest(reference=reference, case=case, requested_by=by, reason=reason.strip())
        request.full_clean(exclude=["case", "scope"], validate_constraints=False)
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as error:  # the same request, a moment earlier (another tab)
            raise SharingConflict(_("You already asked for access to %(reference)s.") % {"reference": reference}) from error
        audit_record(action=AuditEntry.Action.CREATE, actor=by, target=request, details={"reference": reference})
        if case is not None:
            event_record(
                kind=EventKind.ACCESS_REQUESTED,
                case=case,
                actor=by,
                payload={"request": request.pk},
                link=reverse("case-sharing-page", args=[case.pk]),
            )
    return request


def access_request_decide(
    *, request: AccessRequest, by: User, grant: bool, reason: str = "", scope: str = AccessScope.ORGANISATION
) -> AccessRequest:
    """Grant (to the requester's organisation or to the requester by name)
    or decline, with a reason; the requester is told. Audited."""
    if request.case is None or not may_manage_distribution(by, request.case):
        raise PermissionDenied(_("Only the originator and the Council secretariat decide requests for this case."))
    if request.requested_by_id == by.pk:
        raise PermissionDenied(_("Someone else decides your own request."))
    if not grant and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the request is declined.")})
    if grant and scope not in AccessScope.values:
        raise ValidationError({"scope": _("Choose: %(choices)s.") % {"choices": ", ".join(AccessScope.values)}})
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().select_related("case", "requested_by__organisation").get(pk=request.pk)
        if request.status != AccessRequestStatus.PENDING:
            raise SharingConflict(_("This request was already decided."))
        case = request.case
        assert case is not None
        requester = request.requested_by
        if grant:
            organisation = requester.organisation
            if scope == AccessScope.ORGANISATION and organisation is None:
                raise ValidationError({"scope": _("The requester belongs to no organisation: grant access by name.")})
            if scope == AccessScope.ORGANISATION and not _group_grant_opens(case, organisation):
                raise ValidationError({"scope": _("At this TLP a grant to an organisation opens nothing: grant access by name.")})
            already = (
                CaseGroupObjectPermission.objects.filter(
                    content_object=case, group=organisation_group(organisation), permission__codename="view_case"
                ).exists()
                if scope == AccessScope.ORGANISATION and organisation is not None
                else CaseUserObjectPermission.objects.filter(content_object=case, user=requester, permission__codename="view_case").exists()
            )
            if not already:
                before = _viewer_ids(case)
                if scope == AccessScope.ORGANISATION and organisation is not None:
                    access_grant(target=case, by=by, group=organisation_group(organisation), reason=reason or _("access request"))
                else:
                    access_grant(target=case, by=by, user=requester, reason=reason or _("access request"))
                _tell_gained(case, by, before | {requester.pk}, {"request": request.pk})
        request.status = AccessRequestStatus.GRANTED if grant else AccessRequestStatus.DECLINED
        request.scope = scope if grant else ""
        request.decided_by, request.decided_at, request.decision_reason = by, timezone.now(), (reason or "").strip()
        request.save(update_fields=["status", "scope", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            action=AuditEntry.Action.GRANT if grant else AuditEntry.Action.CHANGE,
            actor=by,
            target=case,
            details={
                "access_request": request.pk,
                "decision": request.status,
                "requester": requester.get_username(),
                "reason": request.decision_reason,
            },
        )
        event_record(
            kind=EventKind.ACCESS_DECIDED,
            subject=request,
            actor=by,
            payload={"requester": requester.pk, "decision": request.status},
            link=reverse("access-request-page"),
        )
    return request


def _group_grant_opens(case: Case, organisation: Organisation | None) -> bool:
    """Whether a grant to ``organisation`` can let anyone in at the case's
    TLP: never at RED; at AMBER+STRICT only inside the originator."""
    tlp = Tlp(case.tlp)
    if tlp == Tlp.RED:
        return False
    return tlp != Tlp.AMBER_STRICT or (organisation is not None and organisation.pk == case.originator_id)


def access_requests_made_by(user: User) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(requested_by=user).order_by("-requested_at", "-id")


def access_requests_to_decide(user: User, case: Case | None = None) -> QuerySet[AccessRequest]:
    """Pending requests on the cases ``user`` may decide for (holds the
    change right on), newest first."""
    decidable = visible_to(Case.objects.all(), user, "change").values("pk")
    requests = AccessRequest.objects.filter(status=AccessRequestStatus.PENDING, case__in=decidable)
    if case is not None:
        requests = requests.filter(case=case)
    return requests.select_related("case", "requested_by__organisation").order_by("-requested_at", "-id")


def access_request_visible(user: User) -> QuerySet[AccessRequest]:
    """The requests ``user`` may read: their own, and any on a case they may decide for."""
    from django.db.models import Q

    decidable = visible_to(Case.objects.all(), user, "change").values("pk")
    return AccessRequest.objects.filter(Q(requested_by=user) | Q(case__in=decidable))


def named_official(username: str) -> User | None:
    return get_user_model().objects.filter(username=username, is_active=True).select_related("organisation").first()


def tlp_needs_names(case: Case) -> bool:
    """At TLP:RED only named officials see the case: the panel says so."""
    return int(case.tlp) == int(Tlp.RED)
