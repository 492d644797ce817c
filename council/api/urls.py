from rest_framework.routers import SimpleRouter

from .views import DecisionViewSet, MeetingViewSet, QuestionViewSet, WrittenProcedureViewSet

router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("questions", QuestionViewSet, basename="question")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("written-procedures", WrittenProcedureViewSet, basename="written-procedure")
urlpatterns = router.urls
