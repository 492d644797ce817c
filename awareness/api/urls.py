from rest_framework.routers import SimpleRouter

from .feeds import FeedIngestionViewSet, StixFeedViewSet
from .views import AssessmentViewSet, FeedClientViewSet, RequestForInformationViewSet, ThreatActorViewSet

router = SimpleRouter()
router.register("threat-actors", ThreatActorViewSet, basename="threat-actor")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("requests-for-information", RequestForInformationViewSet, basename="request-for-information")
router.register("feeds/stix/ingestions", FeedIngestionViewSet, basename="feed-ingestion")
router.register("feeds/clients", FeedClientViewSet, basename="feed-client")
router.register("feeds/stix", StixFeedViewSet, basename="stix-feed")
urlpatterns = router.urls
