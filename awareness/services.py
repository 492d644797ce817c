"""Writes on situational awareness: assessments (with their need-to-know
grants), links to cases, requests for information and their answers."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.sharing import case_share_for_request
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.accounts.scopes import FEEDS_WRITE
from cdt.directory.models import Organisation
from cdt.security.access import classification_check, visible_to
from cdt.security.audit import audit_record
from cdt.security.claims import claim_check
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Distribution
from cdt.security.models import AuditEntry
from notifications.deadlines import deadline_done, deadline_set, end_of_day
from notifications.models import DeadlineKind, EventKind
from notifications.services import event_record

from . import permissions
from .models import Assessment, FeedClient, RequestForInformation, ThreatActor


def assessment_record(
    *,
    by,
    kind: str,
    title: str,
    body: str,
    classification: int,
    limite: bool,
    tlp: int,
    releasable_to_all: bool,
    releasable_to=(),
    source: Organisation | None = None,
    assessed_on: datetime.date | None = None,
    confidence: str = Assessment.Confidence.MODERATE,
    cases=(),
    actors=(),
    shared_with=(),
    shared_with_all_delegations: bool = False,
    distribution: str | None = None,
) -> Assessment:
    """Record an assessment or briefing. The recorder's organisation and the
    Council secretariat get access, and ``shared_with`` organisations. By
    default an assessment naming cases reaches whoever sees one of them
    (``Distribution.WITH_CASES``), one naming none stays with its named
    recipients; ``shared_with_all_delegations`` (or ``distribution="hwpci"``)
    distributes it to HWPCI. The markings still apply on top: a
    TLP:AMBER+STRICT assessment stays inside SIAC, TLP:RED with named people.
    The ``source`` (default: the recorder's organisation) is a claim every
    reader takes at its word: only what ``by`` may claim (decision 0026)."""
    if not permissions.may_record_assessment(by, kind):
        raise PermissionDenied(_("You may not record this kind of assessment."))
    classification_check(by, classification)
    if source is not None:
        claim_check(by, source, field="source", oral_briefing=kind == Assessment.Kind.ORAL_BRIEFING)
    cases = list(cases)
    if distribution is None:
        distribution = Distribution.HWPCI if shared_with_all_delegations else Distribution.WITH_CASES if cases else Distribution.RESTRICTED
    if distribution not in Distribution.values:
        raise ValidationError({"distribution": _("Choose: %(choices)s.") % {"choices": ", ".join(Distribution.values)}})
    if distribution == Distribution.WITH_CASES and not cases:
        raise ValidationError({"distribution": _("An assessment that names no case cannot follow its cases.")})
    for case in cases:
        if not visible_to(Case.objects.filter(pk=case.pk), by).exists():
            raise ValidationError({"cases": _("No such case: %(id)s.") % {"id": case.pk}})
    with transaction.atomic():
        assessment = Assessment(
            kind=kind,
            title=title,
            body=body,
            classification=classification,
            limite=limite,
            tlp=tlp,
            releasable_to_all=releasable_to_all,
            originator=by.organisation,
            source=source or by.organisation,
            assessed_on=assessed_on or timezone.localdate(),
            confidence=confidence,
            recorded_by=by,
            distribution=distribution,
        )
        if not releasable_to_all and not releasable_to:
            raise ValidationError({"releasable_to": _("Name at least one organisation, or make it releasable to all.")})
        assessment.full_clean()
        assessment._history_user = by
        assessment.save()
        assessment.releasable_to.set(releasable_to)
        assessment.cases.set(cases)
        assessment.actors.set(actors)
        groups = [organisation_group(by.organisation), Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])]
        groups += [organisation_group(organisation) for organisation in shared_with]
        for group in dict.fromkeys(groups):
            access_grant(target=assessment, by=by, group=group)
        for case in cases:
            event_record(kind=EventKind.ASSESSMENT_ADDED, subject=assessment, case=case, actor=by)
    return assessment


def rfi_ask(*, by, case: Case, addressed_to: Organisation, question: str, due_on: datetime.date) -> RequestForInformation:
    if not permissions.may_request_information(by):
        raise PermissionDenied(_("Delegates and the chair ask for information."))
    with transaction.atomic():
        rfi = RequestForInformation(
            case=case, addressed_to=addressed_to, question=question, due_on=due_on, asked_by=by, classification=case.classification
        )
        rfi.full_clean()
        rfi.save()
        case_share_for_request(case=case, by=by, organisation=addressed_to)
        event_record(
            kind=EventKind.RFI_OPENED, subject=rfi, actor=by, payload={"addressed_to": addressed_to.pk}, link=reverse("rfi-list-page")
        )
        deadline_set(kind=DeadlineKind.RFI, subject=rfi, due_at=end_of_day(due_on), link=reverse("rfi-list-page"))
    return rfi


def rfi_answer(*, by, rfi: RequestForInformation, assessment: Assessment) -> RequestForInformation:
    """Answer by linking an assessment (which is then linked to the case)."""
    if not permissions.may_answer(by, rfi):
        raise PermissionDenied(_("Only the organisation asked answers this request."))
    if not visible_to(Assessment.objects.filter(pk=assessment.pk), by).exists():
        raise ValidationError({"assessment": _("No such assessment.")})
    with transaction.atomic():
        rfi = RequestForInformation.objects.select_for_update().get(pk=rfi.pk)
        if rfi.answer_id:
            raise ValidationError({"assessment": _("This request is already answered.")})
        rfi.answer, rfi.answered_at = assessment, timezone.now()
        rfi.save(update_fields=["answer", "answered_at"])
        assessment.cases.add(rfi.case)
        event_record(kind=EventKind.RFI_ANSWERED, subject=rfi, actor=by, link=reverse("rfi-list-page"))
        deadline_done(kind=DeadlineKind.RFI, subject=rfi)
    return rfi


def actor_for_name(name: str) -> ThreatActor | None:
    """The registry entry named ``name`` or carrying it as an alias."""
    actor = ThreatActor.objects.filter(name__iexact=name).first()
    if actor is not None:
        return actor
    for candidate in ThreatActor.objects.exclude(aliases=[]):
        if name.lower() in (alias.lower() for alias in candidate.aliases):
            return candidate
    return None


def feed_client_configure(
    *,
    by,
    token,
    default_classification: int,
    default_tlp: int,
    default_limite: bool = True,
    releasable_to_all: bool = True,
    releasable_to=(),
    shared_with=(),
    shared_with_all_delegations: bool = False,
) -> FeedClient:
    """Set what a feed client's bundles do not say (classification,
    releasability, need-to-know). The Council secretariat decides this per
    client; the token must carry the feed scope."""
    if by is not None and not permissions.may_configure_feed_clients(by):
        raise PermissionDenied(_("The Council secretariat sets feed clients."))
    if not token.has_scope(FEEDS_WRITE):
        raise ValidationError({"token": _("The token does not carry the %(scope)s scope.") % {"scope": FEEDS_WRITE}})
    if not releasable_to_all and not releasable_to:
        raise ValidationError({"releasable_to": _("Name at least one organisation, or make it releasable to all.")})
    with transaction.atomic():
        client, created = FeedClient.objects.get_or_create(token=token)
        client.default_classification, client.default_tlp, client.default_limite = default_classification, default_tlp, default_limite
        client.releasable_to_all, client.shared_with_all_delegations = releasable_to_all, shared_with_all_delegations
        client.full_clean()
        client.save()
        client.releasable_to.set(releasable_to)
        client.shared_with.set(shared_with)
        if by is not None:
            audit_record(
                action=AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
                actor=by,
                target=client,
                details={
                    "token": token.pk,
                    "default_classification": int(default_classification),
                    "default_tlp": int(default_tlp),
                    "default_limite": default_limite,
                    "releasable_to_all": releasable_to_all,
                    "releasable_to": sorted(organisation.code for organisation in releasable_to),
                    "shared_with": sorted(organisation.code for organisation in shared_with),
                    "shared_with_all_delegations": shared_with_all_delegations,
                },
            )
    return client


def feed_client_remove(*, by, client: FeedClient) -> None:
    """Remove a client's settings: its token can no longer post (what it
    posted stays, with the markings and grants it was given)."""
    if not permissions.may_configure_feed_clients(by):
        raise PermissionDenied(_("The Council secretariat sets feed clients."))
    with transaction.atomic():
        audit_record(action=AuditEntry.Action.DELETE, actor=by, target=client, details={"token": client.token_id})
        client.delete()


#: What the EEAS and SIAC may correct in a registry entry.
ACTOR_CORRECTABLE = (
    "name",
    "kind",
    "persistent",
    "aliases",
    "suspected_sponsor",
    "unit",
    "description",
    "first_seen",
    "last_seen",
    "external_references",
)


def actor_correct(*, by, actor: ThreatActor, **changes) -> ThreatActor:
    """Correct a registry entry (EEAS, SIAC). Kept in its history and the
    audit trail, with the fields changed. An entry a feed maintains takes
    the producer's next newer version as it comes (the producer owns it,
    docs/decisions/0024): the correction holds until then."""
    if not permissions.may_correct_registry(by):
        raise PermissionDenied(_("The EEAS and SIAC correct the threat-actor registry."))
    unknown = sorted(set(changes) - set(ACTOR_CORRECTABLE))
    if unknown:
        raise ValidationError({name: _("This field cannot be corrected.") for name in unknown})
    with transaction.atomic():
        actor = ThreatActor.objects.select_for_update().get(pk=actor.pk)
        before = {name: getattr(actor, name) for name in changes}
        for name, value in changes.items():
            setattr(actor, name, value)
        if actor.first_seen and actor.last_seen and actor.last_seen < actor.first_seen:
            raise ValidationError({"last_seen": _("The last sighting cannot come before the first.")})
        actor.full_clean()
        changed = sorted(name for name in changes if before[name] != getattr(actor, name))
        if changed:
            actor._history_user = by
            actor.save()
            audit_record(action=AuditEntry.Action.CHANGE, actor=by, target=actor, details={"fields": changed})
    return actor


def assessment_case_link(*, by, assessment: Assessment, case: Case) -> Assessment:
    """Link an assessment to a case it informs. The caller has checked
    that ``by`` sees both; whoever sees the case then reads the assessment
    if it follows its cases (and the markings allow)."""
    if not permissions.may_link_assessment(by, assessment):
        raise PermissionDenied(_("Its originator or the Council secretariat links an assessment to a case."))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.cases.filter(pk=case.pk).exists():
            raise ValidationError({"case": _("The assessment is already linked to this case.")})
        assessment.cases.add(case)
        audit_record(action=AuditEntry.Action.CHANGE, actor=by, target=assessment, details={"cases": {"added": [case.reference]}})
        event_record(kind=EventKind.ASSESSMENT_ADDED, subject=assessment, case=case, actor=by)
    return assessment


def assessment_case_unlink(*, by, assessment: Assessment, case: Case) -> Assessment:
    """Unlink an assessment from a case. Not the last case of one that
    follows its cases (it would reach nobody by its distribution), nor the
    case of a request for information it answers."""
    if not permissions.may_link_assessment(by, assessment):
        raise PermissionDenied(_("Its originator or the Council secretariat links an assessment to a case."))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        linked = set(assessment.cases.values_list("pk", flat=True))
        if case.pk not in linked:
            raise ValidationError({"case": _("The assessment is not linked to this case.")})
        if assessment.distribution == Distribution.WITH_CASES and linked == {case.pk}:
            raise ValidationError({"case": _("An assessment that follows its cases keeps at least one; change its distribution first.")})
        if assessment.answers.filter(case=case).exists():
            raise ValidationError({"case": _("The assessment answers a request for information on this case.")})
        assessment.cases.remove(case)
        audit_record(action=AuditEntry.Action.CHANGE, actor=by, target=assessment, details={"cases": {"removed": [case.reference]}})
    return assessment
