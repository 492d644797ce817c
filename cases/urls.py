from django.urls import path

from . import sharing_views, views

urlpatterns = [
    path("", views.case_list, name="case-list-page"),
    path("new/", views.case_new, name="case-new"),
    path("exercise-mode/", views.exercise_mode_toggle, name="case-exercise-mode"),
    path("<int:case_id>/", views.case_detail, name="case-page"),
    path("<int:case_id>/transitions/<slug:transition>/", views.case_transition, name="case-transition-page"),
    path("<int:case_id>/proportionality/", views.case_assess_proportionality, name="case-proportionality-page"),
    path("<int:case_id>/significance/", views.case_assess_significance, name="case-significance-page"),
    path("<int:case_id>/sharing/", sharing_views.case_sharing, name="case-sharing-page"),
    path("<int:case_id>/sharing/<slug:change>/", sharing_views.case_share_change, name="case-share-change-page"),
    path("<int:case_id>/access-requests/decide/", sharing_views.case_access_request_decide, name="case-access-request-decide-page"),
    path("access-requests/", sharing_views.access_requests_page, name="access-request-page"),
]
