"""The real record over the API: responses of past years entered with the
days they happened, read back on the case page, the actor page, the
figures API and the STIX export.

Why this test exists: issue 27 found that entering what the EU actually did
with the Toolbox took 50 to 100 API calls per case, stamped every step with
the server's clock, and could not say several things that happened. Here
the July 2020 listing (six persons and three entities linked to three
actors, under a Council Decision (CFSP) and an Implementing Regulation) is
entered end to end in at most 30 calls, and the framework's prolongation
of May 2020 (a horizontal act) beside it. Names of persons are invented;
the acts, dates and actors are the public record's.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest

from awareness.models import ThreatActor
from cases.models import DIMENSIONS
from cdt.accounts.roles import Role
from cdt.directory.models import MemberState
from cdt.directory.selectors import presidency_on
from council.models import QuestionTransition

from .conftest import user_make
from .test_api_nine_steps import ApiUser

pytestmark = pytest.mark.django_db

ACTORS = ("APT10", "Lazarus Group", "GRU GTsST")

LISTING = {
    "council_decision": "Council Decision (CFSP) 2020/1127",
    "council_regulation": "Council Implementing Regulation (EU) 2020/1125",
    "entries": [
        # (kind, name, actor index): invented names, the record's shape.
        *[
            {"kind": "person", "name": f"Person {letter}", "function": "Officer", "statement_of_reasons": "Took part.", "actor": index}
            for letter, index in (("A", 0), ("B", 0), ("C", 2), ("D", 2), ("E", 2), ("F", 2))
        ],
        {"kind": "entity", "name": "Tianjin Trading Co.", "statement_of_reasons": "Supported APT10.", "actor": 0},
        {"kind": "entity", "name": "Chosun Export Corporation", "statement_of_reasons": "Supported Lazarus.", "actor": 1},
        {"kind": "entity", "name": "Main Centre for Special Technologies", "statement_of_reasons": "Carried out NotPetya.", "actor": 2},
    ],
}

LEGAL_ACTS = [
    {
        "kind": "council_decision_cfsp",
        "number": "2020/1127",
        "oj_reference": "OJ L 246, 30.7.2020, p. 12",
        "title": "amending Decision (CFSP) 2019/797",
        "adopted_on": "2020-07-30",
    },
    {
        "kind": "council_implementing_regulation",
        "number": "2020/1125",
        "oj_reference": "OJ L 246, 30.7.2020, p. 4",
        "title": "implementing Regulation (EU) 2019/796",
        "adopted_on": "2020-07-30",
    },
]


class Counted(ApiUser):
    """An API user whose writes are counted: entering the record is writes."""

    calls: list[str]

    def __init__(self, user, calls: list[str]):
        super().__init__(user)
        self.calls = calls

    def post(self, path, body=None, expect=200):
        self.calls.append(f"POST {path}")
        return super().post(path, body, expect)

    def patch(self, path, body, expect=200):
        self.calls.append(f"PATCH {path}")
        return super().patch(path, body, expect)

    def put(self, path, body, expect=200):
        self.calls.append(f"PUT {path}")
        return super().put(path, body, expect)


@pytest.fixture
def world(directory):
    calls: list[str] = []
    term = presidency_on(__import__("django.utils.timezone", fromlist=["x"]).localdate())
    assert term is not None
    people = {
        "eeas": Counted(user_make("eeas-drafter", "EEAS", roles=(Role.EEAS_DRAFTER,)), calls),
        "siac": Counted(user_make("siac-analyst", "SIAC", roles=(Role.SIAC_ANALYST,)), calls),
        "chair": Counted(user_make("hwpci-chair", term.member_state.code), calls),
        "reader": ApiUser(user_make("hwpci-reader", "DE" if term.member_state.code != "DE" else "FR")),
    }
    actors = [ThreatActor.objects.create(name=name, kind=ThreatActor.Kind.STATE_SPONSORED) for name in ACTORS]
    return people, actors, calls


def tour_de_table(chair, question_id: int, on_members) -> dict:
    positions = [{"member_state": code, "value": "support"} for code in on_members]
    return chair.post(f"questions/{question_id}/positions/", {"positions": positions})


def members_on(day: str) -> list[str]:
    """The Member States on ``day`` (the EU-28 with the UK until 31 January 2020)."""
    return list(MemberState.objects.members_on(datetime.date.fromisoformat(day)).values_list("code", flat=True))


def test_the_2020_listing_is_entered_in_at_most_30_calls_and_reads_true(world, client):
    people, actors, calls = world
    eeas, siac, chair = people["eeas"], people["siac"], people["chair"]
    ids = [actor.pk for actor in actors]

    case = eeas.post(
        "cases/",
        {
            "kind": "malicious_activity",
            "title": "WannaCry, NotPetya, Operation Cloud Hopper and the OPCW",
            "summary": "Cyber-attacks with a significant effect, 2017-2018.",
            "brought_by": "EEAS",
            "brought_on": "2020-05-14",
            "first_seen": "2017-05",
            "suspected_actors": ids,
            "classification": "UNCLASSIFIED",
            "limite": False,
            "tlp": "CLEAR",
            "releasable_to_all": True,
        },
        expect=201,
    )
    case_id = case["id"]
    assert case["first_seen"] == "2017-05"
    assessment = siac.post(
        "assessments/",
        {
            "kind": "written",
            "title": "Technical attribution of the four campaigns",
            "body": "Tooling, infrastructure and operators.",
            "cases": [case_id],
            "shared_with_all_delegations": True,
            "classification": "UNCLASSIFIED",
            "limite": False,
            "tlp": "CLEAR",
            "releasable_to_all": True,
        },
        expect=201,
    )
    step = lambda name, on, **body: chair.post(f"cases/{case_id}/transitions/{name}/", {"on": on, **body})  # noqa: E731
    step("share_awareness", "2020-05-14")
    step("explore_response", "2020-05-20")
    # Principle 5: the seven dimensions, high enough for a listing (escalation level 8).
    eeas.post(
        f"cases/{case_id}/proportionality/",
        {**dict.fromkeys(DIMENSIONS, 4), **{f"{d}_rationale": "Four campaigns." for d in DIMENSIONS}},
        expect=201,
    )
    note = eeas.post(
        "options-notes/",
        {"case": case_id, "title": "Options: restrictive measures", "content": {"situation": "Four campaigns.", "options": []}},
        expect=201,
    )
    eeas.post(f"options-notes/{note['id']}/transitions/circulate/", {"on": "2020-05-25"})
    eeas.post(f"options-notes/{note['id']}/transitions/submit/", {"on": "2020-05-28"})
    step("open_deliberation", "2020-06-02")

    # The coordinated attribution rests on claims for each actor, the ten considerations in one call.
    for actor in ids:
        siac.post(
            "attribution-claims/",
            {
                "case": case_id,
                "actor": actor,
                "basis": "technical",
                "claim_type": "technical",
                "confidence": "high",
                "made_on": "2020-06-03",
                "assessments": [assessment["id"]],
            },
            expect=201,
        )
    deliberation = eeas.post("attribution-deliberations/", {"case": case_id, "options_considered": ["designation"]}, expect=201)
    base = f"attribution-deliberations/{deliberation['id']}"
    ten = [{"number": n, "assessment": "Weighed on SIAC's assessment.", "rating": "supports"} for n in range(1, 11)]
    eeas.post(f"{base}/considerations/", {"considerations": ten})

    # The listing: one measure, nine entries, three actors, recorded in one call.
    entries = [{**{k: v for k, v in entry.items() if k != "actor"}, "actors": [ids[entry["actor"]]]} for entry in LISTING["entries"]]
    measure = chair.post(
        "measures/",
        {
            "case": case_id,
            "measure_type": "cyber-sanctions-listing",
            "description": "Asset freeze and travel ban: six persons and three entities.",
            "actors": ids,
            "proposed_on": "2020-06-10",
            "listing": {**LISTING, "entries": entries},
        },
        expect=201,
    )
    chair.post(f"measures/{measure['id']}/record/", {"steps": [{"transition": "select", "on": "2020-06-15"}]})
    question = chair.post(f"{base}/transitions/refer/", {"on": "2020-06-15"})["question"]
    step("refer_for_decision", "2020-06-15")
    board = tour_de_table(chair, question, members_on("2020-06-15"))
    assert board["outcome"]["adopted"], board["outcome"]
    decision = chair.post("decisions/", {"question": question, "decided_on": "2020-07-30", "legal_acts": LEGAL_ACTS}, expect=201)
    assert decision["adopted"] and [act["celex"] for act in decision["legal_acts"]] == ["32020D1127", "32020R1125"]
    # Not before the decision it rests on (checked without counting: a refused call enters nothing).
    early = ApiUser.post(chair, f"{base}/transitions/conclude/", {"outcome": "designation", "actors": ids, "on": "2020-07-29"}, expect=400)
    assert "on" in early, early
    chair.post(f"{base}/transitions/conclude/", {"outcome": "designation", "actors": ids, "on": "2020-07-30"})
    refused = ApiUser.post(
        chair,
        f"measures/{measure['id']}/record/",
        {"steps": [{"transition": "agree", "decision": decision["id"], "on": "2020-07-29"}]},
        expect=400,
    )
    assert "on" in refused["steps"]["0"], refused
    chair.post(
        f"measures/{measure['id']}/record/",
        {
            "steps": [
                {"transition": "agree", "decision": decision["id"], "on": "2020-07-30"},
                {"transition": "start_implementation", "implementing_actor": "GSC", "on": "2020-07-30"},
                {"transition": "complete", "on": "2020-07-30"},
            ]
        },
    )
    step("implement", "2020-07-30")
    assert len(calls) <= 30, calls

    # --- Reading back -----------------------------------------------------------------------------
    reader = people["reader"]
    history = reader.get(f"cases/{case_id}/history/")
    rows = history["results"] if isinstance(history, dict) else history
    assert [row["on"] for row in rows] == ["2020-05-14", "2020-05-20", "2020-06-02", "2020-06-15", "2020-07-30"]
    read = reader.get(f"measures/{measure['id']}/")
    assert read["state"] == "implemented" and read["implemented_on"] == "2020-07-30" and sorted(read["actors"]) == sorted(ids)
    assert len(read["listing"]["entries"]) == 9
    assert {tuple(entry["actors"]) for entry in read["listing"]["entries"]} == {(actor,) for actor in ids}

    client.force_login(reader.user)
    page = client.get(f"/cases/{case_id}/").content.decode()
    for expected in ("2020/1127", "2020/1125", "May 2017", 'datetime="2020-07-30"'):
        assert expected in page, expected
    listing_page = client.get(f"/measures/{measure['id']}/").content.decode()
    for entry in LISTING["entries"]:
        assert entry["name"] in listing_page, entry["name"]
    for actor in actors:
        dossier = client.get(f"/awareness/actors/{actor.pk}/").content.decode()
        assert "2020/1127" in dossier or case["reference"] in dossier
        days = re.findall(r'data-testid="actor-responses".*?</table>', dossier, re.S)
        assert days, "the actor page lists the EU's responses"
        dates = re.findall(r'datetime="(\d{4}-\d{2}-\d{2})"', days[0])
        assert dates and dates == sorted(dates) and "2020-07-30" in dates

    figures = reader.get("figures/")
    taken = {(row["year"], row["measure_type_slug"]): row["count"] for row in figures["measures_taken"]}
    assert taken[(2020, "cyber-sanctions-listing")] == 1
    # Stays are measured by the days the steps happened, not when they were entered.
    assert {row["step"]: row["median_days"] for row in figures["time_per_step"]}["decision"] == 45
    assert QuestionTransition.objects.get(question_id=question).on == datetime.date(2020, 7, 30)
    assert {row["actor_name"]: row["count"] for row in figures["measures_by_actor"]} == dict.fromkeys(ACTORS, 1)

    for actor in actors:
        bundle = json.loads(reader.get(f"threat-actors/{actor.pk}/stix/"))  # application/stix+json
        reports = [o for o in bundle["objects"] if o["type"] == "report" and "eu-attribution" in o.get("labels", [])]
        assert reports and "designation" in reports[0]["labels"], bundle

    exported = client.get(f"/api/v1/measures/{measure['id']}/listing/ftm/")
    assert exported.status_code == 200
    assert exported.content.decode().count('"schema": "Sanction"') + exported.content.decode().count('"schema":"Sanction"') == 9


def test_the_framework_prolongation_is_a_horizontal_act(world, client):
    """May 2020: the Council prolongs the framework (Decision (CFSP) 2019/797)
    until 18 May 2021. No single activity, no assessment, no options note;
    a decision and its legal act still."""
    people, _actors, calls = world
    chair, eeas = people["chair"], people["eeas"]
    case = eeas.post(
        "cases/",
        {
            "kind": "horizontal_act",
            "title": "Prolongation of the cyber sanctions framework until 18 May 2021",
            "summary": "Decision (CFSP) 2019/797 prolonged by one year.",
            "brought_by": "EEAS",
            "brought_on": "2020-04-20",
            "classification": "UNCLASSIFIED",
            "limite": False,
            "tlp": "CLEAR",
            "releasable_to_all": True,
        },
        expect=201,
    )
    case_id = case["id"]
    step = lambda name, on: chair.post(f"cases/{case_id}/transitions/{name}/", {"on": on})  # noqa: E731
    for name, on in (("share_awareness", "2020-04-20"), ("explore_response", "2020-04-20"), ("open_deliberation", "2020-04-28")):
        step(name, on)
    measure = chair.post(
        "measures/",
        {
            "case": case_id,
            "measure_type": "sanctions-regime-prolongation",
            "description": "Prolong by one year.",
            "proposed_on": "2020-04-28",
        },
        expect=201,
    )
    chair.post(f"measures/{measure['id']}/record/", {"steps": [{"transition": "select", "on": "2020-04-28"}]})
    question = chair.post(
        "questions/",
        {
            "case": case_id,
            "text": "Prolong Decision (CFSP) 2019/797.",
            "voting_rule": "unanimity",
            "body": "COUNCIL",
            "put_on": "2020-05-05",
        },
        expect=201,
    )
    step("refer_for_decision", "2020-05-05")
    tour_de_table(chair, question["id"], members_on("2020-05-05"))
    # Implementing needs the decision's legal acts: without them the case cannot move.
    decision = chair.post("decisions/", {"question": question["id"], "decided_on": "2020-05-14"}, expect=201)
    refused = chair.post(f"cases/{case_id}/transitions/implement/", {"on": "2020-05-14"}, expect=400)
    assert any("legal act" in guard for guard in refused["guards"]), refused
    chair.patch(
        f"decisions/{decision['id']}/",
        {
            "legal_acts": [
                {
                    "kind": "council_decision_cfsp",
                    "number": "2020/651",
                    "oj_reference": "OJ L 153, 15.5.2020, p. 4",
                    "adopted_on": "2020-05-14",
                }
            ]
        },
    )
    chair.post(
        f"measures/{measure['id']}/record/",
        {
            "steps": [
                {"transition": "agree", "decision": decision["id"], "on": "2020-05-14"},
                {"transition": "start_implementation", "implementing_actor": "GSC", "on": "2020-05-14"},
                {"transition": "complete", "on": "2020-05-14"},
            ]
        },
    )
    step("implement", "2020-05-14")
    reader = people["reader"]
    assert reader.get(f"cases/{case_id}/")["state"] == "implementation"
    figures = reader.get("figures/")
    taken = {(row["year"], row["measure_type_slug"]): row["count"] for row in figures["measures_taken"]}
    assert taken[(2020, "sanctions-regime-prolongation")] == 1
    client.force_login(reader.user)
    page = client.get(f"/cases/{case_id}/").content.decode()
    assert "2020/651" in page and "Horizontal act" in page


def test_a_solidarity_declaration_with_a_partner(world, client):
    """September 2022: the HR declares, on behalf of the EU, its solidarity
    with Albania (a candidate country) after the cyber-attack on its public
    services. A partner's request, a declaration naming the partner, no
    attribution."""
    people, _actors, calls = world
    chair, eeas, siac = people["chair"], people["eeas"], people["siac"]
    unclassified = {"classification": "UNCLASSIFIED", "limite": False, "tlp": "CLEAR", "releasable_to_all": True}
    case = eeas.post(
        "cases/",
        {
            "kind": "partner_request",
            "title": "Cyber-attack against Albania's public services",
            "summary": "Albania asks for the EU's solidarity and support.",
            "brought_by": "EEAS",
            "brought_on": "2022-09-08",
            "first_seen": "2022-07",
            **unclassified,
        },
        expect=201,
    )
    case_id = case["id"]
    siac.post(
        "assessments/",
        {
            "kind": "written",
            "title": "Attack on e-Albania",
            "body": "Wiper and ransomware.",
            "cases": [case_id],
            "shared_with_all_delegations": True,
            **unclassified,
        },
        expect=201,
    )
    step = lambda name, on: chair.post(f"cases/{case_id}/transitions/{name}/", {"on": on})  # noqa: E731
    step("share_awareness", "2022-09-08")
    step("explore_response", "2022-09-08")
    note = eeas.post(
        "options-notes/", {"case": case_id, "title": "Options: solidarity with Albania", "content": {"options": []}}, expect=201
    )
    eeas.post(f"options-notes/{note['id']}/transitions/circulate/", {"on": "2022-09-08"})
    eeas.post(f"options-notes/{note['id']}/transitions/submit/", {"on": "2022-09-08"})
    step("open_deliberation", "2022-09-08")
    measure = chair.post(
        "measures/",
        {
            "case": case_id,
            "measure_type": "solidarity-statement",
            "description": "HR declaration of solidarity.",
            "proposed_on": "2022-09-08",
        },
        expect=201,
    )
    chair.post(f"measures/{measure['id']}/record/", {"steps": [{"transition": "select", "on": "2022-09-08"}]})
    question = chair.post(
        "questions/",
        {"case": case_id, "text": "Agree the declaration.", "voting_rule": "unanimity", "body": "COUNCIL", "put_on": "2022-09-08"},
        expect=201,
    )
    step("refer_for_decision", "2022-09-08")
    tour_de_table(chair, question["id"], members_on("2022-09-08"))
    decision = chair.post("decisions/", {"question": question["id"], "decided_on": "2022-09-09"}, expect=201)
    assert decision["tally"]["population"] is None  # unanimity without abstention: no population needed, no false 0.00 %
    statement = eeas.post(
        "statements/",
        {
            "case": case_id,
            "title": "Declaration by the High Representative on behalf of the EU on the cyber-attack against Albania",
            "statement_type": "hr_declaration",
            "partners": ["AL"],
            "content": {"text": "The EU and its Member States express their solidarity with Albania."},
        },
        expect=201,
    )
    eeas.post(f"statements/{statement['id']}/transitions/submit/", {"on": "2022-09-09"})
    eeas.post(f"statements/{statement['id']}/transitions/publish/", {"decision": decision["id"], "on": "2022-09-10"})
    chair.post(
        f"measures/{measure['id']}/record/",
        {
            "steps": [
                {"transition": "agree", "decision": decision["id"], "on": "2022-09-09"},
                {"transition": "start_implementation", "implementing_actor": "EEAS", "on": "2022-09-10"},
                {"transition": "complete", "on": "2022-09-10"},
            ]
        },
    )
    step("implement", "2022-09-10")
    assert len(calls) <= 30, calls

    reader = people["reader"]
    read = reader.get(f"statements/{statement['id']}/")
    assert read["partners"] == ["AL"] and read["published_on"] == "2022-09-10" and read["status"] == "published"
    taken = {(row["year"], row["measure_type_slug"]): row["count"] for row in reader.get("figures/")["measures_taken"]}
    assert taken[(2022, "solidarity-statement")] == 1
    client.force_login(reader.user)
    page = client.get(f"/cases/{case_id}/").content.decode()
    assert "Declaration by the High Representative on behalf of the EU on the cyber-attack against Albania" in page
    assert "July 2022" in page and 'datetime="2022-09-10"' in page
