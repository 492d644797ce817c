"""Login required by default for every page.

Django's ``LoginRequiredMiddleware`` redirects anonymous users to the login
page unless a view is marked ``login_not_required``. API views are the
exception: DRF authenticates tokens inside the view, after middleware runs,
so the middleware lets them through and their ``permission_classes`` decide
(anonymous API calls get 401/403, never a redirect to an HTML page).
"""
from django.contrib.auth import middleware as auth_middleware
from rest_framework.views import APIView


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
