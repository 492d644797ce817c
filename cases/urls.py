from django.urls import path

from . import views

urlpatterns = [
    path("", views.case_list, name="case-list-page"),
    path("new/", views.case_new, name="case-new"),
    path("exercise-mode/", views.exercise_mode_toggle, name="case-exercise-mode"),
    path("<int:case_id>/", views.case_detail, name="case-page"),
    path("<int:case_id>/transitions/<slug:transition>/", views.case_transition, name="case-transition-page"),
    path("<int:case_id>/proportionality/", views.case_assess_proportionality, name="case-proportionality-page"),
    path("<int:case_id>/significance/", views.case_assess_significance, name="case-significance-page"),
]
