"""The Swagger UI page under the site's Content-Security-Policy.

The split view serves Swagger's start-up script as a file, so no inline
script is needed. Swagger UI still injects one fixed ``<style>`` element at
run time; it is allowed by its hash on this page only, never by
``'unsafe-inline'``.
"""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.negotiation import BaseContentNegotiation

#: SHA-256 of the <style> element swagger-ui (drf-spectacular-sidecar) injects.
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"


class PageOnly(BaseContentNegotiation):
    """The docs are a page whatever the client accepts: DRF's negotiation
    answered ``Accept: application/json`` with a 406 that the page's HTML
    renderer could not render (a 500; hostile probe of issue 25). The
    schema itself is at ``/api/v1/schema/``."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@method_decorator(csp_update({"style-src": [SWAGGER_UI_STYLE_HASH]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    content_negotiation_class = PageOnly
