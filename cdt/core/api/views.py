"""Operational status for logged-in clients (like NetBox's /api/status/)."""

from __future__ import annotations

import django
from django.conf import settings
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.core.api import fields as json_fields
from cdt.core.models import WorkerHeartbeat


@declare_access(AUTHENTICATED)
class StatusView(APIView):
    permission_classes = AUTHENTICATED_WITH_SCOPE

    @extend_schema(
        responses=inline_serializer(
            "Status",
            {
                "django_version": json_fields.CharField(),
                "database_vendor": json_fields.CharField(),
                "celery_mode": serializers.ChoiceField(choices=["in-process", "broker"]),
                "last_worker_heartbeat": json_fields.DateTimeField(allow_null=True),
                "worker_heartbeat_age_seconds": json_fields.IntegerField(allow_null=True),
            },
        )
    )
    def get(self, request):
        heartbeat = WorkerHeartbeat.objects.order_by("-beat_at").first()
        return Response(
            {
                "django_version": django.get_version(),
                "database_vendor": connection.vendor,
                "celery_mode": "in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "broker",
                "last_worker_heartbeat": heartbeat.beat_at if heartbeat else None,
                "worker_heartbeat_age_seconds": int((timezone.now() - heartbeat.beat_at).total_seconds()) if heartbeat else None,
            }
        )
