from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search-page"),
    path("figures/", views.figures_page, name="figures-page"),
]
