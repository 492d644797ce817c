from rest_framework.routers import SimpleRouter

from .sharing import AccessRequestViewSet
from .views import CaseViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("access-requests", AccessRequestViewSet, basename="access-request")
urlpatterns = router.urls
