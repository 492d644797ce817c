"""Search over the API: the same search as the page (``overview.search``),
through the same access-filtered selectors, audited the same way."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, declare_access
from cdt.core.api import fields as json_fields

from .. import search


class SearchHitSerializer(serializers.Serializer):
    kind = json_fields.CharField()
    title = json_fields.CharField()
    url = json_fields.CharField()
    marking = json_fields.CharField()


class SearchGroupSerializer(serializers.Serializer):
    kind = json_fields.CharField()
    label = json_fields.CharField()
    hits = SearchHitSerializer(many=True)
    more = json_fields.BooleanField()


class SearchParamsSerializer(serializers.Serializer):
    q = json_fields.CharField(max_length=200, help_text='Words, "a phrase", -excluded (full text on PostgreSQL).')
    kind = serializers.MultipleChoiceField(choices=[], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [kind for kind, _label in search.kinds()]


@declare_access(AUTHENTICATED)
class SearchView(APIView):
    """Search across cases, assessments, actors, notes and statements you may see."""

    permission_classes = AUTHENTICATED_WITH_SCOPE

    @extend_schema(parameters=[SearchParamsSerializer], responses=SearchGroupSerializer(many=True))
    def get(self, request):
        params = SearchParamsSerializer(data={"q": request.query_params.get("q", ""), "kind": request.query_params.getlist("kind")})
        params.is_valid(raise_exception=True)
        groups = search.search(
            user=request.user,
            query=params.validated_data["q"],
            kinds=params.validated_data.get("kind") or None,
            request=request,
            via="api-search",
        )
        return Response(SearchGroupSerializer(groups, many=True).data)
