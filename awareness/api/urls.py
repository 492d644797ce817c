from rest_framework.routers import SimpleRouter

from .views import AssessmentViewSet, RequestForInformationViewSet, ThreatActorViewSet

router = SimpleRouter()
router.register("threat-actors", ThreatActorViewSet, basename="threat-actor")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("requests-for-information", RequestForInformationViewSet, basename="request-for-information")
urlpatterns = router.urls
