"""The form routes of the user's own settings and of signing in, in the
table of tests/hostile_forms_routes.py.
"""

from __future__ import annotations

from notifications.models import EventKind

from .conftest import PASSWORD
from .hostile_forms_support import FormRoute


def _totp_now(user_key: str) -> object:
    """The current code of the user's (first) authenticator device."""

    def token(w):
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=w.cast[user_key]).order_by("pk").first()
        return f"{TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token():0{device.digits}d}"

    return token


ROUTES = [
    # --- notifications
    FormRoute(
        "notification-preferences-page",
        "delegate",
        lambda w: "/notifications/preferences/",
        lambda w: dict.fromkeys(EventKind.values, "immediate"),
        choices=tuple(EventKind.values),
    ),
    # --- accounts (their own clients: a successful post cycles the session key)
    FormRoute(
        "login",
        "anonymous",
        lambda w: "/accounts/login/",
        lambda w: {"username": "delegate-de", "password": PASSWORD},
        text=("username", "password"),
        limits={"username": 150},
        fresh_client=True,
        # django-axes counts failed sign-ins per username (the lockout), and each is audited.
        writes_when_rejected=("axes.AccessAttempt", "axes.AccessFailureLog"),
        audited=("login_failed",),
    ),
    FormRoute(
        "password_change",
        "delegate",
        lambda w: "/accounts/password/",
        lambda w: {"old_password": PASSWORD, "new_password1": "another-long-password-2027", "new_password2": "another-long-password-2027"},
        text=("old_password", "new_password1", "new_password2"),
        fresh_client=True,
    ),
    FormRoute(
        "otp-verify",
        "unverified",
        lambda w: "/accounts/second-factor/",
        lambda w: {"otp_token": _totp_now("unverified")(w)},
        text=("otp_token",),
        limits={"otp_token": 6},
        fresh_client=True,
        # django-otp's throttle counts failed codes on the device, and each is audited.
        writes_when_rejected=("otp_totp.TOTPDevice",),
        audited=("second_factor_failed",),
    ),
    FormRoute(
        "otp-setup",
        "enrolling",
        lambda w: "/accounts/second-factor/setup/",
        lambda w: {"otp_token": _totp_now("enrolling")(w)},
        text=("otp_token",),
        limits={"otp_token": 6},
        fresh_client=True,
        writes_when_rejected=("otp_totp.TOTPDevice",),
        audited=("second_factor_failed",),
    ),
]
