from rest_framework.routers import SimpleRouter

from .views import ImpactEvaluationViewSet, MeasureTypeViewSet, ResponseMeasureViewSet

router = SimpleRouter()
router.register("measure-types", MeasureTypeViewSet, basename="measure-type")
router.register("measures", ResponseMeasureViewSet, basename="measure")
router.register("impact-evaluations", ImpactEvaluationViewSet, basename="impact-evaluation")
urlpatterns = router.urls
