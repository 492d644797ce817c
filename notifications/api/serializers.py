from rest_framework import serializers

from ..models import Deadline, Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="event.kind", read_only=True)
    kind_label = serializers.CharField(source="event.get_kind_display", read_only=True)
    reference = serializers.CharField(source="event.reference", read_only=True)
    marking = serializers.CharField(source="event.marking", read_only=True)
    link = serializers.CharField(source="event.link", read_only=True)
    occurred_at = serializers.DateTimeField(source="event.created_at", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "reference", "marking", "link", "occurred_at", "read", "read_at"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=1000,
                                help_text="Your notifications to mark read; omit to mark all of them read.")


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "kind", "kind_label", "reference", "marking", "link", "due_at"]
        read_only_fields = fields
