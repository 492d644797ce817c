from django.urls import path

from . import note_views, views

urlpatterns = [
    path("catalogue/", views.catalogue, name="measure-catalogue-page"),
    path("evaluations/", views.evaluation_list, name="evaluation-list-page"),
    path("evaluations/<int:evaluation_id>/record/", views.evaluation_record, name="evaluation-record-page"),
    path("propose/<int:case_id>/", views.measure_propose, name="measure-propose-page"),
    path("<int:measure_id>/", views.measure_detail, name="measure-page"),
    path("<int:measure_id>/transitions/<str:transition>/", views.measure_transition, name="measure-transition-page"),
    path("<int:measure_id>/override/", views.measure_override, name="measure-override-page"),
    path("options-notes/new/<int:case_id>/", note_views.options_note_new, name="options-note-new-page"),
    path("options-notes/<int:note_id>/", note_views.options_note_detail, name="options-note-page"),
    path("options-notes/<int:note_id>/edit/", note_views.options_note_edit, name="options-note-edit-page"),
    path("options-notes/<int:note_id>/compare/", note_views.options_note_compare, name="options-note-compare-page"),
    path("options-notes/<int:note_id>/<str:action>/", note_views.options_note_act, name="options-note-act-page"),
    path("strategic-notes/<int:note_id>/", note_views.strategic_note_detail, name="strategic-note-page"),
    path("strategic-notes/<int:note_id>/edit/", note_views.strategic_note_edit, name="strategic-note-edit-page"),
    path("strategic-notes/<int:note_id>/compare/", note_views.strategic_note_compare, name="strategic-note-compare-page"),
    path("strategic-notes/<int:note_id>/<str:action>/", note_views.strategic_note_act, name="strategic-note-act-page"),
]
