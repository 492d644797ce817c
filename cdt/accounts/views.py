"""Account pages: the profile, the second factor (verification after the
password, and enrolment of an authenticator app), and the first login
through an invitation's link."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from cdt.core.access import AUTHENTICATED, PUBLIC, declare_access
from cdt.core.forms import LoginForm
from cdt.security.types import AuthenticatedHttpRequest
from cdt.workflow.http import page_attempt

from .console_forms import FirstPasswordForm
from .forms import OtpTokenForm
from .onboarding import invitation_accept, invitation_for_link
from .second_factor import is_verified, requires_second_factor, safe_next, second_factor_exempt
from .services import second_factor_confirm, second_factor_enrolment, second_factor_verify, user_language_set


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """The cookie ``LocaleMiddleware`` reads the interface's language from
    (set as Django's ``set_language`` sets it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@declare_access(PUBLIC)
class LoginView(auth_views.LoginView):
    """Django's sign-in, after which the interface speaks the user's
    language (their profile's), not merely the browser's. A language chosen
    with the header's switch before signing in is a choice: it becomes the
    user's language. (Signing out forgets the choice, so the next person
    at the same browser gets their own language.)"""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            user_language_set(user=user, language=chosen)
        response = super().form_valid(form)
        translation.activate(user.language)
        language_cookie_set(response, user.language)
        return response


@declare_access(AUTHENTICATED)
class LogoutView(auth_views.LogoutView):
    """Django's sign-out, which also forgets the language cookie: the
    language belongs to the user who signed in (:class:`LoginView`)."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN)
        return response


@declare_access(PUBLIC)
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switch (Django's ``set_language``: the cookie and the
    redirect). For a signed-in user the choice is also their language, so
    their e-mails and their next sign-in follow it."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if request.method == "POST" and user is not None and user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=user, language=language)
    return response


@declare_access(AUTHENTICATED)
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": user,
            "effective_clearance": user.effective_clearance(),
            "api_tokens": user.api_tokens.order_by("-created_at"),
            "second_factor_required": requires_second_factor(user),
            "second_factor_verified": is_verified(user),
        },
    )


@declare_access(AUTHENTICATED)
@second_factor_exempt
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: the six-digit code from the user's authenticator."""
    from django_otp import user_has_device

    if not user_has_device(request.user):
        return redirect("otp-setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_verify(request=request, user=request.user, otp_token=form.cleaned_data["otp_token"]):
            return redirect(safe_next(request))
        form.add_error("otp_token", _("This code is wrong or has expired. Wait for the next one and try again."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": safe_next(request)})


@declare_access(AUTHENTICATED)
@second_factor_exempt
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the key), then confirm with a
    first code. Only while the user has no confirmed device: replacing a
    lost device goes through the secretariat, who deletes the old one."""
    from django_otp import user_has_device

    if user_has_device(request.user):
        return redirect("otp-verify")
    device = second_factor_enrolment(user=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor_confirm(request=request, user=request.user, otp_token=form.cleaned_data["otp_token"]):
            messages.success(request, _("Your authenticator app is registered."))
            return redirect(safe_next(request))
        form.add_error("otp_token", _("This code does not match. Check the time on your phone and try the next code."))
    context = {
        "form": form,
        "next": safe_next(request),
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
        "key_base32": b32encode(device.bin_key).decode(),
    }
    return render(request, "accounts/otp_setup.html", context)


@declare_access(PUBLIC)
@second_factor_exempt
def invitation_accept_page(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The first login: the invitation's one-time link, where the new user
    chooses a password; then signed in, and sent to register an
    authenticator when their role or clearance needs one. A used, retired
    or expired link is refused the same way, with what to do."""
    found = invitation_for_link(uidb64, token)
    if found is None:
        return render(request, "accounts/invitation_invalid.html", status=400)
    user, invitation = found
    form = FirstPasswordForm(user, request.POST if request.method == "POST" else None)
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        attempt = page_attempt(
            lambda: invitation_accept(uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"], request=request)
        )
        if attempt.failed or attempt.result is None:
            return render(request, "accounts/invitation_invalid.html", status=400)
        login(request, attempt.result, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Use your e-mail address to sign in."))
        return redirect("otp-setup" if requires_second_factor(attempt.result) else "home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user, "invitation": invitation}, status=status)
