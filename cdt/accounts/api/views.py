from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cdt.accounts.permissions import AUTHENTICATED_WITH_SCOPE
from cdt.core.access import AUTHENTICATED, declare_access

from .serializers import CurrentUserSerializer


@declare_access(AUTHENTICATED)
class CurrentUserView(APIView):
    """The authenticated user: organisation, roles, clearance."""

    permission_classes = AUTHENTICATED_WITH_SCOPE

    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(request.user).data)
