"""The listing exports on the API: a restrictive measure's listing as
FollowTheMoney entities and as XML shaped like the EU Financial Sanctions
Files (issue 27). The listing is read where the API already shows it, on
its measure: ``/api/v1/measures/{id}/listing/ftm/`` and ``.../listing/fsf/``.

Who may export is who may read the listing: the measure's case under the
one access rule, then the listing's own classification (decision record
0023); anyone else gets 404, as for a measure without a listing. Each
export is audited (what left the system, in which format, for whom)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import OBJECT, declare_access
from cdt.security.api import ProtectedViewSetMixin
from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry
from cdt.security.selectors import protected_read_record, visible_or_none

from ..listing_export import fsf, ftm
from ..models import ResponseMeasure, RestrictiveListing


class ExportNegotiation(BaseContentNegotiation):
    """The export answers in its own format whatever the client accepts
    (``Accept: application/xml`` must not be a 406), and its errors in JSON
    like the rest of the API."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


NOT_FOUND = OpenApiResponse(description="No such measure, you may not see it or its listing, or it carries no listing.")


@declare_access(OBJECT, model=ResponseMeasure)
class ListingExportViewSet(ProtectedViewSetMixin, viewsets.GenericViewSet):
    """A measure's listing in the formats sanctions data travels in."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ExportNegotiation
    queryset = ResponseMeasure.objects.select_related("case", "measure_type", "decision", "listing__case")
    serializer_class = None

    def _listing(self) -> RestrictiveListing:
        """The measure's listing if the reader may see it, else 404 (no id, no hint)."""
        measure = self.get_object()
        listing = getattr(measure, "listing", None) if measure.measure_type.restrictive else None
        listing = visible_or_none(self.request.user, listing, within=measure.case)
        if listing is None:
            raise Http404("No listing.")
        protected_read_record(obj=listing, user=self.request.user, request=self.request, via="api")
        return listing

    def _answer(self, listing: RestrictiveListing, *, body: bytes, media_type: str, extension: str, export_format: str) -> HttpResponse:
        audit_record(
            action=AuditEntry.Action.EXPORT,
            actor=self.request.user,
            target=listing,
            request=self.request,
            details={"format": export_format, "entries": listing.entries.count(), "measure": listing.measure_id},
        )
        response = HttpResponse(body, content_type=f"{media_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="listing-{listing.case.reference}-{listing.measure_id}.{extension}"'
        return response

    @extend_schema(
        responses={(200, ftm.MEDIA_TYPE): OpenApiTypes.STR, 404: NOT_FOUND},
        description=(
            "The listing as FollowTheMoney entities, one JSON object per line: a Person or Organization per listed "
            'person or entity, each followed by its Sanction (see docs/api-and-feeds.md, "Listing exports").'
        ),
    )
    @action(detail=True, methods=["get"], url_path="listing/ftm", url_name="ftm")
    def listing_ftm(self, request, pk=None):
        listing = self._listing()
        body = ftm.listing_ftm(listing, request.user).encode()
        return self._answer(listing, body=body, media_type=ftm.MEDIA_TYPE, extension="ftm.json", export_format="followthemoney")

    @extend_schema(
        responses={(200, fsf.MEDIA_TYPE): OpenApiTypes.STR, 404: NOT_FOUND},
        description=(
            "The listing as XML shaped like the EU Financial Sanctions Files (not certified): one sanctionEntity per "
            'listed person or entity (see docs/api-and-feeds.md, "Listing exports").'
        ),
    )
    @action(detail=True, methods=["get"], url_path="listing/fsf", url_name="fsf")
    def listing_fsf(self, request, pk=None):
        listing = self._listing()
        body = fsf.listing_fsf(listing, request.user, generated_at=timezone.now())
        return self._answer(listing, body=body, media_type=fsf.MEDIA_TYPE, extension="xml", export_format="eu-fsf-xml")
