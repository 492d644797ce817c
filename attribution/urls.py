from django.urls import path

from drafting.urls import draft_urls

from . import views
from .draft_kinds import STATEMENT

urlpatterns = [
    path("claims/", views.claim_list, name="claim-list-page"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim-page"),
    path("claims/new/<int:case_id>/", views.claim_new, name="claim-new-page"),
    path("deliberations/open/<int:case_id>/", views.deliberation_open, name="deliberation-open-page"),
    path("deliberations/<int:deliberation_id>/", views.deliberation_detail, name="deliberation-page"),
    path("deliberations/<int:deliberation_id>/<str:action>/", views.deliberation_act, name="deliberation-act-page"),
    path("statements/new/<int:case_id>/", views.statement_new, name="statement-new-page"),
    *draft_urls(STATEMENT, "statements/"),
    path("communication-plans/new/<int:case_id>/", views.plan_new, name="plan-new-page"),
    path("communication-plans/<int:plan_id>/", views.plan_detail, name="plan-page"),
    path("communication-plans/<int:plan_id>/edit/", views.plan_edit, name="plan-edit-page"),
    path("communication-plans/<int:plan_id>/<str:action>/", views.plan_act, name="plan-act-page"),
]
