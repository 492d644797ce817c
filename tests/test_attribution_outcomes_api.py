"""What the EU has done with the toolbox since 2017, entered afterwards over
the API (issue 27): the attribution outcomes besides public or private
attribution to a State (activity emanating from a State's territory,
designations in a legal act, coordinated exposure with partners), partners
from the whole directory (candidates such as Ukraine) and Member States
attributing alongside the EU, the ten considerations in one call, past dates
(never future ones, never before the case), and a statement naming its
deliberation reaching the actor's STIX export."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attribution.models import AttributionDeliberation, Consideration, ConsiderationComment
from awareness.models import ThreatActor
from cases.models import CaseState
from council.models import Decision
from measures.checks import attribution_gap
from measures.models import MeasureType

from .attribution_support import decide
from .cases_support import case_at

pytestmark = pytest.mark.django_db

BROUGHT_ON = datetime.date(2020, 6, 1)
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
TEN = [{"number": number, "assessment": f"Weighed {number}.", "rating": "supports"} for number in range(1, 11)]


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def case(cast):
    return case_at(CaseState.DELIBERATION, cast, brought_on=BROUGHT_ON)


@pytest.fixture
def actor():
    return ThreatActor.objects.create(name="Advanced Persistent Threat 40")


def claim_over_api(signed_in, case, actor, **extra):
    body = {
        "case": case.pk,
        "actor": actor.pk,
        "basis": "industry",
        "industry_source": "Fictional Threat Labs",
        "claim_type": "technical",
        "confidence": "high",
        "made_on": "2020-06-15",
        **extra,
    }
    return post(signed_in["eeas"], "/api/v1/attribution-claims/", body)


def referred_over_api(cast, signed_in, case, actor, *, legal_act=""):
    """Claim, deliberation, the ten considerations in one call, the question
    put and decided: the deliberation's URL, ready for its outcome."""
    assert claim_over_api(signed_in, case, actor).status_code == 201
    opened = post(signed_in["chair"], "/api/v1/attribution-deliberations/", {"case": case.pk, "options_considered": ["territorial"]})
    assert opened.status_code == 201, opened.content
    base = f"/api/v1/attribution-deliberations/{opened.json()['id']}"
    assert post(signed_in["eeas"], f"{base}/considerations/", {"considerations": TEN}).status_code == 200
    assert post(signed_in["chair"], f"{base}/transitions/refer/", {"on": "2020-06-20"}).status_code == 200
    decision = decide(cast, AttributionDeliberation.objects.get(case=case), decided_on=datetime.date(2020, 6, 25))
    if legal_act:
        Decision.objects.filter(pk=decision.pk).update(legal_act=legal_act)
    return base


def stix_reports(client, actor):
    bundle = client.get(f"/api/v1/threat-actors/{actor.pk}/stix/").json()
    return [o for o in bundle["objects"] if o["type"] == "report" and "eu-attribution" in o.get("labels", [])]


def published_over_api(signed_in, case, deliberation_pk, *, statement_type="hr_declaration", partners=(), on="2021-07-19"):
    """A statement naming its deliberation, submitted and published over the API."""
    created = post(
        signed_in["eeas"],
        "/api/v1/statements/",
        {
            "case": case.pk,
            "deliberation": deliberation_pk,
            "title": "Declaration by the High Representative on behalf of the EU",
            "statement_type": statement_type,
            "partners": list(partners),
            "content": {"text": "The EU and its Member States condemn the malicious cyber activities."},
        },
    )
    assert created.status_code == 201, created.content  # was a 500: the deliberation's check asked the wrong rule
    assert created.json()["deliberation"] == deliberation_pk
    base = f"/api/v1/statements/{created.json()['id']}"
    assert post(signed_in["eeas"], f"{base}/transitions/submit/", {"on": "2020-06-20"}).status_code == 200
    decision = AttributionDeliberation.objects.get(pk=deliberation_pk).decision
    early = post(signed_in["eeas"], f"{base}/transitions/publish/", {"on": "2019-12-31", "decision": decision.pk})
    assert early.status_code == 400 and "on" in early.json(), early.content  # before the case was brought
    published = post(signed_in["eeas"], f"{base}/transitions/publish/", {"on": on, "decision": decision.pk})
    assert published.status_code == 200 and published.json()["published_on"] == on, published.content
    return base


def test_a_territorial_outcome_covers_the_actors_but_attributes_nothing_to_the_state(cast, signed_in, case, actor):
    """July 2021: activity "undertaken from the territory of China", linked to
    APT40 and APT31. It covers the actors (measures requiring attribution
    to an actor); it does not attribute the activity to China (measures
    requiring attribution to a State stay locked)."""
    base = referred_over_api(cast, signed_in, case, actor)

    def conclude(**body):
        return post(signed_in["chair"], f"{base}/transitions/conclude/", {"outcome": "territorial", "actors": [actor.pk], **body})

    missing = conclude()
    assert missing.status_code == 400 and "territory_state" in missing.json()
    as_attribution = conclude(territory_state="China", attributed_to_state="China")
    assert as_attribution.status_code == 400 and "attributed_to_state" in as_attribution.json()
    for on in (TOMORROW, "2020-05-31"):  # in the future; before the case was brought
        dated = conclude(territory_state="China", on=on)
        assert dated.status_code == 400 and "on" in dated.json(), (on, dated.content)
    assert AttributionDeliberation.objects.get(case=case).status == "referred"  # nothing was written
    done = conclude(territory_state="China", on="2021-07-19", summary="Emanating from the territory of China.")
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["outcome"], body["outcome_on"], body["territory_state"], body["attributed_to_state"]) == (
        "territorial",
        "2021-07-19",
        "China",
        "",
    )
    assert body["attributed_actors"] == [actor.pk]
    deliberation = AttributionDeliberation.objects.get(case=case)
    assert deliberation.attributes and not deliberation.attributes_to_state
    assert attribution_gap(case, MeasureType.objects.get(slug="cyber-sanctions-listing"), [actor]) is None
    assert "attribution to a State" in attribution_gap(case, MeasureType.objects.get(slug="sectoral-sanctions"), [actor])
    page = signed_in["delegate"].get(reverse("deliberation-page", args=[deliberation.pk]))
    assert "Activity emanating from the territory of China" in page.content.decode()
    published_over_api(signed_in, case, deliberation.pk)
    [report] = stix_reports(signed_in["delegate"], actor)
    assert report["x_cdt_outcome"] == "territorial" and report["x_cdt_territory_state"] == "China"
    assert "x_cdt_attributed_to_state" not in report and "territorial" in report["labels"]


def test_a_coordinated_attribution_with_member_states_alongside_and_ukraine(cast, signed_in, case, actor):
    """A coordinated exposure with partners (Ukraine, a candidate, among
    them: it was refused, "Object with code=UA does not exist."), Germany
    and France attributing nationally alongside the EU; Ukraine aligns with
    the published statement; the actor's export says all of it."""
    base = referred_over_api(cast, signed_in, case, actor)

    def conclude(**body):
        return post(
            signed_in["chair"],
            f"{base}/transitions/conclude/",
            {"outcome": "coordinated", "actors": [actor.pk], "on": "2022-05-10", **body},
        )

    alone = conclude()
    assert alone.status_code == 400 and "partners" in alone.json()
    for code in ("EEAS", "GSC", "DE"):  # an EU body, the secretariat, a Member State's delegation are no partners
        refused = conclude(partners=[code])
        assert refused.status_code == 400 and "partners" in refused.json(), code
    unknown_state = conclude(partners=["US"], member_states_alongside=["XX"])
    assert unknown_state.status_code == 400 and "member_states_alongside" in unknown_state.json()
    done = conclude(partners=["US", "UA", "NATO"], member_states_alongside=["DE", "FR"], attributed_to_state="Russian Federation")
    assert done.status_code == 200, done.content
    assert sorted(done.json()["partners"]) == ["NATO", "UA", "US"]
    assert sorted(done.json()["member_states_alongside"]) == ["DE", "FR"]
    deliberation = AttributionDeliberation.objects.get(case=case)
    assert deliberation.attributes_to_state
    assert attribution_gap(case, MeasureType.objects.get(slug="sectoral-sanctions"), [actor]) is None
    read = signed_in["delegate"].get(f"{base}/").json()
    assert sorted(read["member_states_alongside"]) == ["DE", "FR"] and read["outcome"] == "coordinated"
    page = signed_in["delegate"].get(reverse("deliberation-page", args=[deliberation.pk])).content.decode()
    assert 'data-testid="member-states-alongside"' in page and "Germany" in page and "France" in page

    statement = published_over_api(signed_in, case, deliberation.pk, statement_type="joint", partners=["UA", "US"], on="2022-05-10")
    for aligned_on in (TOMORROW, "2022-05-09"):  # in the future; before the statement was published
        refused = post(signed_in["eeas"], f"{statement}/alignments/", {"country": "UA", "aligned_on": aligned_on})
        assert refused.status_code == 400 and "aligned_on" in refused.json(), (aligned_on, refused.content)
    aligned = post(signed_in["eeas"], f"{statement}/alignments/", {"country": "UA", "aligned_on": "2022-05-11"})
    assert aligned.status_code == 201 and aligned.json()["aligned_on"] == "2022-05-11", aligned.content
    assert [row["country"] for row in signed_in["delegate"].get(f"{statement}/alignments/").json()] == ["UA"]

    [report] = stix_reports(signed_in["delegate"], actor)
    assert report["published"] == "2022-05-10T00:00:00Z" and report["x_cdt_outcome"] == "coordinated"
    assert report["x_cdt_member_states_alongside"] == ["DE", "FR"]
    assert "Ukraine" in report["x_cdt_partners"] and report["x_cdt_attributed_to_state"] == "Russian Federation"
    assert stix_reports(signed_in["outsider"], actor) == []


def test_designations_in_a_legal_act_attribute_to_the_designated_actors(cast, signed_in, case, actor):
    """July 2020: the first listings under the cyber sanctions regime. The
    outcome needs the legal act that designates; it then covers the actors
    designated, and its statement, naming the deliberation, is exported."""
    other = ThreatActor.objects.create(name="Unit 26165")
    base = referred_over_api(cast, signed_in, case, actor)
    body = {"outcome": "designation", "actors": [actor.pk], "on": "2020-07-30"}
    no_act = post(signed_in["chair"], f"{base}/transitions/conclude/", body)
    assert no_act.status_code == 400 and "legal act" in str(no_act.json()["outcome"])
    Decision.objects.filter(case=case).update(legal_act="Council Implementing Regulation (EU) 2020/1125")
    done = post(signed_in["chair"], f"{base}/transitions/conclude/", body)
    assert done.status_code == 200 and done.json()["outcome"] == "designation", done.content
    assert attribution_gap(case, MeasureType.objects.get(slug="cyber-sanctions-listing"), [actor]) is None
    assert attribution_gap(case, MeasureType.objects.get(slug="cyber-sanctions-listing"), [other]) is not None  # not designated
    published_over_api(signed_in, case, done.json()["id"], on="2020-07-30")
    [report] = stix_reports(signed_in["delegate"], actor)
    assert "designation" in report["labels"] and report["published"] == "2020-07-30T00:00:00Z"
    assert stix_reports(signed_in["delegate"], other) == []


def test_claims_take_past_dates_but_not_future_ones_nor_before_the_case(signed_in, case, actor):
    for made_on in (TOMORROW, "2020-05-31"):
        refused = claim_over_api(signed_in, case, actor, made_on=made_on)
        assert refused.status_code == 400 and "made_on" in refused.json(), (made_on, refused.content)
    assert case.attribution_claims.count() == 0
    accepted = claim_over_api(signed_in, case, actor, made_on="2020-06-01")
    assert accepted.status_code == 201 and accepted.json()["made_on"] == "2020-06-01"


def test_the_ten_considerations_in_one_call(cast, signed_in, case, actor):
    opened = post(signed_in["chair"], "/api/v1/attribution-deliberations/", {"case": case.pk})
    base = f"/api/v1/attribution-deliberations/{opened.json()['id']}"
    url = f"{base}/considerations/"
    rows = Consideration.objects.filter(deliberation_id=opened.json()["id"])

    def untouched():
        return not rows.exclude(rating="").exists() and not ConsiderationComment.objects.exists()

    # Atomic: one bad entry, and nothing of the others is written; each error names its entry.
    bad = [*TEN[:3], {"number": 4, "assessment": "Weighed.", "rating": "perhaps"}, *TEN[4:]]
    answer = post(signed_in["eeas"], url, {"considerations": bad})
    assert answer.status_code == 400 and "considerations[3].rating" in answer.json(), answer.content
    twice = post(signed_in["eeas"], url, {"considerations": [TEN[0], TEN[0]]})
    assert twice.status_code == 400 and "considerations[1].number" in twice.json()
    empty = post(signed_in["eeas"], url, {"considerations": [{"number": 2}]})
    assert empty.status_code == 400 and "considerations[0]" in empty.json()
    out_of_range = post(signed_in["eeas"], url, {"considerations": [{**TEN[0], "number": 11}]})
    assert out_of_range.status_code == 400 and "considerations[0].number" in out_of_range.json()
    for body in ({}, {"considerations": []}, {"considerations": {"number": 1}}, {"considerations": "all"}):
        refused = post(signed_in["eeas"], url, body)
        assert refused.status_code == 400 and "considerations" in refused.json(), (body, refused.content)
    # Forbidden: the same permission as one consideration at a time.
    assert post(signed_in["delegate"], url, {"considerations": TEN}).status_code == 403  # delegates do not rate
    with_comments = [{**entry, "comment": "Noted."} for entry in TEN]
    assert post(signed_in["siac"], url, {"considerations": with_comments}).status_code == 403
    assert post(signed_in["outsider"], url, {"considerations": TEN}).status_code == 404
    assert untouched()
    # Allowed: the EEAS rates all ten (and comments), delegates comment several.
    done = post(signed_in["eeas"], url, {"considerations": [*TEN[:9], {**TEN[9], "comment": "On coherence."}]})
    assert done.status_code == 200, done.content
    assert [row["number"] for row in done.json()] == list(range(1, 11))
    assert all(row["rating"] == "supports" and row["assessed_by"] for row in done.json())
    comments = [{"number": 3, "comment": "Unity matters."}, {"number": 7, "comment": "Escalation risk is low."}]
    commented = post(signed_in["delegate"], url, {"considerations": comments})
    assert commented.status_code == 200 and [len(row["comments"]) for row in commented.json()] == [1, 1]
    assert ConsiderationComment.objects.count() == 3
    assert claim_over_api(signed_in, case, actor).status_code == 201
    assert post(signed_in["chair"], f"{base}/transitions/refer/").status_code == 200  # the grid is complete
    fixed = post(signed_in["eeas"], url, {"considerations": [TEN[0]]})
    assert fixed.status_code == 400 and "considerations[0].rating" in fixed.json()  # before the Council: the grid is fixed
