"""Pages and API answers kept per reader until the next committed write
(cdt/security/kept.py): shown again without computing, never to another
reader or session, never after a write, and every showing audited."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cdt.accounts.services import api_token_issue
from cdt.directory.models import Organisation
from cdt.security.grants import access_revoke, organisation_group
from cdt.security.kept import page_key
from cdt.security.models import AuditEntry, PendingRead

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("keeping")]


def _browser(user) -> Client:
    """A signed-in session that holds its CSRF cookie (a page is kept only
    for a browser that holds the token its forms carry)."""
    client = Client()
    client.force_login(user)
    client.get("/")  # the first page sets the CSRF cookie
    return client


def _shown(client: Client, path: str, **headers) -> tuple[str, list[str]]:
    """The page's text, and the SQL it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


def _touches_cases(queries: list[str]) -> bool:
    return any('"cases_case"' in sql for sql in queries)


def test_a_page_shown_again_is_the_same_and_reads_no_case(cast, open_case):
    open_case(title="Kept for its reader")
    client = _browser(cast["other_delegate"])
    first, first_queries = _shown(client, "/cases/")
    again, again_queries = _shown(client, "/cases/")
    assert "Kept for its reader" in first
    assert again == first
    assert _touches_cases(first_queries)
    assert not _touches_cases(again_queries)
    assert len(again_queries) < len(first_queries)


def test_a_committed_write_shows_at_once(cast, open_case):
    open_case(title="First case")
    client = _browser(cast["other_delegate"])
    _shown(client, "/cases/")
    open_case(title="Second case")
    page, queries = _shown(client, "/cases/")
    assert "Second case" in page
    assert _touches_cases(queries)


def test_another_reader_or_session_never_gets_a_kept_page(cast, open_case):
    case = open_case(title="Shared with France, not Hungary")
    france = _browser(cast["other_delegate"])
    assert "Shared with France, not Hungary" in _shown(france, "/cases/")[0]
    hungary = _browser(cast["outsider"])
    page, queries = _shown(hungary, "/cases/")
    assert "Shared with France, not Hungary" not in page
    assert _touches_cases(queries)
    assert hungary.get(f"/cases/{case.pk}/").status_code == 404
    france_again = _browser(cast["other_delegate"])  # the same reader, another session
    assert _touches_cases(_shown(france_again, "/cases/")[1])


def test_a_withdrawn_grant_takes_the_case_out_of_every_kept_page_at_once(cast, open_case):
    case = open_case(title="Withdrawn from France")
    france = _browser(cast["other_delegate"])
    assert "Withdrawn from France" in _shown(france, "/cases/")[0]
    assert "Withdrawn from France" in _shown(france, f"/cases/{case.pk}/")[0]
    access_revoke(target=case, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code="FR")))
    assert "Withdrawn from France" not in _shown(france, "/cases/")[0]
    assert france.get(f"/cases/{case.pk}/").status_code == 404


def _reads_of(case) -> int:
    """Recorded reads of ``case``: queued, or already linked into the chain."""
    return (
        PendingRead.objects.filter(object_id=str(case.pk)).count()
        + AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id=str(case.pk)).count()
    )


def test_every_showing_of_a_kept_page_records_its_reads(cast, open_case):
    case = open_case(title="Classified", classification=1)
    france = _browser(cast["other_delegate"])
    before = _reads_of(case)
    _shown(france, f"/cases/{case.pk}/")
    _, queries = _shown(france, f"/cases/{case.pk}/")
    assert not _touches_cases(queries)  # shown from the cache…
    assert _reads_of(case) == before + 2  # …and audited all the same
    replayed = PendingRead.objects.filter(object_id=str(case.pk)).order_by("-id").first() or (
        AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id=str(case.pk)).order_by("-id").first()
    )
    assert replayed.actor_id == cast["other_delegate"].pk
    assert replayed.details["path"] == f"/cases/{case.pk}/"


def test_a_waiting_message_is_shown_once_and_never_kept(cast, open_case):
    open_case()
    france = _browser(cast["other_delegate"])
    quiet, _ = _shown(france, "/")
    message = CookieStorage(RequestFactory().get("/"))._encode([Message(constants.SUCCESS, "Recorded just now.")])
    france.cookies["messages"] = message
    with_message, queries = _shown(france, "/")
    assert "Recorded just now." in with_message
    assert _touches_cases(queries)  # computed, not the kept page without the message
    after, _ = _shown(france, "/")
    assert "Recorded just now." not in after
    assert after == quiet


def test_the_exercise_mode_held_in_the_session_changes_the_kept_list(cast, open_case):
    open_case(title="A real case")
    open_case(title="An exercise case", exercise=True)
    france = _browser(cast["other_delegate"])
    assert "A real case" in _shown(france, "/cases/")[0]
    france.post("/cases/exercise-mode/")  # writes the session only: no new generation
    page, _ = _shown(france, "/cases/")
    assert "An exercise case" in page
    assert "A real case" not in page


def test_the_key_names_the_language_the_date_and_the_htmx_headers(cast, monkeypatch):
    request = RequestFactory().get("/cases/")
    request.user = cast["delegate"]
    request.COOKIES["csrftoken"] = "x" * 32
    request.session = Client().session
    request.session.save()
    with translation.override("en"):
        english = page_key(request)
        request.META["HTTP_HX_REQUEST"] = "true"
        fragment = page_key(request)
        del request.META["HTTP_HX_REQUEST"]
        monkeypatch.setattr(timezone, "localdate", lambda: timezone.now().date().replace(year=2099))
        tomorrow = page_key(request)
    with translation.override("fr"):
        french = page_key(request)
    assert english is not None
    assert len({english, fragment, tomorrow, french}) == 4
    del request.COOKIES["csrftoken"]
    assert page_key(request) is None  # no CSRF cookie: never kept


def test_an_api_list_is_kept_per_user_and_a_write_shows_at_once(cast, open_case):
    open_case(title="On the API")
    _, france_key = api_token_issue(user=cast["other_delegate"], name="FR", scopes=["read"])
    _, hungary_key = api_token_issue(user=cast["outsider"], name="HU", scopes=["read"])
    client = Client()
    france = {"HTTP_AUTHORIZATION": f"Token {france_key}"}
    first, first_queries = _shown(client, "/api/v1/cases/", **france)
    again, again_queries = _shown(client, "/api/v1/cases/", **france)
    assert "On the API" in first and again == first
    assert _touches_cases(first_queries) and not _touches_cases(again_queries)
    assert "On the API" not in _shown(client, "/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {hungary_key}")[0]
    assert client.get("/api/v1/cases/").status_code in (401, 403)  # nobody signed in: nothing kept is shown
    open_case(title="Opened since")
    assert "Opened since" in _shown(client, "/api/v1/cases/", **france)[0]


def test_an_api_detail_shown_again_is_audited_again(cast, open_case):
    case = open_case(classification=1)
    _, key = api_token_issue(user=cast["other_delegate"], name="FR", scopes=["read"])
    client = Client()
    before = _reads_of(case)
    first, _ = _shown(client, f"/api/v1/cases/{case.pk}/", HTTP_AUTHORIZATION=f"Token {key}")
    again, queries = _shown(client, f"/api/v1/cases/{case.pk}/", HTTP_AUTHORIZATION=f"Token {key}")
    assert again == first and not _touches_cases(queries)
    assert _reads_of(case) == before + 2


def _list_reads_naming(case) -> int:
    """Recorded list reads (one entry per response) naming ``case``."""
    entries = list(PendingRead.objects.filter(object_id="").values_list("details", flat=True)) + list(
        AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id="").values_list("details", flat=True)
    )
    return sum(1 for details in entries if ["cases.case", str(case.pk)] in details.get("objects", []))


@pytest.mark.parametrize("path", ["/cases/", "/api/v1/cases/"])
def test_every_showing_of_a_kept_list_records_its_list_read(cast, open_case, path):
    case = open_case(title="Classified in a list", classification=1)
    if path.startswith("/api/"):
        _, key = api_token_issue(user=cast["other_delegate"], name="FR", scopes=["read"])
        client, headers = Client(), {"HTTP_AUTHORIZATION": f"Token {key}"}
    else:
        client, headers = _browser(cast["other_delegate"]), {}
    before = _list_reads_naming(case)
    _shown(client, path, **headers)
    _, queries = _shown(client, path, **headers)
    assert not _touches_cases(queries)
    assert _list_reads_naming(case) == before + 2


def _racing(monkeypatch, write):
    """``write`` commits (and starts a new generation) once the request has
    read its user, just before the generation its answer is filed under is
    taken: as a write from another request would, while this one is under way."""
    from cdt.security import kept

    original = kept._generation
    done = []

    def racing(request):
        if not done:
            done.append(True)
            write()
        return original(request)

    monkeypatch.setattr(kept, "_generation", racing)


def test_a_clearance_lowered_while_a_page_is_computed_is_not_hidden_by_it(cast, open_case, monkeypatch):
    from cdt.accounts.models import User

    case = open_case(title="Classified while it lasted", classification=1)
    france = _browser(cast["other_delegate"])
    _racing(monkeypatch, lambda: User.objects.filter(pk=cast["other_delegate"].pk).update(clearance=0))
    france.get(f"/cases/{case.pk}/")  # computed with the clearance it had when it began
    assert france.get(f"/cases/{case.pk}/").status_code == 404


def test_a_clearance_lowered_while_an_api_answer_is_computed_is_not_hidden_by_it(cast, open_case, monkeypatch):
    from cdt.accounts.models import User

    case = open_case(title="Classified while it lasted", classification=1)
    _, key = api_token_issue(user=cast["other_delegate"], name="FR", scopes=["read"])
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    _racing(monkeypatch, lambda: User.objects.filter(pk=cast["other_delegate"].pk).update(clearance=0))
    client = Client()
    client.get(f"/api/v1/cases/{case.pk}/", **headers)  # computed with the clearance it had when it began
    assert client.get(f"/api/v1/cases/{case.pk}/", **headers).status_code == 404


def _signed_in_request(user, **cookies):
    from cdt.core import generation

    request = RequestFactory().get("/somewhere/")
    request.user = user
    request.session = Client().session
    request.session.save()
    request.COOKIES.update({"csrftoken": "c" * 32, **cookies})
    request.cdt_generation = generation.current()
    return request


def test_an_answer_with_a_cookie_of_its_own_or_an_error_is_never_kept(cast):
    from django.http import HttpResponse

    from cdt.security.kept import kept_page

    computed = []

    def answer(status=200, cookie=False):
        def view(request):
            computed.append(status)
            response = HttpResponse("answer", status=status)
            if cookie:
                response.set_cookie("chosen", "1")
            return response

        return kept_page(view)

    kept_view = answer()
    request = _signed_in_request(cast["delegate"])
    computed.clear()
    kept_view(request)
    kept_view(request)
    assert computed == [200]  # the plain 200 was kept
    for refused in (answer(cookie=True), answer(status=400)):
        request = _signed_in_request(cast["delegate"])
        computed.clear()
        refused(request)
        refused(request)
        assert len(computed) == 2  # computed each time


def test_the_page_key_names_the_csrf_cookie_and_the_reader_s_clearance(cast):
    request = _signed_in_request(cast["delegate"])
    first = page_key(request)
    request.COOKIES["csrftoken"] = "d" * 32
    assert page_key(request) != first
    other_cookie = page_key(request)
    request.user.clearance = 0
    assert page_key(request) != other_cookie


def test_the_api_key_names_the_token_the_format_the_version_and_the_language(cast):
    from types import SimpleNamespace

    from cdt.security.kept import api_key

    def request(**changed):
        fields = {
            "user": cast["delegate"],
            "auth": SimpleNamespace(pk=1),
            "build_absolute_uri": lambda: "https://testserver/api/v1/cases/",
            "accepted_media_type": "application/json",
            "version": "v1",
        }
        return SimpleNamespace(**{**fields, **changed})

    with translation.override("en"):
        keys = {
            api_key(request()),
            api_key(request(auth=SimpleNamespace(pk=2))),
            api_key(request(accepted_media_type="text/html")),
            api_key(request(version="v2")),
        }
    with translation.override("fr"):
        keys.add(api_key(request()))
    assert len(keys) == 5
