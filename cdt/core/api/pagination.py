"""API pages, with the page number read strictly.

DRF's page-number pagination takes ``?page=`` (empty) as the first page;
an API client that sent it meant something else, so, as for any page
number it cannot read (``?page=abc``, ``?page=2&page=3``), the answer is
404 "Invalid page", DRF's own answer for a page that does not exist.

Every API list pages through this class (``DEFAULT_PAGINATION_CLASS``),
so it is also where a list's read of classified objects is audited: one
entry per response naming them (:func:`protected_list_record`), whatever
the viewset, without each one remembering to.
"""

from __future__ import annotations

from rest_framework import pagination
from rest_framework.exceptions import NotFound

from cdt.core.listing import KeptCountPaginator
from cdt.security.selectors import protected_list_record


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = KeptCountPaginator

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not (values[0].isascii() and values[0].isdigit() or values[0] in self.last_page_strings):
            raise NotFound(self.invalid_page_message.format(page_number=values[-1], message="not a page number"))
        return values[0]

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        if page is not None:
            protected_list_record(objects=page, user=request.user, request=request, via="api")
        return page
