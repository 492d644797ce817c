from django.urls import path

from . import views

urlpatterns = [
    path("", views.DiscoveryView.as_view(), name="taxii-discovery"),
    path("api/", views.ApiRootView.as_view(), name="taxii-api-root"),
    path("api/status/<uuid:status_id>/", views.StatusView.as_view(), name="taxii-status"),
    path("api/collections/", views.CollectionsView.as_view(), name="taxii-collections"),
    path("api/collections/<str:collection_id>/", views.CollectionView.as_view(), name="taxii-collection"),
    path("api/collections/<str:collection_id>/objects/", views.ObjectsView.as_view(), name="taxii-objects"),
    path("api/collections/<str:collection_id>/objects/<str:object_id>/", views.ObjectView.as_view(), name="taxii-object"),
    path(
        "api/collections/<str:collection_id>/objects/<str:object_id>/versions/",
        views.ObjectVersionsView.as_view(),
        name="taxii-object-versions",
    ),
    path("api/collections/<str:collection_id>/manifest/", views.ManifestView.as_view(), name="taxii-manifest"),
]
