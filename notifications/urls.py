from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notification-list-page"),
    path("read/", views.notification_mark_read, name="notification-read"),
    path("preferences/", views.preferences, name="notification-preferences-page"),
    path("deadlines/", views.deadline_list, name="deadline-list-page"),
    path("calendar/", views.calendar_settings, name="calendar-settings-page"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
