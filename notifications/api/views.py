"""The notification centre and "my deadlines" over the API: each user's
own rows (the access rule applied again, as on the pages)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, declare_access

from .. import selectors, services
from .serializers import DeadlineSerializer, MarkedReadSerializer, MarkReadSerializer, NotificationSerializer


@declare_access(AUTHENTICATED)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first; ``?unread=true``, ``?kind=``."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = NotificationSerializer

    def get_queryset(self):
        rows = selectors.inbox(user=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at=None)
        if self.request.query_params.get("kind"):
            rows = rows.filter(event__kind=self.request.query_params["kind"])
        return rows

    @extend_schema(request=MarkReadSerializer, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        body = MarkReadSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(user=request.user, ids=body.validated_data.get("ids"))
        return Response({"marked": marked, "unread": selectors.unread_count(user=request.user)})


@declare_access(AUTHENTICATED)
class DeadlineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your open deadlines, soonest first."""

    permission_classes = AUTHENTICATED_WITH_SCOPE
    serializer_class = DeadlineSerializer

    def get_queryset(self):
        return selectors.deadlines(user=self.request.user)
