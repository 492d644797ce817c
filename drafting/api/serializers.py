"""The bodies of the drafts API, the same for every kind."""

from __future__ import annotations

from rest_framework import serializers

from cdt.core.api import fields as json_fields
from council.models import Decision


class SaveSerializer(serializers.Serializer):
    title = json_fields.CharField(max_length=300)
    content = serializers.JSONField()
    base_version = json_fields.IntegerField(
        required=False,
        min_value=1,
        help_text="The version this text was edited from: if someone has saved a newer one, nothing is saved (409).",
    )


class VersionSerializer(serializers.Serializer):
    number = json_fields.IntegerField()
    title = json_fields.CharField()
    content = serializers.JSONField()
    saved_by = json_fields.CharField(source="saved_by.username")
    saved_at = json_fields.DateTimeField()


class CommentSerializer(serializers.Serializer):
    id = json_fields.IntegerField(read_only=True)
    anchor = json_fields.CharField()
    text = json_fields.CharField()
    version_number = json_fields.IntegerField(read_only=True)
    author = json_fields.CharField(source="author.username", read_only=True)
    created_at = json_fields.DateTimeField(read_only=True)


class NoteTransitionSerializer(serializers.Serializer):
    decision = json_fields.PrimaryKeyRelatedField(
        queryset=Decision.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="approve (strategic response note), publish (statement): the adopted decision",
    )
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text="publish (statement): the date of publication")


class CompareRowSerializer(serializers.Serializer):
    anchor = json_fields.CharField()
    heading = json_fields.CharField()
    old = json_fields.CharField(help_text="HTML: escaped text with <del> for what the later version removed")
    new = json_fields.CharField(help_text="HTML: escaped text with <ins> for what it added")
    changed = json_fields.BooleanField()
