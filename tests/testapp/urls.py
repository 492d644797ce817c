"""The project's URLs plus the test dossier's pages and API."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from cdt.urls import urlpatterns as project_urlpatterns

from . import api, views

router = SimpleRouter()
router.register("test-dossiers", api.DossierViewSet, basename="test-dossier")

urlpatterns = [
    path("test-dossiers/", views.dossier_list, name="test-dossier-list-page"),
    path("test-dossiers/new/", views.dossier_new, name="test-dossier-new"),
    path("test-dossiers/<int:dossier_id>/", views.dossier_detail, name="test-dossier-page"),
    path("test-notes/<int:note_id>/", views.note_detail, name="test-note-detail"),
    path("api/v1/", include(router.urls)),
    *project_urlpatterns,
]
