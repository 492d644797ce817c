from django.urls import path

from cdt.urls import urlpatterns as cdt_urlpatterns

from . import views

urlpatterns = [
    path("bench/baseline/", views.baseline_page, name="bench-baseline-page"),
    path("bench/baseline.json", views.baseline_api, name="bench-baseline-api"),
    *cdt_urlpatterns,
]
