"""One way to show a list: a django-filter FilterSet (filters and a
``sort`` ordering), then a page of 25, with the query kept in the page
links. The case list, the assessments, the meetings and the evaluations use
it, so every list filters, sorts and pages the same way; and, since every
page of a list comes from here, the page's classified rows are audited
here, once per response (:func:`protected_list_record`)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from cdt.security.selectors import protected_list_record

from .generation import kept_count

PAGE_SIZE = 25


class KeptCountPaginator(Paginator):
    """A paginator whose total is kept for the data generation: the count
    reads every matching row (every visible case, at 100,000 cases), the
    page only 25 (cdt/core/generation.py)."""

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "query"):
            return kept_count(self.object_list)
        return len(self.object_list)


def paginate(request, queryset, *, per_page: int = PAGE_SIZE) -> tuple[Page, str]:
    """The requested page (the last one if the number is too high) and the
    query string without ``page``, for the previous/next links."""
    page = KeptCountPaginator(queryset, per_page).get_page(request.GET.get("page"))
    # Fetched once here (the page's query runs anyway), so the audit names
    # exactly the rows the page shows and the template reads the same list.
    page.object_list = list(page.object_list)
    protected_list_record(objects=page.object_list, user=request.user, request=request, via="page")
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
