from django.urls import path

from . import views

urlpatterns = [
    path("actors/", views.actor_list, name="actor-list-page"),
    path("assessments/", views.assessment_list, name="assessment-list-page"),
    path("assessments/new/", views.assessment_new, name="assessment-new-page"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment-page"),
    path("requests/", views.rfi_list, name="rfi-list-page"),
    path("feed/", views.feed_ingestion_list, name="feed-log-page"),
    path("feed/<uuid:ingestion_id>/", views.feed_ingestion_detail, name="feed-ingestion-page"),
]
