"""Search: across cases, assessments, actors, notes and statements, only
through what the user may see (the outsider finds nothing of the case, not
even a count), on the page and over the API. Full text on PostgreSQL (the
CI's second lane), word matching on SQLite; the same tests hold for both."""

import pytest
from django.db import connection

from awareness.models import ThreatActor
from measures.services import options_note_create
from overview.search import search

from .cases_support import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, open_case):
    case = walk_to(open_case(title="Wiper attack on grid operators"), "exploration", cast)  # with a SIAC assessment
    options_note_create(
        by=cast["eeas"],
        case=case,
        title="Options after the sabotage",
        content={
            "situation": "Destructive malware hit transmission operators.",
            "options": [{"measure_type": "demarche", "rationale": "Signal."}],
            "recommendation": "Option 1.",
        },
    )
    ThreatActor.objects.create(name="Sandworm Echo", aliases=["Voodoo Harbour"], description="Destructive operations against grids.")
    return case


def kinds_found(user, query):
    return {group.kind: [hit.title for hit in group.hits] for group in search(user=user, query=query)}


def test_insiders_find_cases_notes_assessments_and_actors(cast, world):
    found = kinds_found(cast["other_delegate"], "wiper")
    assert found["case"] == [f"{world.reference} — Wiper attack on grid operators"]
    assert "options_note" in kinds_found(cast["eeas"], "malware")
    assert kinds_found(cast["siac"], "all-source").get("assessment") == ["SIAC assessment"]
    assert kinds_found(cast["delegate"], "harbour")["actor"] == ["Sandworm Echo"]


def test_outsiders_find_nothing_they_may_not_see(cast, world):
    assert kinds_found(cast["outsider"], "wiper") == {}
    assert kinds_found(cast["outsider"], "malware") == {}
    assert kinds_found(cast["outsider"], "harbour")["actor"] == ["Sandworm Echo"]  # the registry is public


def test_every_word_must_match(cast, world):
    assert "case" in kinds_found(cast["delegate"], "wiper grid")
    assert kinds_found(cast["delegate"], "wiper zanzibar") == {}


def test_search_page_and_header_box(client, cast, world):
    client.force_login(cast["other_delegate"])
    page = client.get("/search/", {"q": "wiper"}).content.decode()
    assert world.reference in page and 'data-results="case"' in page and 'id="cdt-search"' in page
    assert "RESTREINT UE" in page  # the banner and the hit carry the marking
    client.force_login(cast["outsider"])
    page = client.get("/search/", {"q": "wiper"}).content.decode()
    assert world.reference not in page and 'data-testid="no-results"' in page
    assert client.get("/search/", {"q": "x" * 201}).status_code == 400


def test_search_api_validates_and_filters(client, cast, world, django_assert_max_num_queries):
    client.force_login(cast["other_delegate"])
    # Session and user, one query per kind of object, then the one audit
    # record naming the classified case found (one insert into the queue of reads: decision 0032).
    with django_assert_max_num_queries(13):
        body = client.get("/api/v1/search/", {"q": "wiper"}).json()
    assert [group["kind"] for group in body] == ["case"] and body[0]["hits"][0]["url"] == f"/cases/{world.pk}/"
    assert client.get("/api/v1/search/", {"q": "wiper", "kind": "actor"}).json() == []
    for params, field in (({}, "q"), ({"q": "x" * 201}, "q"), ({"q": "wiper", "kind": "nonsense"}, "kind")):
        response = client.get("/api/v1/search/", params)
        assert response.status_code == 400 and field in response.json(), params


def test_postgresql_uses_full_text_search(cast, world):
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL's")
    assert "case" in kinds_found(cast["delegate"], "attacks")  # stemming: attack(s)
    assert kinds_found(cast["delegate"], '"grid wiper"') == {}  # a phrase in the wrong order


def test_postgresql_matches_in_english_and_in_french_whatever_the_readers_language(cast, world, open_case):
    """Records are written in English or in French, whatever the reader's
    language: "hôpital" finds "hôpitaux" only with the French stemmer,
    "attacks" finds "attack" with the English one, on pages of either language."""
    if connection.vendor != "postgresql":
        pytest.skip("full-text search is PostgreSQL's")
    from django.utils import translation

    french = open_case(title="Rançongiciel contre des hôpitaux")
    for language in ("en", "fr"):
        with translation.override(language):
            assert f"{french.reference} — Rançongiciel contre des hôpitaux" in kinds_found(cast["delegate"], "hôpital")["case"], language
            assert f"{world.reference} — Wiper attack on grid operators" in kinds_found(cast["delegate"], "attacks")["case"], language
