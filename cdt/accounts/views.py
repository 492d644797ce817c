"""Account pages: the profile, and the second factor (verification after the
password, and enrolment of an authenticator app)."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cdt.core.access import AUTHENTICATED, declare_access
from cdt.security.types import AuthenticatedHttpRequest

from .forms import OtpTokenForm
from .second_factor import is_verified, requires_second_factor, safe_next, second_factor_exempt
from .services import second_factor_confirm, second_factor_enrolment, second_factor_verify


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
