from rest_framework.routers import SimpleRouter

from .listing_export import ListingExportViewSet
from .notes import OptionsNoteViewSet, StrategicNoteViewSet
from .views import ImpactEvaluationViewSet, MeasureTypeViewSet, ResponseMeasureViewSet

router = SimpleRouter()
router.register("measure-types", MeasureTypeViewSet, basename="measure-type")
router.register("measures", ResponseMeasureViewSet, basename="measure")
router.register("measures", ListingExportViewSet, basename="listing-export")
router.register("impact-evaluations", ImpactEvaluationViewSet, basename="impact-evaluation")
router.register("options-notes", OptionsNoteViewSet, basename="options-note")
router.register("strategic-response-notes", StrategicNoteViewSet, basename="strategic-response-note")
urlpatterns = router.urls
