"""Reads of awareness material through the access rule."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from cases.models import Case
from cdt.accounts.roles import is_secretariat
from cdt.security.access import visible_to
from cdt.security.selectors import protected_queryset

from .models import Assessment, FeedClient, FeedIngestion, RequestForInformation, StixObject, ThreatActor


def assessment_list(*, user) -> QuerySet[Assessment]:
    return protected_queryset(Assessment.objects.all(), user).select_related("source", "originator").order_by("-assessed_on", "-id")


def rfi_list(*, user) -> QuerySet[RequestForInformation]:
    return protected_queryset(RequestForInformation.objects.all(), user).select_related("case", "addressed_to", "asked_by", "answer")


def with_answer_visibility(rfis: QuerySet[RequestForInformation], *, user) -> QuerySet[RequestForInformation]:
    """``rfis`` with ``answer_visible``: whether ``user`` may see the
    answering assessment (a request on a visible case may be answered by an
    assessment they may not), in the same query as the requests."""
    answers = visible_to(Assessment.objects.filter(pk=models.OuterRef("answer_id")), user)
    return rfis.annotate(answer_visible=models.Exists(answers))


def actor_list() -> QuerySet[ThreatActor]:
    return ThreatActor.objects.order_by("name")


def actor_cases(*, actor: ThreatActor, user) -> QuerySet[Case]:
    return protected_queryset(actor.cases.all(), user).filter(exercise=False).order_by("-brought_on")


def feed_ingestion_list(*, user) -> QuerySet[FeedIngestion]:
    """The feed-ingestion log: all of it for the Council secretariat, their
    own ingestions for anyone who posted. It names objects and counts, never
    their content, which stays behind each object's markings."""
    ingestions = FeedIngestion.objects.select_related("posted_by").defer("payload").order_by("-received_at")
    if user is None or not user.is_authenticated:
        return ingestions.none()
    return ingestions if is_secretariat(user) else ingestions.filter(posted_by=user)


def feed_health(*, user, since) -> QuerySet[FeedClient]:
    """The feed clients whose bundles the user may follow in the ingestion
    log (all of them for the Council secretariat, their own tokens for
    anyone else), each annotated in one query with ``last_push`` (the last
    bundle ingested in full), ``last_failure`` and ``failures`` (rejected
    bundles since ``since``); ``token.last_used_at`` is the client's last
    call of any kind (a TAXII pull, a push)."""
    clients = FeedClient.objects.select_related("token").order_by("token__name", "pk")
    if user is None or not user.is_authenticated:
        return clients.none()
    if not is_secretariat(user):
        clients = clients.filter(token__user=user)
    bundles = FeedIngestion.objects.filter(token_id=models.OuterRef("token_id")).order_by("-received_at")
    failed = bundles.filter(status=FeedIngestion.Status.FAILED)
    return clients.annotate(
        last_push=models.Subquery(bundles.filter(status=FeedIngestion.Status.COMPLETE).values("received_at")[:1]),
        last_failure=models.Subquery(failed.values("received_at")[:1]),
        failures=Coalesce(
            models.Subquery(
                failed.filter(received_at__gte=since).order_by().values("token_id").annotate(n=models.Count("pk")).values("n")[:1]
            ),
            0,
        ),
    )


def stix_object_list(*, user) -> QuerySet[StixObject]:
    """STIX objects (every version) the user may see, oldest added first:
    what TAXII serves and the export draws on."""
    return protected_queryset(StixObject.objects.all(), user).order_by("added_at", "id")


def actor_feed(*, actor: ThreatActor, user) -> list[dict]:
    """What the feed says about an actor that the user may see: the current
    relationships naming it (attributed-to, targets, uses…), each with the
    object at the other end if the user may see that too."""
    if not actor.stix_id:
        return []
    visible = stix_object_list(user=user).filter(current=True)
    relationships = list(
        visible.filter(stix_type="relationship").filter(models.Q(source_ref=actor.stix_id) | models.Q(target_ref=actor.stix_id))
    )
    ends = {rel.target_ref if rel.source_ref == actor.stix_id else rel.source_ref for rel in relationships}
    named = {row.stix_id: row for row in visible.filter(stix_id__in=ends)}
    return [
        {
            "relationship": rel,
            "outgoing": rel.source_ref == actor.stix_id,
            "other": named.get(rel.target_ref if rel.source_ref == actor.stix_id else rel.source_ref),
        }
        for rel in relationships
    ]


def stix_commentary(*, stix_id: str, user) -> QuerySet[StixObject]:
    """Notes and opinions from the feed about one object, as far as the user may see them."""
    return stix_object_list(user=user).filter(current=True, stix_type__in=["note", "opinion"], refs__contains=stix_id)
