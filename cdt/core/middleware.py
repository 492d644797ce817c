"""Request middleware: login required by default, and the body-size cap.

Login required by default for every page. Django's ``LoginRequiredMiddleware`` redirects anonymous users to the login
page unless a view is marked ``login_not_required``. API views are the
exception: DRF authenticates tokens inside the view, after middleware runs,
so the middleware lets them through and their ``permission_classes`` decide
(anonymous API calls get 401/403, never a redirect to an HTML page).
"""

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from rest_framework.views import APIView


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is larger than its address accepts, with
    413 and a message that says the limit, before anything reads the body.

    Django enforces ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only where it parses a
    form or reads ``request.body``; DRF's parsers read the stream and are not
    bounded at all. One check here covers pages, API and TAXII alike. A view
    that takes bigger bodies (the STIX feed and TAXII's add-objects) names the
    setting holding its limit in ``max_request_body_setting``.

    The declared length is the one to judge because nothing reads past it.
    Under WSGI Django wraps the input in a ``LimitedStream`` of that length
    (no ``Content-Length``: nothing is read). Under ASGI Django hands the view
    whatever the client sent, so a body declaring 100 bytes could bring
    megabytes to the form parser; the same wrapper is put on it here, first,
    so both servers read the same body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if isinstance(request, ASGIRequest):
            # Not a number: process_view refuses it with 400 before any view reads.
            request._stream = LimitedStream(request._stream, max(_declared_length(request) or 0, 0))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        length = _declared_length(request)
        if length is None:
            return self._refuse(request, view_func, status=400, message=gettext("The request's Content-Length header is not a number."))
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        setting = getattr(view_class, "max_request_body_setting", None) or getattr(view_func, "max_request_body_setting", None)
        limit = getattr(settings, setting) if setting else settings.CDT_MAX_REQUEST_BODY
        if length > limit:
            return self._refuse(
                request,
                view_func,
                status=413,
                message=gettext("The request body is %(length)s bytes; this address accepts at most %(limit)s bytes.")
                % {"length": length, "limit": limit},
            )
        return None

    @staticmethod
    def _refuse(request, view_func, *, status: int, message: str):
        """The error in the caller's language: TAXII's error resource on
        TAXII, DRF's ``detail`` on the API, a page for the browser."""
        if request.path.startswith("/taxii2/"):
            title = "Request Entity Too Large" if status == 413 else "Bad Request"
            return JsonResponse(
                {"title": title, "description": message, "http_status": str(status)},
                status=status,
                content_type="application/taxii+json;version=2.1",
            )
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(
            render_to_string("core/request_refused.html", {"message": message, "too_large": status == 413}, request=request), status=status
        )


def _declared_length(request) -> int | None:
    """The body length the client declared: 0 without the header, None if it is not a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
