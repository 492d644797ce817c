"""The Swagger UI page under the site's Content-Security-Policy.

The split view serves Swagger's start-up script as a file, so no inline
script is needed. Swagger UI still injects one fixed ``<style>`` element at
run time; it is allowed by its hash on this page only, never by
``'unsafe-inline'``.
"""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView

#: SHA-256 of the <style> element swagger-ui (drf-spectacular-sidecar) injects.
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"


@method_decorator(csp_update({"style-src": [SWAGGER_UI_STYLE_HASH]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    pass
