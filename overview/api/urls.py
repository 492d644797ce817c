from django.urls import path

from .figures import FiguresView
from .views import SearchView

urlpatterns = [
    path("search/", SearchView.as_view(), name="api-search"),
    path("figures/", FiguresView.as_view(), name="api-figures"),
]
