"""Authentication hardening: lockout, the second factor, sessions of a
deactivated user, the Content-Security-Policy and API rate limits."""

import io
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP

from cdt.accounts.models import ApiToken
from cdt.accounts.throttling import ApiTokenRateThrottle
from cdt.security.markings import Classification
from cdt.security.models import AuditEntry

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(device, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or ``steps_ahead`` periods later:
    a code is accepted once, and the device tolerates one step of drift)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


# --- Lockout ------------------------------------------------------------------


def test_account_locks_after_the_failure_limit_even_with_the_right_password(client, delegate, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, delegate, "wrong-password").status_code == 200  # form error, not locked yet
    response = sign_in(client, delegate, "wrong-password")
    assert response.status_code == 429
    assert b"Account locked" in response.content
    response = sign_in(client, delegate)  # the right password no longer helps
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT, actor_name=delegate.username).exists()


def test_lockout_is_per_account_and_a_success_resets_the_count(client, delegate, make_user):
    other = make_user("other-delegate", "FR")
    for _ in range(4):
        sign_in(client, delegate, "wrong-password")
    assert sign_in(client, other).status_code == 302  # another account is unaffected
    client.post(reverse("logout"))
    assert sign_in(client, delegate).status_code == 302  # fifth attempt, right password: in, count reset
    client.post(reverse("logout"))
    for _ in range(4):
        assert sign_in(client, delegate, "wrong-password").status_code == 200


# --- Second factor ------------------------------------------------------------


@pytest.mark.parametrize(
    ("clearance", "roles", "is_staff", "required"),
    [
        (Classification.RESTREINT_UE, ("hwpci_delegate",), False, False),
        (Classification.CONFIDENTIEL_UE, ("hwpci_delegate",), False, True),
        (Classification.SECRET_UE, ("siac_analyst",), False, True),
        (Classification.UNCLASSIFIED, ("secretariat",), False, True),
        (Classification.UNCLASSIFIED, ("eeas_drafter",), True, True),
    ],
)
def test_second_factor_required_by_clearance_role_or_admin_access(client, make_user, clearance, roles, is_staff, required):
    from cdt.accounts.roles import Role

    user = make_user(
        "subject", "GSC" if "secretariat" in roles else "DE", roles=tuple(Role(r) for r in roles), clearance=clearance, is_staff=is_staff
    )
    response = sign_in(client, user)
    assert response.status_code == 302
    response = client.get(reverse("directory"))
    if required:
        assert response.status_code == 302
        assert response.url.startswith(reverse("otp-setup"))  # no device yet: enrol first
        assert client.get("/api/v1/me/").status_code in (401, 403)  # the API ignores the unverified session
    else:
        assert response.status_code == 200
        assert client.get("/api/v1/me/").status_code == 200


def test_enrolment_then_verification_with_real_codes(client, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp delays retries after a failure; not what this test is about
    user = make_user("cleared", "DE", clearance=Classification.CONFIDENTIEL_UE)
    sign_in(client, user)
    page = client.get(reverse("otp-setup") + "?next=/directory/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = user.totpdevice_set.get(confirmed=False)
    response = client.post(
        reverse("otp-setup"), {"otp_token": "000000" if current_code(device) != "000000" else "111111", "next": "/directory/"}
    )
    assert response.status_code == 200 and b"does not match" in response.content
    response = client.post(reverse("otp-setup"), {"otp_token": current_code(device), "next": "/directory/"})
    assert response.status_code == 302 and response.url == "/directory/"
    assert client.get(reverse("directory")).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # A new session asks for the code again, now against the confirmed device.
    client.post(reverse("logout"))
    sign_in(client, user)
    response = client.get(reverse("directory"))
    assert response.url.startswith(reverse("otp-verify"))
    assert client.get(reverse("otp-setup")).url == reverse("otp-verify")  # cannot enrol a second device
    response = client.post(reverse("otp-verify"), {"otp_token": "12345", "next": "/directory/"})
    assert response.status_code == 200 and b"six digits" in response.content
    response = client.post(reverse("otp-verify"), {"otp_token": current_code(device, steps_ahead=1), "next": "https://evil.invalid/"})
    assert response.status_code == 302 and response.url == reverse("home")  # no open redirect
    actions = list(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert actions.count(AuditEntry.Action.SECOND_FACTOR) == 2
    assert AuditEntry.Action.SECOND_FACTOR_FAILED in actions


def test_wrong_code_is_refused_and_retries_are_throttled(client, make_user, login_verified):
    user = make_user("cleared", "DE", clearance=Classification.CONFIDENTIEL_UE)
    device = login_verified(client, user)
    client.post(reverse("logout"))
    sign_in(client, user)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post(reverse("otp-verify"), {"otp_token": wrong})
    assert response.status_code == 200 and b"wrong or has expired" in response.content
    assert client.get(reverse("directory")).status_code == 302
    # Straight after a failure even the right code is refused (django-otp's
    # exponential back-off), which makes guessing six digits impractical.
    response = client.post(reverse("otp-verify"), {"otp_token": current_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_api_token_of_a_cleared_user_needs_no_second_factor(client, make_user):
    user = make_user("cleared", "DE", clearance=Classification.CONFIDENTIEL_UE)
    out = io.StringIO()
    call_command("issue_token", user.username, stdout=out)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}").status_code == 200


def test_demo_accounts_have_a_second_factor_and_demo_otp_prints_its_code(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "make otp ACCOUNT=" in out.getvalue()
    code = io.StringIO()
    call_command("demo_otp", "secretariat", stdout=code)
    client.post(reverse("login"), {"username": "secretariat", "password": "demo-cdt-2026"})
    response = client.post(reverse("otp-verify"), {"otp_token": code.getvalue().strip(), "next": "/admin/"})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_otp", "someone-else")
    with pytest.raises(CommandError, match="no demo authenticator"):
        call_command("demo_otp", "delegate-de")  # RESTREINT delegate: no second factor needed, none registered


# --- Deactivation ---------------------------------------------------------------


def test_deactivating_a_user_ends_all_their_sessions(client, delegate, make_user):
    from django.test import Client

    other = make_user("other-delegate", "FR")
    second = Client()
    sign_in(client, delegate)
    sign_in(second, delegate)
    bystander = Client()
    sign_in(bystander, other)
    assert Session.objects.count() == 3
    delegate.is_active = False
    delegate.save()
    assert Session.objects.count() == 1  # only the bystander's
    assert client.get(reverse("directory")).status_code == 302
    assert bystander.get(reverse("directory")).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE, object_id=str(delegate.pk), details__has_key="changes").get()
    assert entry.details == {"changes": {"is_active": [True, False]}, "sessions_ended": 2}


def test_deactivated_users_token_stops_working(client, delegate):
    out = io.StringIO()
    call_command("issue_token", delegate.username, stdout=out)
    key = out.getvalue().strip()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    delegate.is_active = False
    delegate.save()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


# --- Content-Security-Policy ----------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/login/", "/directory/", "/api/v1/docs/"])
def test_csp_forbids_inline_scripts_everywhere(client, delegate, path):
    if path != "/accounts/login/":
        client.force_login(delegate)
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == ["'none'"]
    assert b"<script>" not in response.content and b"<script >" not in response.content


# --- Rate limits -------------------------------------------------------------------


def test_api_token_is_rate_limited(client, delegate, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(ApiTokenRateThrottle, "THROTTLE_RATES", {"api_token": "3/min"})
    out = io.StringIO()
    call_command("issue_token", delegate.username, stdout=out)
    key = out.getvalue().strip()
    statuses = [client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another client's token has its own bucket.
    out = io.StringIO()
    call_command("issue_token", delegate.username, "--name", "second client", stdout=out)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}").status_code == 200
    assert ApiToken.objects.count() == 2
