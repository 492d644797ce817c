from django.urls import path

from . import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting-list-page"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-page"),
    path("meetings/<int:meeting_id>/publish-agenda/", views.meeting_agenda_publish, name="meeting-agenda-publish-page"),
    path("cases/<int:case_id>/questions/", views.question_put, name="question-put-page"),
    path("cases/<int:case_id>/hr-act/", views.hr_act_record, name="hr-act-page"),
    path("questions/<int:question_id>/board/", views.question_board, name="question-board-page"),
    path("questions/<int:question_id>/positions/<str:member_state>/", views.position_set, name="position-set-page"),
    path("questions/<int:question_id>/decision/", views.decision_record, name="decision-record-page"),
    path("questions/<int:question_id>/written-procedure/", views.written_procedure_open, name="written-procedure-open-page"),
    path("written-procedures/<int:procedure_id>/", views.written_procedure_detail, name="written-procedure-page"),
]
