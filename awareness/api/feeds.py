"""``POST /api/v1/feeds/stix/``: SIAC and partners post STIX 2.1 bundles;
``/api/v1/feeds/stix/ingestions/`` reports what came of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.accounts.scopes import FEEDS_WRITE
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.core.api import fields as json_fields

from .. import selectors
from ..ingestion import feed_bundle_receive
from ..models import FeedIngestion
from ..parsers import FeedJSONParser, check_declared_length


class StixJSONParser(FeedJSONParser):
    """STIX bundles come as ``application/json`` or ``application/stix+json``."""

    media_type = "application/stix+json"


class FeedIngestionSerializer(json_fields.ModelSerializer):
    posted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    counts = serializers.SerializerMethodField()
    ignored = serializers.SerializerMethodField()
    stored_raw = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = FeedIngestion
        fields = (
            "id",
            "status",
            "channel",
            "bundle_id",
            "posted_by",
            "received_at",
            "finished_at",
            "object_count",
            "processed_count",
            "counts",
            "ignored",
            "stored_raw",
            "errors",
            "status_url",
        )

    def get_counts(self, ingestion) -> dict[str, int]:
        return {name: getattr(ingestion, f"{name}_count") for name in ("created", "updated", "unchanged", "ignored", "stored_raw")}

    def get_ignored(self, ingestion) -> list[dict]:
        return ingestion.outcome.get("ignored", [])

    def get_stored_raw(self, ingestion) -> list[dict]:
        return ingestion.outcome.get("stored_raw", [])

    def get_status_url(self, ingestion) -> str:
        path = reverse("feed-ingestion-detail", kwargs={"pk": ingestion.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class BundleSerializer(serializers.Serializer):
    """For the schema only: a STIX 2.1 bundle."""

    type = serializers.ChoiceField(choices=["bundle"])
    id = json_fields.CharField()
    objects = serializers.ListField(child=serializers.DictField())


class RequestErrorSerializer(serializers.Serializer):
    """For the schema only: DRF's answer to a body it could not read
    (not JSON, not UTF-8, no Content-Length)."""

    detail = json_fields.CharField()


# A 400 is either the ingestion record with its errors (the bundle was read
# but refused) or DRF's ``detail`` (the body could not be read at all).
FEED_REFUSAL = PolymorphicProxySerializer(
    component_name="FeedRefusal",
    serializers=[FeedIngestionSerializer, RequestErrorSerializer],
    resource_type_field_name=None,
)


@declare_access(AUTHENTICATED)
class StixFeedViewSet(viewsets.ViewSet):
    """Post a STIX 2.1 bundle. Needs an API token with the ``feeds:write``
    scope and feed settings. Up to ``CDT_FEED_SYNC_MAX_OBJECTS`` objects the
    answer is the outcome (200) or the errors (400, nothing written; 409 when
    the only fault is an id another producer sent first); above, 202 and a
    status URL to poll."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    write_scope = FEEDS_WRITE
    parser_classes = [FeedJSONParser, StixJSONParser]
    max_request_body_setting = "CDT_TAXII_MAX_CONTENT_LENGTH"  # a bundle may be far larger than a form

    @extend_schema(
        request=BundleSerializer,
        responses={
            200: FeedIngestionSerializer,
            202: FeedIngestionSerializer,
            400: FEED_REFUSAL,
            409: OpenApiResponse(
                FeedIngestionSerializer,
                description="The bundle reuses ids another producer sent first (docs/decisions/0024); nothing was written.",
            ),
            411: OpenApiResponse(description="No Content-Length header."),
            413: OpenApiResponse(description="The bundle is larger than the API root accepts."),
        },
    )
    def create(self, request):
        check_declared_length(request)
        ingestion = feed_bundle_receive(by=request.user, token=request.auth, bundle=request.data, channel=FeedIngestion.Channel.FEED_API)
        body = FeedIngestionSerializer(ingestion, context={"request": request}).data
        if ingestion.status == FeedIngestion.Status.FAILED:
            return Response(body, status=status.HTTP_409_CONFLICT if ingestion.conflict else status.HTTP_400_BAD_REQUEST)
        if ingestion.status == FeedIngestion.Status.COMPLETE:
            return Response(body, status=status.HTTP_200_OK)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})


@declare_access(AUTHENTICATED)
class FeedIngestionViewSet(viewsets.ReadOnlyModelViewSet):
    """The ingestion log: the secretariat sees every ingestion, a feed
    client its own; anyone else's is 404."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = FeedIngestionSerializer

    def get_queryset(self) -> QuerySet[FeedIngestion]:
        return selectors.feed_ingestion_list(user=self.request.user)

    def get_object(self):
        try:
            return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        except DjangoValidationError:  # not a UUID: no such ingestion, as for any unknown id
            raise Http404("No such ingestion.") from None
