from rest_framework.routers import SimpleRouter

from .views import DeadlineViewSet, NotificationViewSet

router = SimpleRouter(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="notification")
router.register("deadlines", DeadlineViewSet, basename="deadline")
urlpatterns = router.urls
