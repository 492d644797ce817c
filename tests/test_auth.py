import pytest
from django.core.management import call_command
from django.urls import reverse

from cdt.accounts.demo import DEMO_ACCOUNTS
from cdt.accounts.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-cdt-2026"


def test_login_page_renders_for_anonymous_users(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content


def test_login_logout_round_trip(client, delegate):
    response = client.post(reverse("login"), {"username": delegate.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_a_form_error_and_logs_nobody_in(client, delegate):
    response = client.post(reverse("login"), {"username": delegate.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"ecl-notification--error" in response.content
    assert "_auth_user_id" not in client.session


def test_seed_demo_is_idempotent_and_every_account_logs_in_and_sees_itself(client, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert f"password: {DEMO_PASSWORD}" in output
    assert User.objects.filter(username__in=[account.username for account in DEMO_ACCOUNTS]).count() == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        assert account.username in output
        client.logout()
        response = client.post(reverse("login"), {"username": account.username, "password": DEMO_PASSWORD}, follow=True)
        body = response.content.decode()
        user = User.objects.get(username=account.username)
        assert response.status_code == 200 and response.wsgi_request.user == user
        assert user.get_full_name() in body
        assert str(user.organisation) in body
        for label in user.role_labels:
            assert label in body
    assert User.objects.get(username="chair-ie").member_state.code == "IE"
    assert User.objects.get(username="secretariat").is_staff


def test_chair_of_the_current_presidency_is_told_so(client, directory):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    client.force_login(User.objects.get(username="chair-ie"))
    from django.utils import timezone

    from cdt.directory.selectors import presidency_on

    holder = presidency_on(timezone.localdate())
    body = client.get(reverse("home")).content.decode()
    assert (holder is not None and holder.member_state.code == "IE") == ("You chair HWPCI this term" in body)
    client.force_login(User.objects.get(username="delegate-de"))
    assert "You chair HWPCI this term" not in client.get(reverse("home")).content.decode()


def test_profile_shows_organisation_roles_and_clearance(client, delegate):
    client.force_login(delegate)
    body = client.get(reverse("profile")).content.decode()
    assert "Germany" in body and "HWPCI delegate" in body and "RESTREINT UE/EU RESTRICTED" in body


def test_expired_clearance_counts_as_none(client, make_user):
    import datetime

    from cdt.security.markings import Classification

    user = make_user("expired", clearance_expires_on=datetime.date(2020, 1, 1))
    assert user.effective_clearance() == Classification.UNCLASSIFIED
    assert user.effective_clearance(datetime.date(2019, 12, 31)) == Classification.RESTREINT_UE
    client.force_login(user)
    assert "expired: treated as unclassified" in client.get(reverse("profile")).content.decode()


def test_password_change(client, delegate):
    client.force_login(delegate)
    new = "another-long-password-2027"
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert delegate.check_password(new)


def test_secretariat_reaches_the_admin_console_and_a_delegate_does_not(client, delegate, secretariat_user, login_verified):
    login_verified(client, secretariat_user)
    assert client.get("/admin/directory/populationshare/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    client.force_login(delegate)
    response = client.get("/admin/directory/populationshare/")
    assert response.status_code == 302 and "/admin/login/" in response.url
