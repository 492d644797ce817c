"""One case through the nine steps of the response process, over the REST API alone.

Why this test exists: every app has its own API tests, each starting from a
case put at the right step by the services or a factory. Nothing showed that
an API client — the EEAS's, SIAC's, a delegation's, the Presidency's — can
actually carry a case from its opening to sustained engagement with
``/api/v1/`` and nothing else, each step taken by the role the revised
implementing guidelines give it (Council doc. 10289/23, section 5, para 24).
Here every write is an API call with the user's own token (read and write
scopes, as ``issue_token`` gives them) and every check reads the result back
with a GET. The ORM only creates the users, their tokens and the threat
actor (reference data). No grant is made by hand: the case reaches the
chair, SIAC and the 27 delegations through its HWPCI distribution
(docs/decisions/0022).
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from awareness.models import ThreatActor
from cases.models import DIMENSIONS
from cdt.accounts.roles import Role
from cdt.accounts.scopes import READ, WRITE
from cdt.accounts.services import api_token_issue
from cdt.directory.models import MemberState
from cdt.directory.selectors import presidency_on

from .conftest import user_make

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
#: The delegation of a Member State affected, and the one abstaining constructively.
AFFECTED, ABSTAINING = "DE", "HU"


class ApiUser:
    """One person at the API: a client carrying their own token."""

    def __init__(self, user, scopes=(READ, WRITE)):
        self.user = user
        _token, key = api_token_issue(user=user, name="nine-steps walk", scopes=scopes)
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    def __repr__(self) -> str:
        return f"<{self.user.username}>"

    def get(self, path: str, expect: int = 200, **params):
        return _answer(self.client.get(f"/api/v1/{path}", params), expect)

    def post(self, path: str, body: dict | None = None, expect: int = 200):
        return _answer(self.client.post(f"/api/v1/{path}", body or {}, format="json"), expect)

    def put(self, path: str, body: dict, expect: int = 200):
        return _answer(self.client.put(f"/api/v1/{path}", body, format="json"), expect)

    def patch(self, path: str, body: dict, expect: int = 200):
        return _answer(self.client.patch(f"/api/v1/{path}", body, format="json"), expect)


def _answer(response, expect: int):
    body = response.json() if response.get("Content-Type", "").startswith("application/json") else response.content
    assert response.status_code == expect, (response.request["REQUEST_METHOD"], response.request["PATH_INFO"], response.status_code, body)
    return body


class Cast:
    """The people of the walk: the EEAS, SIAC, and one HWPCI delegate per
    Member State, the chair being the one whose state holds the Presidency
    today (decision 0003: the chair is computed, nobody is made chair)."""

    def __init__(self):
        self.eeas = ApiUser(user_make("eeas-drafter", "EEAS", roles=(Role.EEAS_DRAFTER,)))
        self.siac = ApiUser(user_make("siac-analyst", "SIAC", roles=(Role.SIAC_ANALYST,)))
        self.delegations = {
            state.code: ApiUser(user_make(f"hwpci-{state.code.lower()}", state.code))
            for state in MemberState.objects.current().order_by("protocol_order")
        }
        term = presidency_on(TODAY())
        assert term is not None, "the Presidency calendar has no term for today: load the next years"
        self.presidency = term.member_state.code
        self.chair = self.delegations[self.presidency]
        # Germany (affected by the activity) and Hungary (which will abstain)
        # hold no Presidency in the calendar loaded (2024 H2 to 2030).
        assert self.presidency not in (AFFECTED, ABSTAINING)
        self.affected = self.delegations[AFFECTED]
        # The threat-actor registry is reference data (the API reads it; the
        # secretariat's console and SIAC's STIX feed write it).
        self.actor = ThreatActor.objects.create(name="SANDWORM-TEST", kind=ThreatActor.Kind.STATE_SPONSORED, suspected_sponsor="State X")
        self.secretariat = ApiUser(user_make("gsc-figures", "GSC", roles=(Role.SECRETARIAT,)))


def this_years_figures(cast: Cast) -> None:
    """The secretariat enters this year's population figures (a constructive
    abstention is weighed on them): TEST figures, each state's 2025 share in
    thousandths times 1,000 people, not the Council's table."""
    figures = {
        state.code: int(state.population_shares.get(year=2025).share_percent * 1000) * 1000
        for state in MemberState.objects.members_on(TODAY())
    }
    cast.secretariat.put(f"directory/population-years/{TODAY().year}/", {"figures": figures, "source": "test figures"})


@pytest.fixture
def cast(directory) -> Cast:
    return Cast()


# --- Reading back ---------------------------------------------------------------------------


def step_of(who: ApiUser, case_id: int) -> str:
    return who.get(f"cases/{case_id}/")["state"]


def transitions_open_to(who: ApiUser, case_id: int) -> set[str]:
    return {option["name"] for option in who.get(f"cases/{case_id}/transitions/") if option["available"]}


def take(who: ApiUser, case_id: int, transition: str, expect: int = 200, **body) -> dict:
    return who.post(f"cases/{case_id}/transitions/{transition}/", body, expect=expect)


def move(who: ApiUser, case_id: int, transition: str, to: str, **body) -> None:
    """``who`` takes ``transition``: the answer and a fresh GET both put the case at step ``to``."""
    assert take(who, case_id, transition, **body)["state"] == to
    assert step_of(who, case_id) == to


NEW_CASE = {
    "kind": "malicious_activity",
    "title": "Wiper campaign against electricity transmission operators",
    "summary": "Destructive malware against the control networks of transmission system operators in two Member States.",
    "brought_by": "EEAS",
    "context": "peacetime",
    "legal_qualification": "internationally_wrongful_act",
    "sectors": ["energy"],
    "member_states_affected": ["DE", "FR"],
    "classification": "RESTREINT_UE",
    "limite": True,
    "tlp": "AMBER",
    "releasable_to_all": True,
}

SIAC_ASSESSMENT = {
    "kind": "written",
    "title": "SIAC assessment: wiper against transmission operators",
    "body": "All-source assessment: a State-sponsored group, moderate confidence.",
    "confidence": "moderate",
    "shared_with": ["EEAS"],
    "shared_with_all_delegations": True,
    "classification": "RESTREINT_UE",
    "limite": True,
    "tlp": "AMBER",
    "releasable_to_all": True,
}

#: The EEAS's proportionality assessment: a mean of 2 supports escalation level 4 (an HR declaration is 3).
PROPORTIONALITY = {**dict.fromkeys(DIMENSIONS, 2), **{f"{d}_rationale": "SIAC assessment, para 13." for d in DIMENSIONS}}

DEMARCHE, DECLARATION = "demarche", "hr-statement"


def every_delegation_states(cast: Cast, question_id: int) -> dict:
    """Each of the 27 delegations sets its own state's position on the
    question: support, but Hungary abstains constructively, with the formal
    declaration (Art. 31(1) TEU). Returns the board as a delegation reads it."""
    for code, delegate in cast.delegations.items():
        stance = {"value": "support"}
        if code == ABSTAINING:
            stance = {"value": "constructive_abstention", "declaration": "Will not apply the decision; accepts that it commits the Union."}
        position = delegate.put(f"questions/{question_id}/positions/{code}/", stance)
        assert position["member_state"] == code and position["value"] == stance["value"] and not position["stated_orally"]
    return cast.affected.get(f"questions/{question_id}/positions/")


def coordinated_attribution(cast: Cast, case_id: int, assessment_id: int) -> dict:
    """Step 4's companion (paras 25-32): SIAC's technical attribution and
    Germany's national one are recorded; the EEAS opens the deliberation and
    assesses the ten considerations of para 29; a delegation comments; the
    chair puts the question to the Council; the 27 state their positions;
    the chair records the decision and concludes: a public attribution of
    the actor by an HR declaration. Returns the concluded deliberation."""
    eeas, siac, chair, affected, actor = cast.eeas, cast.siac, cast.chair, cast.affected, cast.actor.pk
    technical = siac.post(
        "attribution-claims/",
        {
            "case": case_id,
            "actor": actor,
            "basis": "technical",
            "claim_type": "technical",
            "confidence": "moderate",
            "assessments": [assessment_id],
            "summary": "Tooling and infrastructure overlap.",
        },
        expect=201,
    )
    assert technical["attributing_party"] and technical["assessments"] == [assessment_id]
    affected.post(
        "attribution-claims/",
        {"case": case_id, "actor": actor, "basis": "national", "claim_type": "political", "confidence": "high", "member_state": AFFECTED},
        expect=201,
    )
    deliberation = eeas.post(
        "attribution-deliberations/",
        {"case": case_id, "options_considered": ["no_attribution", "public_declaration"], "recommended_option": "public_declaration"},
        expect=201,
    )
    base = f"attribution-deliberations/{deliberation['id']}"
    assert len(deliberation["considerations"]) == 10 and deliberation["status"] == "open"
    for row in deliberation["considerations"]:
        eeas.put(f"{base}/considerations/{row['number']}/", {"assessment": "Weighed on SIAC's assessment.", "rating": "supports"})
    affected.post(f"{base}/considerations/3/comments/", {"text": "Unity matters: Germany has attributed nationally."}, expect=201)
    question = chair.post(f"{base}/transitions/refer/", {})["question"]
    board = every_delegation_states(cast, question)
    assert board["outcome"]["adopted"]
    national = [row["member_state"] for row in chair.get(f"{base}/positions/") if row["national_attribution"]]
    assert national == [AFFECTED]
    decision = chair.post("decisions/", {"question": question}, expect=201)
    assert decision["adopted"]
    concluded = chair.post(
        f"{base}/transitions/conclude/",
        {"outcome": "public_declaration", "actors": [actor], "summary": "Public attribution by an HR declaration."},
    )
    assert concluded["status"] == "concluded" and concluded["attributed_actors"] == [actor] and concluded["decision"] == decision["id"]
    assert affected.get(f"{base}/")["outcome"] == "public_declaration"
    return concluded


def test_one_case_walks_the_nine_steps_over_the_api(cast):
    eeas, siac, chair, affected, delegations = cast.eeas, cast.siac, cast.chair, cast.affected, cast.delegations
    today = TODAY().isoformat()
    this_years_figures(cast)

    # --- 1. Start discussions: the EEAS informs the Council by opening the case.
    case = eeas.post("cases/", {**NEW_CASE, "brought_on": today}, expect=201)
    case_id = case["id"]
    assert case["state"] == "started" and case["originator"] == "EEAS"
    assert step_of(eeas, case_id) == "started"
    assert step_of(chair, case_id) == "started" and step_of(siac, case_id) == "started"

    # --- 2. Shared situational awareness: the chair takes the case to step 2
    # and asks SIAC for an assessment; SIAC records one naming the case and
    # answers the request with it.
    assert transitions_open_to(chair, case_id) == {"share_awareness", "close"}
    move(chair, case_id, "share_awareness", "awareness", comment="HWPCI shares awareness.")
    due = (TODAY() + datetime.timedelta(days=7)).isoformat()
    rfi = chair.post(
        "requests-for-information/",
        {"case": case_id, "addressed_to": "SIAC", "question": "Who is behind the wiper, and how confident are you?", "due_on": due},
        expect=201,
    )
    assessment = siac.post("assessments/", {**SIAC_ASSESSMENT, "cases": [case_id], "actors": [cast.actor.pk]}, expect=201)
    assert assessment["originator"] == "SIAC" and assessment["cases"] == [case_id]
    assert siac.post(f"requests-for-information/{rfi['id']}/answer/", {"assessment": assessment["id"]})["answer"] == assessment["id"]
    assert chair.get(f"requests-for-information/{rfi['id']}/")["answer"] == assessment["id"]
    for reader in (eeas, chair, affected):
        assert [row["id"] for row in reader.get("assessments/", case=case_id)["results"]] == [assessment["id"]]
    assert eeas.patch(f"cases/{case_id}/", {"suspected_actors": [cast.actor.pk]})["suspected_actors"] == [cast.actor.pk]

    # --- 3. Exploration: a delegation asks for an options note (any delegate
    # may, now an assessment is linked); the EEAS assesses proportionality,
    # drafts the note, circulates it; a delegation comments; the EEAS submits.
    move(affected, case_id, "explore_response", "exploration", comment="Germany asks the EEAS for an options note.")
    proportionality = eeas.post(f"cases/{case_id}/proportionality/", PROPORTIONALITY, expect=201)
    assert [row["id"] for row in chair.get(f"cases/{case_id}/proportionality/")] == [proportionality["id"]]
    options = {
        "situation": "A wiper hit two transmission system operators; SIAC assesses a State-sponsored group.",
        "assessment_refs": [assessment["id"]],
        "options": [
            {"measure_type": DEMARCHE, "rationale": "A private first step towards the State concerned."},
            {"measure_type": DECLARATION, "rationale": "A public declaration on behalf of the EU."},
        ],
        "recommendation": "Options 1 and 2 together.",
    }
    note = eeas.post("options-notes/", {"case": case_id, "title": "Options note: wiper against TSOs", "content": options}, expect=201)
    note_id = note["id"]
    assert note["status"] == "draft" and note["version"] == 1
    assert eeas.post(f"options-notes/{note_id}/transitions/circulate/")["status"] == "circulated"
    comment = affected.post(f"options-notes/{note_id}/comments/", {"anchor": "option-2", "text": "Germany supports option 2."}, expect=201)
    assert [row["id"] for row in eeas.get(f"options-notes/{note_id}/comments/")] == [comment["id"]]
    assert eeas.post(f"options-notes/{note_id}/transitions/submit/")["status"] == "submitted"
    assert chair.get(f"options-notes/{note_id}/")["status"] == "submitted"

    # --- 4. Deliberations: the chair convenes HWPCI with the case on the
    # agenda and opens deliberations on the submitted note (the chair's alone:
    # the EEAS is refused); the Council agrees to accompany the response
    # with a coordinated attribution; the EEAS proposes the two measures, the
    # chair selects them, puts the question to the Council and refers the case.
    meeting = chair.post(
        "meetings/",
        {"body": "HWPCI", "starts_at": f"{today}T10:00:00Z", "title": "HWPCI: wiper against TSOs", "location": "Justus Lipsius"},
        expect=201,
    )
    assert meeting["chaired_by"] == cast.presidency
    item = chair.post(f"meetings/{meeting['id']}/agenda-items/", {"title": "Wiper against TSOs: options note", "case": case_id}, expect=201)
    assert chair.post(f"meetings/{meeting['id']}/publish-agenda/")["agenda_published_at"]
    assert [row["case"] for row in affected.get(f"meetings/{meeting['id']}/")["agenda_items"]] == [case_id]
    take(eeas, case_id, "open_deliberation", expect=403)
    move(chair, case_id, "open_deliberation", "deliberation")
    attribution = coordinated_attribution(cast, case_id, assessment["id"])
    measures = {}
    for slug, description in (
        (DEMARCHE, "Démarche by the HR to the State concerned."),
        (DECLARATION, "HR declaration on behalf of the EU."),
    ):
        measure = eeas.post("measures/", {"case": case_id, "measure_type": slug, "description": description}, expect=201)
        assert measure["state"] == "proposed" and measure["escalation_warning"] == "", measure
        assert chair.post(f"measures/{measure['id']}/transitions/select/")["state"] == "selected"
        measures[slug] = measure["id"]
    question = chair.post(
        "questions/",
        {"case": case_id, "text": "Adopt options 1 and 2 of the options note.", "voting_rule": "unanimity", "body": "COUNCIL"},
        expect=201,
    )
    question_id = question["id"]
    assert question["status"] == "open"
    move(chair, case_id, "refer_for_decision", "decision")

    # --- 5. Decision-making: each of the 27 delegations states its own
    # position (none may state another's); Hungary abstains constructively.
    # The chair records the decision, computed from the board.
    board = chair.get(f"questions/{question_id}/positions/")
    assert [row["member_state"] for row in board["positions"]] == list(delegations) and {r["value"] for r in board["positions"]} == {"none"}
    affected.put(f"questions/{question_id}/positions/{ABSTAINING}/", {"value": "objection"}, expect=403)
    board = every_delegation_states(cast, question_id)
    assert board["outcome"]["adopted"] and board["outcome"]["counts"]["support"] == 26
    decision = chair.post("decisions/", {"question": question_id, "legal_act": "Council approval of options 1 and 2"}, expect=201)
    assert decision["adopted"] and decision["procedure"] == "meeting" and decision["case"] == case_id
    assert chair.get(f"questions/{question_id}/")["status"] == "decided"
    decisions = affected.get("decisions/", case=case_id)["results"]
    assert [row["id"] for row in decisions] == [decision["id"], attribution["decision"]] and all(row["adopted"] for row in decisions)
    for measure_id in measures.values():
        assert chair.post(f"measures/{measure_id}/transitions/agree/", {"decision": decision["id"]})["state"] == "agreed"
    outcome = chair.patch(
        f"meetings/{meeting['id']}/agenda-items/{item['id']}/", {"conclusions": "Options 1 and 2 agreed, one constructive abstention."}
    )
    assert outcome["conclusions"].startswith("Options 1 and 2 agreed")
    move(chair, case_id, "implement", "implementation")

    # --- 6. Implementation: the EEAS carries out the démarche; drafts the
    # declaration and the communication plan carrying it; the chair agrees
    # the plan, delegations commit to amplify it; the EEAS publishes the
    # declaration the Council agreed and runs the plan to completion.
    for measure_id in measures.values():
        started = eeas.post(f"measures/{measure_id}/transitions/start_implementation/", {"implementing_actor": "EEAS"})
        assert started["state"] == "in_implementation" and started["implementing_actor"] == "EEAS"
    assert eeas.post(f"measures/{measures[DEMARCHE]}/transitions/complete/")["implemented_on"] == today
    statement = eeas.post(
        "statements/",
        {
            "case": case_id,
            "title": "Declaration by the High Representative on behalf of the EU on the wiper campaign",
            "statement_type": "hr_declaration",
            "deliberation": attribution["id"],
            "content": {"text": "The EU and its Member States condemn the destructive cyber campaign against electricity operators."},
        },
        expect=201,
    )
    statement_id = statement["id"]
    assert statement["deliberation"] == attribution["id"]
    assert eeas.post(f"statements/{statement_id}/transitions/circulate/")["status"] == "circulated"
    assert eeas.post(f"statements/{statement_id}/transitions/submit/")["status"] == "submitted"
    plan = eeas.post(
        "communication-plans/",
        {
            "case": case_id,
            "title": "Communicating the declaration",
            "objectives": "Deter; reassure operators and the public.",
            "public": True,
            "channels": ["statement"],
            "audiences": ["General public", "Energy sector"],
            "lines_to_take": "The EU stands united against destructive cyber activity.",
            "measures": [measures[DECLARATION]],
            "statement": statement_id,
        },
        expect=201,
    )
    plan_id = plan["id"]
    assert (plan["measures"], plan["statement"], plan["status"]) == ([measures[DECLARATION]], statement_id, "draft")
    assert chair.post(f"communication-plans/{plan_id}/transitions/agree/")["status"] == "agreed"
    for code in ("DE", "FR"):
        delegations[code].post(f"communication-plans/{plan_id}/amplify/")
    assert eeas.post(f"communication-plans/{plan_id}/transitions/execute/")["status"] == "in_execution"
    published = eeas.post(f"statements/{statement_id}/transitions/publish/", {"decision": decision["id"], "on": today})
    assert published["status"] == "published" and published["published_on"] == today and published["decision"] == decision["id"]
    assert eeas.post(f"measures/{measures[DECLARATION]}/transitions/complete/")["state"] == "implemented"
    assert eeas.post(f"communication-plans/{plan_id}/transitions/complete/")["status"] == "completed"
    assert sorted(affected.get(f"communication-plans/{plan_id}/")["amplifying_states"]) == ["DE", "FR"]
    for measure_id in measures.values():
        assert chair.get(f"measures/{measure_id}/")["state"] == "implemented"

    # --- 7. Cooperation with international partners: the EEAS involves them
    # and records the candidate countries aligning with the declaration.
    move(eeas, case_id, "involve_partners", "partner_cooperation", comment="NATO and like-minded partners informed.")
    for country in ("AL", "ME"):
        eeas.post(f"statements/{statement_id}/alignments/", {"country": country}, expect=201)
    assert [row["country"] for row in affected.get(f"statements/{statement_id}/alignments/")] == ["AL", "ME"]
    assert affected.get(f"statements/{statement_id}/")["status"] == "published"

    # --- 8. Evaluation of the impact: the chair opens it; implementing the
    # measures scheduled the evaluations, and SIAC records the first.
    move(chair, case_id, "evaluate", "evaluation")
    evaluations = siac.get("impact-evaluations/", case=case_id)["results"]
    for measure_id in measures.values():
        scheduled = sorted(row["months_after"] for row in evaluations if row["measure"] == measure_id)
        assert scheduled == sorted(settings.CDT_EVALUATION_MONTHS)
    assert len(evaluations) == 2 * len(settings.CDT_EVALUATION_MONTHS) and not any(row["done"] for row in evaluations)
    first = evaluations[0]["id"]
    evaluation = siac.post(
        f"impact-evaluations/{first}/record/",
        {
            "observed_change": "No new intrusion attributed to the group since the démarche.",
            "effect": "limited",
            "recommendation": "continue",
        },
    )
    assert evaluation["done"] and evaluation["evaluated_by"] == siac.user.username
    assert chair.get(f"impact-evaluations/{first}/")["effect"] == "limited"

    # --- 9. Sustained engagement: the chair keeps the case under follow-up;
    # a Member State later asks to revisit step 3 for additional measures.
    move(chair, case_id, "sustain", "sustained_engagement")
    move(affected, case_id, "revisit", "exploration", target="exploration", reason="A second wave: Germany asks for more measures.")
    assert step_of(delegations[ABSTAINING], case_id) == "exploration"
    history = eeas.get(f"cases/{case_id}/history/")
    assert [(row["transition"], row["target"], row["by"]) for row in history] == [
        ("share_awareness", "awareness", chair.user.username),
        ("explore_response", "exploration", affected.user.username),
        ("open_deliberation", "deliberation", chair.user.username),
        ("refer_for_decision", "decision", chair.user.username),
        ("implement", "implementation", chair.user.username),
        ("involve_partners", "partner_cooperation", eeas.user.username),
        ("evaluate", "evaluation", chair.user.username),
        ("sustain", "sustained_engagement", chair.user.username),
        ("revisit", "exploration", affected.user.username),
    ]
