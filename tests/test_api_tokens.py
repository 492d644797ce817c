import io

import pytest
from django.core.management import CommandError, call_command

from cdt.accounts.models import ApiToken
from cdt.accounts.services import api_token_revoke

pytestmark = pytest.mark.django_db


def issue(username: str, *scopes: str) -> str:
    out = io.StringIO()
    args = [username] + [arg for scope in scopes for arg in ("--scope", scope)]
    call_command("issue_token", *args, stdout=out)
    return out.getvalue().strip()


def test_issued_token_authenticates_and_is_stored_hashed(client, delegate):
    key = issue(delegate.username)
    assert len(key) >= 40
    token = ApiToken.objects.get(user=delegate)
    assert token.scopes == ["read"]
    assert key not in {token.key_hash, token.key_prefix} and token.key_hash != key
    assert not ApiToken.objects.filter(key_hash=key).exists()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["username"] == delegate.username
    assert response.json()["organisation"] == "DE"
    assert response.json()["roles"] == ["hwpci_delegate"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_and_revoked_tokens_are_refused(client, delegate):
    key = issue(delegate.username)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 401
    api_token_revoke(token=ApiToken.objects.get(user=delegate))
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_token_of_a_deactivated_user_is_refused(client, delegate):
    key = issue(delegate.username)
    delegate.is_active = False
    delegate.save()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_scopes_limit_what_a_token_can_do(client, make_user):
    feed = make_user("siac-feed", "SIAC", roles=())
    key = issue(feed.username, "feeds:write")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403
    assert "scope" in response.json()["detail"]


def test_unknown_user_or_scope_is_a_clear_error(delegate):
    with pytest.raises(CommandError, match="no user named"):
        issue("nobody")
    with pytest.raises(CommandError, match="invalid choice"):
        issue(delegate.username, "cases:delete")


def test_revocation_in_the_admin_console(client, delegate, secretariat_user, login_verified):
    key = issue(delegate.username)
    token = ApiToken.objects.get(user=delegate)
    login_verified(client, secretariat_user)
    response = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_openapi_schema_is_served_to_logged_in_users(client, delegate):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    client.force_login(delegate)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/me/" in paths and "/api/v1/directory/member-states/" in paths


def test_swagger_ui_is_served_from_our_own_static_files(client, delegate):
    client.force_login(delegate)
    body = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in body
    assert "cdn.jsdelivr" not in body and "unpkg.com" not in body


def test_the_docs_page_answers_a_client_asking_for_json(client, delegate):
    """It answered 500 (a 406 its HTML renderer could not render); found by the issue-25 probe."""
    client.force_login(delegate)
    response = client.get("/api/v1/docs/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and "swagger-ui" in response.content.decode()
