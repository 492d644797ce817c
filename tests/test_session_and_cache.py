import datetime
import time

import pytest
from django.conf import settings
from django.test import override_settings

from cdt.security.middleware import SESSION_STARTED_KEY

pytestmark = pytest.mark.django_db


def test_pages_and_api_for_logged_in_users_are_never_cached(client, delegate):
    client.force_login(delegate)
    for url in ("/", "/directory/", "/api/v1/me/", "/api/v1/directory/member-states/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_token_authenticated_api_responses_are_not_cached(client, delegate):
    from cdt.accounts.services import api_token_issue

    _, key = api_token_issue(user=delegate, name="t", scopes=["read"])
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_inactivity_timeout_is_renewed_at_most_once_a_minute(client, delegate, django_assert_num_queries):
    from django.contrib.sessions.models import Session

    from cdt.security.middleware import SESSION_RENEWAL_SECONDS, SESSION_RENEWED_KEY

    assert settings.SESSION_COOKIE_AGE <= 3600
    client.force_login(delegate)
    client.get("/directory/")  # renews: the first request after sign-in
    key = client.session.session_key
    renewed_expiry = Session.objects.get(pk=key).expire_date
    client.get("/directory/")  # within the minute: the session is not written
    assert Session.objects.get(pk=key).expire_date == renewed_expiry
    session = client.session
    session[SESSION_RENEWED_KEY] = int(time.time()) - SESSION_RENEWAL_SECONDS
    session.save()
    Session.objects.filter(pk=key).update(expire_date=renewed_expiry - datetime.timedelta(minutes=1))  # as if a minute had passed
    client.get("/directory/")  # a minute on: renewed, with a later expiry
    assert Session.objects.get(pk=key).expire_date > renewed_expiry - datetime.timedelta(minutes=1)
    assert client.session[SESSION_RENEWED_KEY] >= int(time.time()) - 1


@override_settings(CDT_SESSION_MAX_SECONDS=3600)
def test_absolute_lifetime_ends_an_active_session(client, delegate):
    client.force_login(delegate)
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - 3601
    session.save()
    response = client.get("/directory/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # logged out, not just redirected once


@override_settings(CDT_SESSION_MAX_SECONDS=3600)
def test_session_within_its_lifetime_continues(client, delegate):
    client.force_login(delegate)
    client.get("/")
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - 3500
    session.save()
    assert client.get("/directory/").status_code == 200
