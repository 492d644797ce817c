from rest_framework import serializers

from cdt.core.api import fields as json_fields

from ..models import Deadline, Notification


class NotificationSerializer(json_fields.ModelSerializer):
    kind = json_fields.CharField(source="event.kind", read_only=True)
    kind_label = json_fields.CharField(source="event.get_kind_display", read_only=True)
    reference = json_fields.CharField(source="event.reference", read_only=True)
    marking = json_fields.CharField(source="event.marking", read_only=True)
    link = json_fields.CharField(source="event.link", read_only=True)
    occurred_at = json_fields.DateTimeField(source="event.created_at", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "reference", "marking", "link", "occurred_at", "read", "read_at"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=json_fields.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="Your notifications to mark read; omit to mark all of them read.",
    )


class MarkedReadSerializer(serializers.Serializer):
    marked = json_fields.IntegerField()
    unread = json_fields.IntegerField()


class DeadlineSerializer(json_fields.ModelSerializer):
    kind_label = json_fields.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "kind", "kind_label", "reference", "marking", "link", "due_at"]
        read_only_fields = fields
