from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search-page"),
    path("figures/", views.figures_page, name="figures-page"),
    # The actor's dossier gathers measures and notes too; its address stays among the awareness pages.
    path("awareness/actors/<int:actor_id>/", views.actor_detail, name="actor-page"),
]
