"""Requests for access to a case (writes and reads).

A user who knows a case's reference (from an agenda, a meeting, a COREU)
asks to be let in. The same row is written and the same words answered
whether the reference names a case hidden from the requester, one they
already see, or none; only a request on a hidden case reaches those who may
decide it (the holders of the change right: the originator and the
secretariat, docs/decisions/0022), who grant or decline with a reason. The
requester is told, and never sees the case's id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdt.security.access import visible_to
from cdt.security.audit import audit_record
from cdt.security.grants import access_grant, organisation_group
from cdt.security.models import AuditEntry
from notifications.models import EventKind
from notifications.services import event_record

from .models import AccessRequest, AccessRequestStatus, AccessScope, Case
from .sharing import (
    SharingConflict,
    group_grant_opens,
    group_holds_grant,
    locked_case,
    may_manage_distribution,
    tell_gained,
    user_holds_grant,
    viewer_ids,
)

if TYPE_CHECKING:
    from cdt.accounts.models import User

#: What the requester is told, whether or not the reference names a case.
REQUEST_ANSWER = gettext_lazy("If a case with this reference exists, its originator has been asked. You will be told of the decision.")


def access_request_create(*, by: User, reference: str, reason: str) -> AccessRequest:
    """Ask for access to the case named ``reference``. The same row is
    written, and the same answer given (:data:`REQUEST_ANSWER`), whether the
    case exists, is hidden from the requester or is already visible."""
    reference = (reference or "").strip().upper()
    longest = AccessRequest._meta.get_field("reference").max_length or 0
    if not reference:
        raise ValidationError({"reference": _("Give the case's reference, e.g. CDT-2026-0001.")})
    if len(reference) > longest:
        raise ValidationError({"reference": _("A case reference is at most %(n)d characters.") % {"n": longest}})
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
    or decline, with a reason; the requester is told. Audited. The case is
    locked first, as every change of its distribution does, so a decision
    and a withdrawal of the same access cannot interleave."""
    if request.requested_by_id == by.pk:  # first: the same answer whether the request names a case or not
        raise PermissionDenied(_("Someone else decides your own request."))
    if request.case_id is None:
        raise PermissionDenied(_("Only the originator and the Council secretariat decide requests for this case."))
    if not grant and not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the request is declined.")})
    if grant and scope not in AccessScope.values:
        raise ValidationError({"scope": _("Choose: %(choices)s.") % {"choices": ", ".join(AccessScope.values)}})
    with transaction.atomic():
        case = locked_case(Case(pk=request.case_id))
        if not may_manage_distribution(by, case):
            raise PermissionDenied(_("Only the originator and the Council secretariat decide requests for this case."))
        request = AccessRequest.objects.select_for_update(of=("self",)).select_related("requested_by__organisation").get(pk=request.pk)
        if request.status != AccessRequestStatus.PENDING:
            raise SharingConflict(_("This request was already decided."))
        requester = request.requested_by
        if grant:
            _grant(case, by=by, requester=requester, scope=scope, reason=reason, request=request)
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


def _grant(case: Case, *, by: User, requester: User, scope: str, reason: str, request: AccessRequest) -> None:
    """The grant a request's decision gives, unless it is there already;
    refused where the case's TLP would make it open nothing."""
    organisation = requester.organisation
    if scope == AccessScope.ORGANISATION:
        if organisation is None:
            raise ValidationError({"scope": _("The requester belongs to no organisation: grant access by name.")})
        if not group_grant_opens(case, organisation):
            raise ValidationError({"scope": _("At this TLP a grant to an organisation opens nothing: grant access by name.")})
        group = organisation_group(organisation)
        if group_holds_grant(case, group):
            return
        before = viewer_ids(case)
        access_grant(target=case, by=by, group=group, reason=reason or _("access request"))
    else:
        if user_holds_grant(case, requester):
            return
        before = viewer_ids(case)
        access_grant(target=case, by=by, user=requester, reason=reason or _("access request"))
    tell_gained(case, by, before | {requester.pk}, {"request": request.pk})


def access_requests_made_by(user: User) -> QuerySet[AccessRequest]:
    """The user's own requests, newest first (never with their case)."""
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
    decidable = visible_to(Case.objects.all(), user, "change").values("pk")
    return AccessRequest.objects.filter(Q(requested_by=user) | Q(case__in=decidable))
