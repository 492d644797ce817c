"""A TAXII 2.1 server (OASIS TAXII 2.1, sections 4 and 5) over the STIX
objects of the feed: discovery, one API root, collections, objects (get,
add), one object and its versions, manifest, status.

Authentication is CDT's: an API token (``Authorization: Token <key>``, which
``taxii2-client``'s ``TokenAuth`` sends) or a verified browser session.
Every object is filtered by the one access rule, so a collection shows each
user what they may see and nothing else; an object they may not see is 404.
Adding objects is the feed's ingestion (same validation, markings,
idempotence and atomicity) and needs a token with the ``feeds:write`` scope.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.accounts.scopes import FEEDS_WRITE
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.security.audit import audit_read

from .. import selectors
from ..ingestion import feed_bundle_receive
from ..models import FeedIngestion, StixObject, TaxiiCollection
from ..parsers import FeedJSONParser, check_declared_length
from ..stix import stix_timestamp

MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"


class TaxiiRenderer(JSONRenderer):
    media_type = MEDIA_TYPE
    format = "taxii"
    charset = None


class TaxiiParser(FeedJSONParser):
    media_type = "application/taxii+json"


class TaxiiNegotiation(BaseContentNegotiation):
    """TAXII 2.1 answers in ``application/taxii+json;version=2.1`` only. A
    client that accepts neither it, nor ``application/taxii+json`` without a
    version, nor JSON or anything, gets 406."""

    def select_parser(self, request, parsers):
        content_type = request.content_type.split(";")[0].strip()
        return next(
            (parser for parser in parsers if parser.media_type == content_type), parsers[0] if content_type == "application/json" else None
        )

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*") or "*/*"
        for entry in accept.split(","):
            tokens = [token.strip() for token in entry.split(";")]
            media, params = tokens[0], [token.replace(" ", "") for token in tokens[1:] if not token.startswith("q=")]
            if media in ("*/*", "application/*", "application/json") or (
                media == "application/taxii+json" and all(param == "version=2.1" for param in params if param.startswith("version="))
            ):
                return renderers[0], MEDIA_TYPE
        raise exceptions.NotAcceptable(f"This TAXII server speaks {MEDIA_TYPE}.")


class TaxiiView(APIView):
    """Common ground: media type, authentication, TAXII error messages. Not
    in CDT's OpenAPI schema: the TAXII 2.1 specification is its contract."""

    schema = None
    permission_classes = AUTHENTICATED_WITH_SCOPE
    renderer_classes = [TaxiiRenderer]
    parser_classes = [TaxiiParser, FeedJSONParser]
    content_negotiation_class = TaxiiNegotiation
    write_scope = FEEDS_WRITE

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # PostgreSQL refuses a NUL in any string it is sent: no such object, or a bad query.
        if any("\x00" in str(value) for value in kwargs.values()):
            raise Http404("No such resource.")
        if any("\x00" in key or "\x00" in value for key, values in request.query_params.lists() for value in values):
            raise exceptions.ValidationError("Query parameters may not contain NUL characters.")

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        if isinstance(detail, list):  # a ValidationError's messages
            detail = " ".join(str(message) for message in detail)
        response.data = {"title": response.status_text, "description": str(detail), "http_status": str(response.status_code)}
        if getattr(response, "accepted_renderer", None) is None or isinstance(exc, exceptions.NotAcceptable):
            response.accepted_renderer, response.accepted_media_type = TaxiiRenderer(), MEDIA_TYPE
            response.renderer_context = self.get_renderer_context()
        return response

    def collection(self, collection_id: str) -> TaxiiCollection:
        try:
            lookup = Q(id=uuid.UUID(collection_id))
        except ValueError:
            lookup = Q(alias=collection_id)
        found = TaxiiCollection.objects.filter(lookup).first()
        if found is None:
            raise Http404("No such collection.")
        return found

    def can_write(self) -> bool:
        token = self.request.auth
        return bool(token is not None and hasattr(token, "has_scope") and token.has_scope(FEEDS_WRITE) and hasattr(token, "feed_client"))


def collection_resource(collection: TaxiiCollection, can_write: bool) -> dict:
    return {
        "id": str(collection.id),
        "title": collection.title,
        "description": collection.description,
        "alias": collection.alias,
        "can_read": True,
        "can_write": can_write,
        "media_types": [STIX_MEDIA_TYPE],
    }


@declare_access(AUTHENTICATED)
class DiscoveryView(TaxiiView):
    """TAXII server discovery (section 4.1)."""

    def get(self, request):
        root = request.build_absolute_uri(reverse("taxii-api-root"))
        return Response(
            {
                "title": "CDT — Cyber Diplomacy Toolbox situational awareness",
                "description": "STIX 2.1 objects shared through the EU Cyber Diplomacy Toolbox case-management system.",
                "contact": "Council secretariat, HWPCI",
                "default": root,
                "api_roots": [root],
            }
        )


@declare_access(AUTHENTICATED)
class ApiRootView(TaxiiView):
    """The one API root (section 4.2)."""

    def get(self, request):
        return Response(
            {
                "title": "CDT feed",
                "description": "SIAC assessments and the threat-actor registry.",
                "versions": [MEDIA_TYPE],
                "max_content_length": settings.CDT_TAXII_MAX_CONTENT_LENGTH,
            }
        )


def status_resource(ingestion: FeedIngestion) -> dict:
    """A TAXII status (section 4.3) from an ingestion: complete or pending;
    a rejected bundle is complete with every object a failure."""
    outcome = ingestion.outcome or {}
    total = ingestion.object_count
    resource = {"id": str(ingestion.id), "request_timestamp": stix_timestamp(ingestion.received_at), "total_count": total}
    if ingestion.status == FeedIngestion.Status.COMPLETE:
        versions = outcome.get("versions") or _stored_versions(ingestion, outcome)
        successes = [
            {"id": stix_id, "version": versions.get(stix_id, ""), "message": outcome_name}
            for outcome_name in ("created", "updated", "unchanged")
            for stix_id in outcome.get(outcome_name, [])
        ]
        failures = [
            {"id": entry["id"], "version": entry.get("version", ""), "message": f"ignored: {entry.get('reason', '')}"}
            for entry in outcome.get("ignored", [])
        ]
        extra = max(total - len(successes) - len(failures), 0)  # older in-bundle duplicates, counted once in the ignored list
        resource.update(
            status="complete",
            success_count=len(successes) + extra,
            failure_count=len(failures),
            pending_count=0,
            successes=successes if not extra else [],
            failures=failures,
        )
    elif ingestion.status == FeedIngestion.Status.FAILED:
        failures = [
            {"id": error.get("object", ""), "message": f"{error.get('property', '')}: {error.get('reason', '')}"}
            for error in ingestion.errors
        ]
        resource.update(
            status="complete", success_count=0, failure_count=total, pending_count=0, failures=failures if len(failures) == total else []
        )
    else:
        resource.update(status="pending", success_count=0, failure_count=0, pending_count=total)
    return resource


def _stored_versions(ingestion: FeedIngestion, outcome: dict) -> dict[str, str]:
    """The versions of an ingestion recorded before the outcome kept them
    (TAXII 2.1 section 4.3.1: a status detail names the version): the rows
    it wrote, else the object's current version (an unchanged one)."""
    ids = [stix_id for name in ("created", "updated", "unchanged") for stix_id in outcome.get(name, [])]
    if not ids:
        return {}
    written = StixObject.objects.filter(ingestion=ingestion).order_by()
    versions = dict(written.values_list("stix_id", "version"))
    unchanged = [stix_id for stix_id in ids if stix_id not in versions][:1000]
    versions.update(StixObject.objects.filter(stix_id__in=unchanged, current=True).order_by().values_list("stix_id", "version"))
    return versions


@declare_access(AUTHENTICATED)
class StatusView(TaxiiView):
    """The status of an add-objects request: its poster and the secretariat
    may read it; for anyone else it does not exist."""

    def get(self, request, status_id):
        ingestion = selectors.feed_ingestion_list(user=request.user).filter(pk=status_id).first()
        if ingestion is None:
            raise Http404("No such status.")
        return Response(status_resource(ingestion))


@declare_access(AUTHENTICATED)
class CollectionsView(TaxiiView):
    def get(self, request):
        can_write = self.can_write()
        return Response({"collections": [collection_resource(c, can_write) for c in TaxiiCollection.objects.order_by("title")]})


@declare_access(AUTHENTICATED)
class CollectionView(TaxiiView):
    def get(self, request, collection_id):
        return Response(collection_resource(self.collection(collection_id), self.can_write()))


class Page:
    """Keyset pagination on (date added, row) for ``limit``/``next``/``more``:
    stable while objects are being added, unlike offsets."""

    def __init__(self, request):
        self.request = request
        try:
            self.limit = min(int(request.query_params.get("limit", settings.CDT_TAXII_PAGE_SIZE)), settings.CDT_TAXII_PAGE_SIZE)
        except ValueError:
            raise exceptions.ValidationError("limit must be an integer.") from None
        if self.limit < 1:
            raise exceptions.ValidationError("limit must be at least 1.")

    def apply(self, queryset: QuerySet) -> tuple[list, bool, str | None]:
        token = self.request.query_params.get("next")
        if token:
            try:
                stamp, pk = base64.urlsafe_b64decode(token.encode()).decode().split("|")
                after, pk = utc_timestamp(datetime.datetime.fromisoformat(stamp), naive=False), int(pk)
            except (ValueError, binascii.Error, UnicodeDecodeError):
                after = None
            if after is None or not 0 < pk < 2**63:  # the server's tokens carry a time zone and a row number
                raise exceptions.ValidationError("next is not a value this server gave.")
            queryset = queryset.filter(Q(added_at__gt=after) | Q(added_at=after, pk__gt=pk))
        rows = list(queryset.order_by("added_at", "pk")[: self.limit + 1])
        more = len(rows) > self.limit
        rows = rows[: self.limit]
        next_token = None
        if more:
            last = rows[-1]
            next_token = base64.urlsafe_b64encode(f"{last.added_at.isoformat()}|{last.pk}".encode()).decode()
        return rows, more, next_token


def date_headers(rows) -> dict[str, str]:
    if not rows:
        return {}
    return {"X-TAXII-Date-Added-First": stix_timestamp(rows[0].added_at), "X-TAXII-Date-Added-Last": stix_timestamp(rows[-1].added_at)}


def utc_timestamp(when: datetime.datetime | None, *, naive: bool) -> datetime.datetime | None:
    """``when`` in UTC (a naive one read as UTC if ``naive``), or ``None``
    if there is none or it does not fit (year 1 at +14:00)."""
    if when is None or (when.tzinfo is None and not naive):
        return None
    try:
        return when.replace(tzinfo=when.tzinfo or datetime.UTC).astimezone(datetime.UTC)
    except OverflowError:
        return None


def filtered(request, queryset: QuerySet, *, default_version: str = "last") -> QuerySet:
    """``added_after``, ``match[id]``, ``match[type]``, ``match[version]``
    (``last`` by default, ``first``, ``all`` or timestamps) and
    ``match[spec_version]`` (2.1 only is held)."""
    params = request.query_params
    added_after = params.get("added_after")
    if added_after:
        try:
            when = utc_timestamp(parse_datetime(added_after), naive=True)
        except ValueError:  # well formed, but no such date (month 13)
            when = None
        if when is None:
            raise exceptions.ValidationError("added_after must be a timestamp.")
        queryset = queryset.filter(added_at__gt=when)
    for param, field in (("match[id]", "stix_id__in"), ("match[type]", "stix_type__in")):
        if params.get(param):
            queryset = queryset.filter(**{field: [value.strip() for value in params[param].split(",")]})
    spec_versions = [value.strip() for value in params.get("match[spec_version]", "").split(",") if value.strip()]
    if spec_versions and "2.1" not in spec_versions:
        queryset = queryset.none()
    versions = [value.strip() for value in params.get("match[version]", default_version).split(",") if value.strip()]
    if "all" in versions:
        return queryset
    selected = Q(pk__in=[])
    if "last" in versions:
        selected |= Q(current=True)
    if "first" in versions:
        selected |= Q(pk__in=queryset.values("stix_id").annotate(first=Min("pk")).values("first"))
    stamps = [value for value in versions if value not in ("last", "first")]
    if stamps:
        selected |= Q(version__in=stamps)
    return queryset.filter(selected)


def audit_classified_reads(request, collection: TaxiiCollection, rows) -> None:
    classified = [row.stix_id for row in rows if int(row.classification) > 0]
    if classified:
        audit_read(
            actor=request.user,
            target=collection,
            request=request,
            details={"via": "taxii", "path": request.path[:200], "stix_ids": classified[:500]},
        )


@declare_access(AUTHENTICATED)
class ObjectsView(TaxiiView):
    """Get objects (5.3) and add objects (5.4)."""

    max_request_body_setting = "CDT_TAXII_MAX_CONTENT_LENGTH"  # the max_content_length the API root advertises

    def get(self, request, collection_id):
        collection = self.collection(collection_id)
        queryset = filtered(request, selectors.stix_object_list(user=request.user).filter(collection=collection))
        rows, more, next_token = Page(request).apply(queryset)
        audit_classified_reads(request, collection, rows)
        body = {"more": more, "objects": [row.raw for row in rows]}
        if next_token:
            body["next"] = next_token
        return Response(body, headers=date_headers(rows))

    def post(self, request, collection_id):
        collection = self.collection(collection_id)
        check_declared_length(request)
        try:
            ingestion = feed_bundle_receive(
                by=request.user, token=request.auth, bundle=request.data, channel=FeedIngestion.Channel.TAXII, collection=collection
            )
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        if ingestion.status == FeedIngestion.Status.FAILED:
            code = status.HTTP_409_CONFLICT if ingestion.conflict else status.HTTP_400_BAD_REQUEST
            return Response(
                {
                    "title": "Conflict" if ingestion.conflict else "Bad Request",
                    "description": "The envelope was rejected whole; nothing was added.",
                    "http_status": str(code),
                    "details": {"errors": ingestion.errors, "status": str(ingestion.id)},
                },
                status=code,
            )
        return Response(status_resource(ingestion), status=status.HTTP_202_ACCEPTED)


@declare_access(AUTHENTICATED)
class ObjectView(TaxiiView):
    """Get an object (5.5): its latest visible version unless
    ``match[version]`` says otherwise; 404 if none is visible."""

    versions_only = False

    def get(self, request, collection_id, object_id):
        collection = self.collection(collection_id)
        queryset = selectors.stix_object_list(user=request.user).filter(collection=collection, stix_id=object_id)
        if not queryset.exists():
            raise Http404("No such object.")
        if self.versions_only:
            rows, more, next_token = Page(request).apply(filtered(request, queryset, default_version="all"))
            body = {"more": more, "versions": [row.version for row in rows]}
        else:
            rows, more, next_token = Page(request).apply(filtered(request, queryset))
            audit_classified_reads(request, collection, rows)
            body = {"more": more, "objects": [row.raw for row in rows]}
        if next_token:
            body["next"] = next_token
        return Response(body, headers=date_headers(rows))


@declare_access(AUTHENTICATED)
class ObjectVersionsView(ObjectView):
    """Get object versions (5.7)."""

    versions_only = True


@declare_access(AUTHENTICATED)
class ManifestView(TaxiiView):
    """Get the manifest (5.6): ids, versions, date added, media type."""

    def get(self, request, collection_id):
        collection = self.collection(collection_id)
        queryset = filtered(request, selectors.stix_object_list(user=request.user).filter(collection=collection))
        rows, more, next_token = Page(request).apply(queryset.only("stix_id", "version", "added_at", "pk"))
        body = {
            "more": more,
            "objects": [
                {"id": row.stix_id, "date_added": stix_timestamp(row.added_at), "version": row.version, "media_type": STIX_MEDIA_TYPE}
                for row in rows
            ],
        }
        if next_token:
            body["next"] = next_token
        return Response(body, headers=date_headers(rows))
