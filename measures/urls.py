from django.urls import path

from drafting.urls import draft_urls

from . import views
from .note_kinds import OPTIONS, STRATEGIC

urlpatterns = [
    path("catalogue/", views.catalogue, name="measure-catalogue-page"),
    path("evaluations/", views.evaluation_list, name="evaluation-list-page"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation-page"),
    path("evaluations/<int:evaluation_id>/record/", views.evaluation_record, name="evaluation-record-page"),
    path("propose/<int:case_id>/", views.measure_propose, name="measure-propose-page"),
    path("<int:measure_id>/", views.measure_detail, name="measure-page"),
    path("<int:measure_id>/transitions/<str:transition>/", views.measure_transition, name="measure-transition-page"),
    path("<int:measure_id>/override/", views.measure_override, name="measure-override-page"),
    path("options-notes/new/<int:case_id>/", views.options_note_new, name="options-note-new-page"),
    path("strategic-notes/new/<int:actor_id>/", views.strategic_note_new, name="strategic-note-new-page"),
    *draft_urls(OPTIONS, "options-notes/"),
    *draft_urls(STRATEGIC, "strategic-notes/"),
]
