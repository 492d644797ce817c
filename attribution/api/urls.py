from rest_framework.routers import SimpleRouter

from .views import AttributionClaimViewSet, AttributionDeliberationViewSet, CommunicationPlanViewSet, StatementViewSet

router = SimpleRouter()
router.register("attribution-claims", AttributionClaimViewSet, basename="attribution-claim")
router.register("attribution-deliberations", AttributionDeliberationViewSet, basename="attribution-deliberation")
router.register("statements", StatementViewSet, basename="statement")
router.register("communication-plans", CommunicationPlanViewSet, basename="communication-plan")
urlpatterns = router.urls
