"""Every HTML form, fuzzed through the test client (issue 12, hostile input).

The forms are found by walking the URL configuration (every page view that
validates a form, directly or through a view helper, and every Django form
view), so a new one cannot ship unfuzzed: each has an entry in
:data:`ROUTES` (who posts it, a valid payload, its text, date/datetime,
object-id and choice fields, the pages that show what it records) or in
:data:`EXEMPT` with the reason.

For each route, hypothesis (``fuzz_settings``: fixed seed, a fixed number
of examples per profile) posts the valid payload with one field made
hostile:

* text: markup and script payloads, control and odd Unicode, NUL, values
  beyond ``max_length`` and of about a megabyte;
* dates and datetimes: impossible ones (30 February, month 13, year 0, year
  10,000 and beyond, words) and extreme real ones;
* object ids: of objects the user may not see (a Hungarian case and its
  decision, measure and statement; a SIAC-only assessment), of nothing, and
  not ids at all, alone or beside valid ones;
* choices: values outside the choices.

Whatever the input, the answer is never a 5xx, and no page shows a payload
unescaped or names an object the user may not see. Accepted, the value is
shown escaped on the pages that show it; refused (NUL, too long, impossible
dates, bad ids must be), the page shows a form error and the database is as
it was (:func:`tests.hostile.database_fingerprint`, the session and the
audit of reads excepted; the bounded run fingerprints when the request's
SQL wrote anywhere else, the full run after every refusal). PostgreSQL's refusals that SQLite lacks (NUL in
text, a string longer than its ``varchar``) are emulated, so the embedded
lane finds what would be a 500 in production.

Everything the forms act on is built once for the module, in a transaction
rolled back at its end; each example runs in a savepoint rolled back after
it, so every example starts from the same database.

Each defect found is pinned by a plain ``test_regression_*`` at the end.
"""

from __future__ import annotations

import datetime
import inspect
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.views.generic.edit import FormMixin
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.access_requests import access_request_create
from cdt.accounts.roles import Role
from cdt.directory.models import MemberState, Organisation
from cdt.security.markings import Classification, Distribution, Tlp
from notifications.models import EventKind

from .cases_support import case_fields, cast_make, share_with_cast, walk_to
from .conftest import PASSWORD, TEST_TOTP_KEY, sign_in_verified, user_make
from .hostile import EXAMPLES, PROFILE, database_fingerprint, fingerprint_difference, fuzz_settings, hostile
from .url_support import walk
from .worlds import shared_world

pytestmark = [pytest.mark.django_db, hostile]

#: In the title or text of every object the users posting the forms may not see.
HIDDEN = "Zyx-hidden"


# --- The world the forms act on ---------------------------------------------------------------------------------


@dataclass
class World:
    cast: dict
    baseline: dict = field(default_factory=dict)  # the fingerprint every test and example starts from
    clients: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _signed_in(user) -> Client:
    """A browser session with a verified second factor (as ``login_verified``)."""
    client = Client()
    sign_in_verified(client, user)
    return client


def build_world() -> World:
    """The cast of tests/cases_support.py; a case at the deliberation step
    with a measure, a draft and a deliberation in every state a form acts on;
    a case before the Council; and objects the cast may not see."""
    from attribution import services as attribution_services
    from awareness.models import ThreatActor
    from awareness.services import assessment_record
    from cases import services as case_services
    from cases.models import CaseState
    from cdt.accounts.services import second_factor_enrolment, second_factor_register
    from cdt.directory.models import CouncilBody
    from cdt.security.grants import access_grant, access_revoke, organisation_group
    from council import services as council_services
    from drafting import services as drafts
    from measures import services as measure_services
    from measures.models import MeasureType

    from .attribution_support import assess_all, claim, decide, referred

    cast = cast_make(user_make) | {
        # Staff need a second factor: one with a device to verify, one enrolling.
        "unverified": user_make("staff-unverified", "GSC", roles=(Role.SECRETARIAT,), is_staff=True),
        "enrolling": user_make("staff-enrolling", "GSC", roles=(Role.SECRETARIAT,), is_staff=True),
    }
    w = World(cast=cast)
    o = w.objects
    for key in ("chair", "delegate", "other_delegate", "eeas", "secretariat", "siac", "outsider"):
        w.clients[key] = _signed_in(cast[key])
    second_factor_register(user=cast["unverified"], key_hex=TEST_TOTP_KEY)
    second_factor_enrolment(user=cast["enrolling"])

    def open_case(**overrides):
        case = case_services.case_open(by=cast["delegate"], **case_fields(**overrides))
        share_with_cast(case, cast)
        return case

    o["actor"] = actor = ThreatActor.objects.create(name="Silent Quill", persistent=True)
    o["other_actor"] = ThreatActor.objects.create(name="Grey Tempest")  # no claim on any case: no outcome may cover it
    o["case"] = case = walk_to(open_case(suspected_actors=[actor]), CaseState.DELIBERATION, cast)
    o["other_case"] = open_case(title="Second wiper case")
    o["access_request"] = access_request_create(by=cast["outsider"], reference=case.reference, reason="On the agenda.")
    demarche = MeasureType.objects.get(slug="demarche")
    o["decision"] = decision = council_services.hr_act_record(by=cast["eeas"], case=case, explanation="Démarche by the HR.")

    # The invisible world: a Hungarian case the cast does not see, with a
    # decision, a measure and a statement on it, and a SIAC-only assessment.
    hidden = case_services.case_open(
        by=cast["outsider"], **case_fields(title=f"{HIDDEN} case of Hungary", brought_by=Organisation.objects.get(code="HU"))
    )
    o["hidden_case"] = hidden
    eeas_group = organisation_group(Organisation.objects.get(code="EEAS"))
    access_grant(target=hidden, by=cast["outsider"], group=eeas_group)
    o["hidden_decision"] = council_services.hr_act_record(by=cast["eeas"], case=hidden, explanation=f"{HIDDEN} act of the HR")
    o["hidden_measure"] = measure_services.measure_propose(
        by=cast["eeas"], case=hidden, measure_type=demarche, description=f"{HIDDEN} démarche"
    )
    o["hidden_statement"] = attribution_services.statement_create(
        by=cast["eeas"], case=hidden, title=f"{HIDDEN} statement", statement_type="spokesperson", content={"text": "Hidden."}
    )
    access_revoke(target=hidden, by=cast["outsider"], group=eeas_group)
    o["hidden_assessment"] = assessment_record(
        by=cast["siac"],
        kind="written",
        title=f"{HIDDEN} assessment",
        body="For SIAC only.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[case],
        distribution=Distribution.RESTRICTED,  # SIAC keeps it: it does not follow the case
    )
    o["assessment"] = assessment_record(
        by=cast["siac"],
        kind="written",
        title="Shared SIAC assessment",
        body="All-source.",
        classification=case.classification,
        limite=True,
        tlp=Tlp.AMBER,
        releasable_to_all=True,
        cases=[case],
        shared_with_all_delegations=True,
        shared_with=[Organisation.objects.get(code="EEAS")],
    )

    # Measures in each state a form acts on.
    def measure(*steps, **extra):
        m = measure_services.measure_propose(
            by=cast["eeas"],
            case=case,
            measure_type=extra.pop("measure_type", demarche),
            description=extra.pop("description", "Démarche to the State concerned."),
            **extra,
        )
        for transition, who, data in steps:
            measure_services.measure_transition(by=cast[who], measure=m, transition=transition, **data)
        return m

    select = ("select", "chair", {})
    agree = ("agree", "chair", {"decision": decision})
    start = ("start_implementation", "eeas", {"implementing_actor": Organisation.objects.get(code="EEAS")})
    o["measure_proposed"] = measure()
    o["measure_selected"] = measure(select)
    o["measure_agreed"] = measure(select, agree)
    o["measure_implementing"] = measure(select, agree, start)
    o["measure_escalating"] = measure(
        measure_type=MeasureType.objects.get(slug="cyber-sanctions-listing"), actor=actor, description="Listing."
    )
    done = measure(select, agree, start, ("complete", "eeas", {}))
    o["evaluation"] = done.evaluations.order_by("due_on").first()

    # Drafts in each status a form acts on.
    def options_note(*transitions):
        note = measure_services.options_note_create(
            by=cast["eeas"],
            case=case,
            title="Options note",
            content={
                "situation": "Wiper attack.",
                "options": [{"measure_type": "demarche", "rationale": "First."}],
                "recommendation": "Option 1.",
            },
        )
        for transition in transitions:
            note = drafts.note_transition(by=cast["eeas"], note=note, transition=transition)
        return note

    o["options_draft"] = options_note()
    o["options_circulated"] = options_note("circulate")

    def strategic_note(*transitions, actor=actor):
        note = measure_services.strategic_note_create(
            by=cast["eeas"],
            actor=actor,
            title="Strategic response note",
            content={"short_term_effects": "Disrupt."},
            classification=Classification.RESTREINT_UE,
            limite=True,
            tlp=Tlp.AMBER,
        )
        for transition in transitions:
            note = drafts.note_transition(by=cast["eeas"], note=note, transition=transition)
        return note

    o["strategic_draft"] = strategic_note()
    o["strategic_circulated"] = strategic_note("circulate", actor=ThreatActor.objects.create(name="Amber Loom", persistent=True))
    o["strategic_submitted"] = strategic_note("submit", actor=ThreatActor.objects.create(name="Cobalt Wren", persistent=True))
    case.suspected_actors.add(o["strategic_submitted"].actor)  # the decision on the case approves its note

    def statement(*transitions, statement_type="spokesperson", **extra):
        st = attribution_services.statement_create(
            by=cast["eeas"],
            case=case,
            title="Statement by the spokesperson",
            statement_type=statement_type,
            content={"text": "The EU condemns.\n\nThe EU calls upon."},
        )
        for transition in transitions:
            st = drafts.note_transition(by=cast["eeas"], note=st, transition=transition, **extra)
        return st

    o["statement_draft"] = statement()
    o["statement_circulated"] = statement("circulate")
    o["statement_submitted"] = statement("submit", statement_type="hr_declaration")
    o["statement_published"] = statement("submit", "publish", on=datetime.date(2026, 11, 20))
    o["plan"] = attribution_services.plan_create(by=cast["eeas"], case=case, title="Communication plan", objectives="Deter.")

    # The Council: a question on a case at the decision step.
    o["decision_case"] = decision_case = walk_to(open_case(title="Case before the Council"), CaseState.DECISION, cast)
    o["question"] = council_services.question_put(
        by=cast["chair"], case=decision_case, text="Adopt the options", voting_rule="unanimity", body=CouncilBody.objects.get(code="PSC")
    )

    # Attribution: an open deliberation, one ready to refer, one referred and decided.
    o["deliberation"] = attribution_services.deliberation_open(
        by=cast["chair"], case=case, options_considered=["no_attribution", "public_declaration"]
    )
    ready_case = open_case(title="Case ready to refer", suspected_actors=[actor])
    claim(cast, ready_case, actor)
    o["ready_deliberation"] = ready = attribution_services.deliberation_open(
        by=cast["chair"], case=ready_case, options_considered=["public_declaration"]
    )
    assess_all(cast, ready)
    referred_case = walk_to(open_case(title="Case referred", suspected_actors=[actor]), CaseState.DELIBERATION, cast)
    o["referred_deliberation"] = decided = referred(cast, referred_case, [actor])
    decide(cast, decided)
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Everything the forms act on, built once for the module inside a
    transaction that is rolled back at its end (each test, and each
    example, runs in a savepoint inside it).

    The sign-ins are saved here, and the renewal of their inactivity timeout
    on each request is rolled back with the test's savepoint: with the usual
    30 minutes, every session expired when the full profile ran that long
    (``make check-hostile`` on a loaded machine: 27 tests redirected to the
    sign-in page). So the sessions here last as long as the absolute cap."""
    with shared_world(django_db_blocker, build_world, SESSION_COOKIE_AGE=django_settings.CDT_SESSION_MAX_SECONDS) as built:
        built.baseline = database_fingerprint(exclude=ALWAYS_WRITTEN)
        yield built


# --- The table ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ids:
    """An object-id field: a valid value, and (where the field offers only
    some objects) one it does not offer: an object the user may not see
    (named ``HIDDEN``), or one not eligible (a country that is no partner)."""

    valid: object  # callable(world) -> str | list[str]
    invisible: object = None  # callable(world) -> str
    extra: dict = field(default_factory=dict)  # payload changes the field needs to matter


@dataclass(frozen=True)
class FormRoute:
    key: str  # URL name, or "URL name:action" for one of a route's actions
    role: str  # who posts it: a key of the cast (or "anonymous")
    url: object  # callable(world) -> str
    payload: object  # callable(world) -> dict: a valid post
    text: tuple = ()
    limits: dict = field(default_factory=dict)  # text field -> max_length
    dates: tuple = ()
    datetimes: tuple = ()
    ids: dict = field(default_factory=dict)  # field -> Ids
    choices: tuple = ()
    pages: object = None  # callable(world, response) -> list of URLs that show the posted values
    shown: tuple = ()  # text fields those pages show
    errors_by_message: bool = False  # refused: a redirect to the page with the error message (the case page's panels)
    writes_when_rejected: tuple = ()  # models a refused post writes by design (the reason beside each entry)
    audited: tuple = ()  # audit actions a refused post records by design
    fresh_client: bool = False  # the post may cycle the session key: one client per example

    @property
    def name(self) -> str:
        return self.key.split(":")[0]


def case_page(w, response=None):
    return [f"/cases/{w.case.pk}/"]


def followed(w, response):
    """The page a successful post redirects to."""
    return [response.url] if response.status_code == 302 else []


def editor_payload(title, items, prefix, **fields):
    data = {
        "title": title,
        **fields,
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def _latest(label) -> int:
    return apps.get_model(label).objects.order_by("-pk").values_list("pk", flat=True).first()


def _pk(name):
    return lambda w: str(getattr(w, name).pk)


def _org(code, attr="pk"):
    return lambda w: str(getattr(Organisation.objects.get(code=code), attr))


def _state(code):
    return lambda w: str(MemberState.objects.get(code=code).pk)


def _measure_type(slug, attr="pk"):
    def value(w):
        from measures.models import MeasureType

        return str(getattr(MeasureType.objects.get(slug=slug), attr))

    return value


DIMENSIONS = ("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact")
OPTION_TEXT = ("rationale", "expected_effect", "risks", "legal", "communication", "proportionality")
STRATEGIC_TEXT = (
    "short_term_effects",
    "long_term_objectives",
    "risk_assessment",
    "risk_scenarios",
    "geographic_strategy",
    "actor_perspective",
    "monitoring_indicators",
)
PLAN_TEXT = ("title", "objectives", "audiences", "timing", "lines_to_take", "eu_delegations", "partner_coordination")


def options_payload(w, **extra):
    return editor_payload(
        "Options note",
        [{"measure_type": "demarche", "rationale": "First.", "ORDER": "1"}],
        "options",
        situation="Wiper attack.",
        recommendation="Option 1.",
        **extra,
    )


def strategic_payload(w):
    return editor_payload(
        "Strategic response note",
        [{"measure_type": "demarche", "mode": "parallel", "trigger": "If it recurs", "escalation_level": "2", "ORDER": "1"}],
        "measures",
        short_term_effects="Disrupt.",
        base_version="1",
    )


def plan_payload(w):
    return {
        "title": "Communication on the wiper campaign",
        "objectives": "Deter; reassure operators.",
        "audiences": "General public",
        "public": "on",
        "channels": ["statement"],
        "eu_delegations": "EU Delegation to the United States",
        "embargo_until": "2026-11-30T09:00",
        "measures": [str(w.measure_proposed.pk)],
        "statement": str(w.statement_draft.pk),
        "partners": [str(Organisation.objects.get(code="US").pk)],
    }


def _evaluation_field(name):
    return lambda w: f"evaluation-{w.evaluation.pk}-{name}"


PLAN_IDS = {
    "partners": Ids(valid=lambda w: [str(Organisation.objects.get(code="US").pk)], invisible=_org("AL")),  # AL: not a partner
    "measures": Ids(valid=lambda w: [str(w.measure_proposed.pk)], invisible=_pk("hidden_measure")),
    "statement": Ids(valid=_pk("statement_draft"), invisible=_pk("hidden_statement")),
}

ROUTES = [
    # --- cases
    FormRoute(
        "case-new",
        "delegate",
        lambda w: "/cases/new/",
        lambda w: {
            "kind": "malicious_activity",
            "title": "Supply-chain compromise of an IT provider",
            "summary": "An IT provider.",
            "brought_by": str(Organisation.objects.get(code="DE").pk),
            "brought_on": "2026-11-20",
            "context": "peacetime",
            "legal_qualification": "",
            "sectors": ["supply_chain"],
            "member_states_affected": [str(MemberState.objects.get(code="DE").pk)],
            "classification": "1",
            "limite": "on",
            "tlp": "2",
            "releasable_to_all": "on",
            "distribution": "hwpci",
        },
        text=("title", "summary", "activity_name", "victims", "origin_territory", "transit_territory"),
        limits={"title": 200, "activity_name": 200, "origin_territory": 200, "transit_territory": 200},
        dates=("brought_on", "first_seen", "last_seen"),
        ids={
            "brought_by": Ids(_org("DE")),
            "member_states_affected": Ids(lambda w: [str(MemberState.objects.get(code="DE").pk)]),
            "suspected_actors": Ids(lambda w: [str(w.actor.pk)]),
            "releasable_to": Ids(lambda w: [str(Organisation.objects.get(code="DE").pk)], extra={"releasable_to_all": ""}),
            "shared_with": Ids(lambda w: [str(Organisation.objects.get(code="COM-CNECT").pk)]),
        },
        pages=lambda w, r: followed(w, r) + ["/cases/"],
        shown=("title", "summary", "activity_name", "victims", "origin_territory", "transit_territory"),
    ),
    FormRoute(
        "access-request-page",
        "outsider",
        lambda w: "/cases/access-requests/",
        lambda w: {"reference": w.other_case.reference, "reason": "Hungary saw it on the HWPCI agenda."},
        text=("reference", "reason"),
        limits={"reference": 30, "reason": 2000},
        pages=lambda w, r: ["/cases/access-requests/"],
        shown=("reference",),
        fresh_client=True,
    ),
    FormRoute(
        "case-share-change-page:share",
        "delegate",
        lambda w: f"/cases/{w.case.pk}/sharing/share/",
        lambda w: {"organisation": "HU", "reason": "Hungarian operators affected."},
        text=("reason", "user"),
        limits={"reason": 2000},
        ids={"organisation": Ids(lambda w: "HU")},
        pages=lambda w, r: [f"/cases/{w.case.pk}/sharing/"],
    ),
    FormRoute(
        "case-access-request-decide-page",
        "delegate",
        lambda w: f"/cases/{w.case.pk}/access-requests/decide/",
        lambda w: {"request": str(w.access_request.pk), "decision": "decline", "reason": "Hungary is not affected."},
        text=("reason",),
        limits={"reason": 2000},
        ids={"request": Ids(lambda w: str(w.access_request.pk))},
        choices=("decision", "scope"),
        pages=lambda w, r: [f"/cases/{w.case.pk}/sharing/"],
    ),
    FormRoute(
        "case-transition-page:close",
        "chair",
        lambda w: f"/cases/{w.case.pk}/transitions/close/",
        lambda w: {"reason": "concluded", "comment": "Closed after the Council's review."},
        text=("comment", "reason"),
        ids={"merged_into": Ids(lambda w: w.other_case.reference, invisible=lambda w: w.hidden_case.reference, extra={"reason": "merged"})},
        pages=case_page,
        shown=("comment",),
    ),
    FormRoute(
        "case-proportionality-page",
        "delegate",
        lambda w: f"/cases/{w.case.pk}/proportionality/",
        lambda w: {**dict.fromkeys(DIMENSIONS, "4"), **{f"{d}_rationale": f"{d} because" for d in DIMENSIONS}},
        text=tuple(f"{d}_rationale" for d in DIMENSIONS),
        choices=DIMENSIONS,
        pages=case_page,
        shown=tuple(f"{d}_rationale" for d in DIMENSIONS),
    ),
    FormRoute(
        "case-significance-page",
        "delegate",
        lambda w: f"/cases/{w.case.pk}/significance/",
        lambda w: {"factor_b": "Two operators", "conclusion": "potentially_significant"},
        text=tuple(f"factor_{letter}" for letter in "abcdefg"),
        choices=("conclusion",),
        pages=case_page,
        shown=tuple(f"factor_{letter}" for letter in "abcdefg"),
    ),
    # --- measures
    FormRoute(
        "measure-propose-page",
        "eeas",
        lambda w: f"/measures/propose/{w.case.pk}/",
        lambda w: {
            "measure_type": _measure_type("demarche")(w),
            "description": "Démarche to the State concerned.",
            "rationale": "First step.",
        },
        text=("description", "rationale"),
        ids={"measure_type": Ids(_measure_type("demarche")), "actor": Ids(_pk("actor"))},
        pages=lambda w, r: followed(w, r) + case_page(w),
        shown=("description", "rationale"),
    ),
    FormRoute(
        "measure-transition-page:withdraw",
        "eeas",
        lambda w: f"/measures/{w.measure_proposed.pk}/transitions/withdraw/",
        lambda w: {"reason": "Overtaken by events."},
        text=("reason",),
        pages=lambda w, r: [f"/measures/{w.measure_proposed.pk}/"],
        shown=("reason",),
    ),
    FormRoute(
        "measure-transition-page:agree",
        "chair",
        lambda w: f"/measures/{w.measure_selected.pk}/transitions/agree/",
        lambda w: {"decision": str(w.decision.pk)},
        ids={"decision": Ids(_pk("decision"), invisible=_pk("hidden_decision"))},
        pages=lambda w, r: [f"/measures/{w.measure_selected.pk}/"],
    ),
    FormRoute(
        "measure-transition-page:start_implementation",
        "eeas",
        lambda w: f"/measures/{w.measure_agreed.pk}/transitions/start_implementation/",
        lambda w: {"implementing_actor": "EEAS"},
        ids={"implementing_actor": Ids(lambda w: "EEAS")},
        pages=lambda w, r: [f"/measures/{w.measure_agreed.pk}/"],
    ),
    FormRoute(
        "measure-transition-page:complete",
        "eeas",
        lambda w: f"/measures/{w.measure_implementing.pk}/transitions/complete/",
        lambda w: {"on": "2026-11-20"},
        dates=("on",),
        pages=lambda w, r: [f"/measures/{w.measure_implementing.pk}/"],
    ),
    FormRoute(
        "measure-override-page",
        "chair",
        lambda w: f"/measures/{w.measure_escalating.pk}/override/",
        lambda w: {"justification": "Third campaign by the same actor."},
        text=("justification",),
        pages=lambda w, r: [f"/measures/{w.measure_escalating.pk}/"],
        shown=("justification",),
    ),
    FormRoute(
        "evaluation-record-page",
        "eeas",
        lambda w: f"/measures/evaluations/{w.evaluation.pk}/record/",
        lambda w: {
            _evaluation_field("observed_change")(w): "No new activity.",
            _evaluation_field("effect")(w): "significant",
            _evaluation_field("recommendation")(w): "continue",
        },
        text=(_evaluation_field("observed_change"), _evaluation_field("indicators")),
        choices=(_evaluation_field("effect"), _evaluation_field("recommendation")),
        pages=lambda w, r: [f"/measures/{w.evaluation.measure_id}/"],
        shown=(_evaluation_field("observed_change"), _evaluation_field("indicators")),
    ),
    FormRoute(
        "options-note-new-page",
        "eeas",
        lambda w: f"/measures/options-notes/new/{w.case.pk}/",
        options_payload,
        text=("title", "situation", "recommendation", *(f"options-0-{name}" for name in OPTION_TEXT)),
        limits={"title": 300},
        ids={
            "assessment_refs": Ids(lambda w: [str(w.assessment.pk)], invisible=_pk("hidden_assessment")),
            "options-0-measure_type": Ids(lambda w: "demarche"),
        },
        pages=followed,
        shown=("title", "situation", "recommendation", *(f"options-0-{name}" for name in OPTION_TEXT)),
    ),
    FormRoute(
        "options-note-edit-page",
        "eeas",
        lambda w: f"/measures/options-notes/{w.options_draft.pk}/edit/",
        lambda w: options_payload(w, base_version="1"),
        text=("title", "situation", "recommendation", *(f"options-0-{name}" for name in OPTION_TEXT)),
        limits={"title": 300},
        ids={
            "assessment_refs": Ids(lambda w: [str(w.assessment.pk)], invisible=_pk("hidden_assessment")),
            "options-0-measure_type": Ids(lambda w: "demarche"),
            "base_version": Ids(lambda w: "1"),
        },
        pages=followed,
        shown=("title", "situation", "recommendation", *(f"options-0-{name}" for name in OPTION_TEXT)),
    ),
    FormRoute(
        "options-note-act-page:comment",
        "delegate",
        lambda w: f"/measures/options-notes/{w.options_circulated.pk}/comment/",
        lambda w: {"anchor": "option-1", "text": "Germany supports."},
        text=("text",),
        ids={"anchor": Ids(lambda w: "option-1")},
        pages=lambda w, r: [f"/measures/options-notes/{w.options_circulated.pk}/"],
        shown=("text",),
    ),
    FormRoute(
        "options-note-act-page:circulate",
        "eeas",
        lambda w: f"/measures/options-notes/{w.options_draft.pk}/circulate/",
        lambda w: {"on": ""},
        dates=("on",),
        pages=lambda w, r: [f"/measures/options-notes/{w.options_draft.pk}/"],
    ),
    FormRoute(
        "strategic-note-edit-page",
        "eeas",
        lambda w: f"/measures/strategic-notes/{w.strategic_draft.pk}/edit/",
        strategic_payload,
        text=("title", *STRATEGIC_TEXT, "measures-0-trigger"),
        limits={"title": 300},
        ids={"measures-0-measure_type": Ids(lambda w: "demarche"), "base_version": Ids(lambda w: "1")},
        choices=("measures-0-mode", "measures-0-escalation_level"),
        pages=followed,
        shown=("title", *STRATEGIC_TEXT, "measures-0-trigger"),
    ),
    FormRoute(
        "strategic-note-act-page:comment",
        "delegate",
        lambda w: f"/measures/strategic-notes/{w.strategic_circulated.pk}/comment/",
        lambda w: {"anchor": "short_term_effects", "text": "Germany supports."},
        text=("text",),
        ids={"anchor": Ids(lambda w: "short_term_effects")},
        pages=lambda w, r: [f"/measures/strategic-notes/{w.strategic_circulated.pk}/"],
        shown=("text",),
    ),
    FormRoute(
        "strategic-note-act-page:approve",
        "chair",
        lambda w: f"/measures/strategic-notes/{w.strategic_submitted.pk}/approve/",
        lambda w: {"decision": str(w.decision.pk), "on": ""},
        dates=("on",),
        ids={"decision": Ids(_pk("decision"), invisible=_pk("hidden_decision"))},
        pages=lambda w, r: [f"/measures/strategic-notes/{w.strategic_submitted.pk}/"],
    ),
    # --- council (the case page's panel: a rejected post goes back to the case page with the error)
    FormRoute(
        "question-put-page",
        "chair",
        lambda w: f"/council/cases/{w.decision_case.pk}/questions/",
        lambda w: {"text": "List the persons responsible", "voting_rule": "unanimity", "body": "PSC"},
        text=("text",),
        choices=("voting_rule",),
        ids={"body": Ids(lambda w: "PSC")},
        pages=lambda w, r: [f"/cases/{w.decision_case.pk}/"],
        shown=("text",),
        errors_by_message=True,
    ),
    FormRoute(
        "position-set-page",
        "delegate",
        lambda w: f"/council/questions/{w.question.pk}/positions/DE/",
        lambda w: {"value": "constructive_abstention", "declaration": "Germany will not obstruct."},
        text=("declaration",),
        choices=("value", "reserve"),
        pages=lambda w, r: [f"/cases/{w.decision_case.pk}/", f"/council/questions/{w.question.pk}/board/"],
        shown=("declaration",),
        errors_by_message=True,
    ),
    FormRoute(
        "decision-record-page",
        "chair",
        lambda w: f"/council/questions/{w.question.pk}/decision/",
        lambda w: {"legal_act": "Council Decision (CFSP) 2026/1"},
        text=("legal_act",),
        limits={"legal_act": 300},
        pages=lambda w, r: [f"/cases/{w.decision_case.pk}/"],
        errors_by_message=True,
    ),
    FormRoute(
        "written-procedure-open-page",
        "chair",
        lambda w: f"/council/questions/{w.question.pk}/written-procedure/",
        lambda w: {"kind": "silence", "deadline": "2026-12-01T10:00", "coreu_reference": "COREU CFSP/0001/26"},
        text=("coreu_reference",),
        limits={"coreu_reference": 100},
        datetimes=("deadline",),
        choices=("kind",),
        pages=followed,
        shown=("coreu_reference",),
        errors_by_message=True,
    ),
    FormRoute(
        "hr-act-page",
        "eeas",
        lambda w: f"/council/cases/{w.case.pk}/hr-act/",
        lambda w: {"explanation": "Démarche by the HR to the State concerned.", "legal_act": "HR/2026/7"},
        text=("explanation", "legal_act"),
        limits={"legal_act": 300},
        pages=case_page,
        shown=("explanation",),
        errors_by_message=True,
    ),
    # --- attribution
    FormRoute(
        "claim-new-page",
        "eeas",
        lambda w: f"/attribution/claims/new/{w.case.pk}/",
        lambda w: {
            "actor": str(w.actor.pk),
            "basis": "industry",
            "claim_type": "technical",
            "confidence": "high",
            "industry_source": "Fictional Threat Labs",
            "made_on": "2026-11-02",
            "reference": "Report 7",
            "summary": "Same wiper family.",
            "assessments": [str(w.assessment.pk)],
        },
        text=("industry_source", "attributed_to_state", "reference", "summary"),
        limits={"industry_source": 200, "attributed_to_state": 100, "reference": 500},
        dates=("made_on",),
        ids={
            "actor": Ids(_pk("actor")),
            "member_state": Ids(_state("DE")),
            "partner": Ids(_org("US"), invisible=_org("AL"), extra={"basis": "partner", "industry_source": ""}),
            "assessments": Ids(lambda w: [str(w.assessment.pk)], invisible=_pk("hidden_assessment")),
        },
        choices=("basis", "claim_type", "confidence"),
        pages=lambda w, r: ["/attribution/claims/", f"/attribution/claims/{_latest('attribution.AttributionClaim')}/", *case_page(w)],
        shown=("industry_source", "attributed_to_state", "reference", "summary"),
    ),
    FormRoute(
        "deliberation-open-page",
        "chair",
        lambda w: f"/attribution/deliberations/open/{w.other_case.pk}/",
        lambda w: {"options_considered": ["no_attribution", "public_declaration"], "recommended_option": "public_declaration"},
        choices=("options_considered", "recommended_option"),
        pages=followed,
        errors_by_message=True,
    ),
    FormRoute(
        "deliberation-act-page:assess",
        "eeas",
        lambda w: f"/attribution/deliberations/{w.deliberation.pk}/assess/",
        lambda w: {"number": "1", "assessment": "Deterrence of repeat activity.", "rating": "supports"},
        text=("assessment",),
        ids={"number": Ids(lambda w: "1")},
        choices=("rating",),
        pages=lambda w, r: [f"/attribution/deliberations/{w.deliberation.pk}/"],
        shown=("assessment",),
    ),
    FormRoute(
        "deliberation-act-page:comment",
        "delegate",
        lambda w: f"/attribution/deliberations/{w.deliberation.pk}/comment/",
        lambda w: {"number": "1", "text": "Germany agrees."},
        text=("text",),
        ids={"number": Ids(lambda w: "1")},
        pages=lambda w, r: [f"/attribution/deliberations/{w.deliberation.pk}/"],
        shown=("text",),
    ),
    FormRoute(
        "deliberation-act-page:options",
        "eeas",
        lambda w: f"/attribution/deliberations/{w.deliberation.pk}/options/",
        lambda w: {"options_considered": ["no_attribution"], "recommended_option": "no_attribution"},
        choices=("options_considered", "recommended_option"),
        pages=lambda w, r: [f"/attribution/deliberations/{w.deliberation.pk}/"],
    ),
    FormRoute(
        "deliberation-act-page:refer",
        "chair",
        lambda w: f"/attribution/deliberations/{w.ready_deliberation.pk}/refer/",
        lambda w: {"voting_rule": "unanimity", "text": "Attribute the campaign publicly?"},
        text=("text",),
        choices=("voting_rule",),
        pages=lambda w, r: [f"/attribution/deliberations/{w.ready_deliberation.pk}/", f"/cases/{w.ready_deliberation.case_id}/"],
        shown=("text",),
    ),
    FormRoute(
        "deliberation-act-page:conclude",
        "chair",
        lambda w: f"/attribution/deliberations/{w.referred_deliberation.pk}/conclude/",
        lambda w: {
            "outcome": "public_declaration",
            "actors": [str(w.actor.pk)],
            "on": "2026-11-20",
            "attributed_to_state": "Fictional State",
            "summary": "Attributed publicly.",
        },
        text=("attributed_to_state", "summary"),
        limits={"attributed_to_state": 100},
        dates=("on",),
        ids={
            "actors": Ids(lambda w: [str(w.actor.pk)], invisible=_pk("other_actor")),
            "partners": Ids(lambda w: [str(Organisation.objects.get(code="US").pk)], invisible=_org("AL")),
        },
        choices=("outcome",),
        pages=lambda w, r: [f"/attribution/deliberations/{w.referred_deliberation.pk}/"],
        shown=("attributed_to_state", "summary"),
    ),
    FormRoute(
        "statement-new-page",
        "eeas",
        lambda w: f"/attribution/statements/new/{w.case.pk}/",
        lambda w: {
            "title": "Declaration by the High Representative",
            "statement_type": "hr_declaration",
            "text": "The EU strongly condemns.\n\nThe EU calls upon.",
        },
        text=("title", "text"),
        limits={"title": 300},
        choices=("statement_type",),
        ids={
            "partners": Ids(
                lambda w: [str(Organisation.objects.get(code="US").pk)], invisible=_org("AL"), extra={"statement_type": "joint"}
            )
        },
        pages=followed,
        shown=("title", "text"),
    ),
    FormRoute(
        "statement-edit-page",
        "eeas",
        lambda w: f"/attribution/statements/{w.statement_draft.pk}/edit/",
        lambda w: {"title": "Statement by the spokesperson", "text": "The EU firmly condemns.", "base_version": "1"},
        text=("title", "text"),
        limits={"title": 300},
        ids={"base_version": Ids(lambda w: "1")},
        pages=followed,
        shown=("title", "text"),
    ),
    FormRoute(
        "statement-act-page:comment",
        "delegate",
        lambda w: f"/attribution/statements/{w.statement_circulated.pk}/comment/",
        lambda w: {"anchor": "para-1", "text": "Add the partners."},
        text=("text",),
        ids={"anchor": Ids(lambda w: "para-1")},
        pages=lambda w, r: [f"/attribution/statements/{w.statement_circulated.pk}/"],
        shown=("text",),
    ),
    FormRoute(
        "statement-act-page:publish",
        "eeas",
        lambda w: f"/attribution/statements/{w.statement_submitted.pk}/publish/",
        lambda w: {"decision": str(w.decision.pk), "on": "2026-11-20"},
        dates=("on",),
        ids={"decision": Ids(_pk("decision"), invisible=_pk("hidden_decision"))},
        pages=lambda w, r: [f"/attribution/statements/{w.statement_submitted.pk}/"],
    ),
    FormRoute(
        "statement-act-page:align",
        "eeas",
        lambda w: f"/attribution/statements/{w.statement_published.pk}/align/",
        lambda w: {"country": _org("ME")(w), "aligned_on": "2026-11-21"},
        dates=("aligned_on",),
        ids={"country": Ids(_org("ME"), invisible=_org("GB"))},
        pages=lambda w, r: [f"/attribution/statements/{w.statement_published.pk}/"],
    ),
    FormRoute(
        "plan-new-page",
        "eeas",
        lambda w: f"/attribution/communication-plans/new/{w.case.pk}/",
        plan_payload,
        text=PLAN_TEXT,
        limits={"title": 300},
        datetimes=("embargo_until",),
        ids=PLAN_IDS,
        choices=("channels",),
        pages=followed,
        shown=PLAN_TEXT,
    ),
    FormRoute(
        "plan-edit-page",
        "eeas",
        lambda w: f"/attribution/communication-plans/{w.plan.pk}/edit/",
        plan_payload,
        text=PLAN_TEXT,
        limits={"title": 300},
        datetimes=("embargo_until",),
        ids=PLAN_IDS,
        choices=("channels",),
        pages=followed,
        shown=PLAN_TEXT,
    ),
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


def _totp_now(user_key: str) -> object:
    """The current code of the user's (first) authenticator device."""

    def token(w):
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=w.cast[user_key]).order_by("pk").first()
        return f"{TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits).token():0{device.digits}d}"

    return token


ROUTE = {route.key: route for route in ROUTES}


def client_for(w: World, route: FormRoute) -> Client:
    """The role's signed-in browser; a new one per example for the account
    forms, whose success cycles the session key."""
    if not route.fresh_client:
        return w.clients[route.role]
    client = Client()
    if route.role != "anonymous":  # a session made by hand: force_login would write last_login and audit a sign-in
        from django.conf import settings as django_settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        user = w.cast[route.role]
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        session.save()
        client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    return client


# --- Finding the form routes -----------------------------------------------------------------------------------

PROJECT_PACKAGES = ("cases", "measures", "council", "attribution", "notifications", "awareness", "cdt", "tests")


def _ours(obj) -> bool:
    return (getattr(obj, "__module__", "") or "").split(".")[0] in PROJECT_PACKAGES


def validates_a_form(function, depth: int = 3, seen=None) -> bool:
    """True when ``function`` (or a view helper it calls, in a views module
    of the project) validates a form: calls ``is_valid``. Pages that only
    show a form (the case page with its panels) do not."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None or function in seen:
        return False
    seen.add(function)
    codes, names = [code], set()
    while codes:
        current = codes.pop()
        names |= set(current.co_names)
        codes += [const for const in current.co_consts if inspect.iscode(const)]
    if "is_valid" in names:
        return True
    if depth == 0:
        return False
    found = [function.__globals__.get(name) for name in names]
    modules = [obj for obj in found if inspect.ismodule(obj)]
    found += [getattr(module, name, None) for module in modules for name in names]
    helpers = [obj for obj in found if inspect.isfunction(obj) and _ours(obj) and "views" in obj.__module__]
    return any(validates_a_form(helper, depth - 1, seen) for helper in helpers)


def form_routes() -> dict[str, str]:
    """URL name -> route, for every page that takes a Django form."""
    found = {}
    for route, name, callback in walk(get_resolver().url_patterns):
        if getattr(callback, "actions", None) is not None or getattr(callback, "cls", None) is not None:
            continue  # the API: its serializers are fuzzed by the schema tests
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            if issubclass(view_class, FormMixin):
                found.setdefault(name, route)
        elif _ours(inspect.unwrap(callback)) and validates_a_form(callback):
            found.setdefault(name, route)
    return found


#: Form routes that are not fuzzed here, and why.
EXEMPT = {
    "notification-list-page": "a GET filter (event kind, unread): an invalid value is ignored and nothing is written",
    "test-dossier-new": "the test-only protected model of tests/testapp, not a product form",
}


def test_every_form_route_is_fuzzed():
    found = set(form_routes())
    covered = {route.name for route in ROUTES}
    missing = sorted(found - covered - set(EXEMPT))
    assert not missing, (
        f"form routes that are not fuzzed: {missing}. Add each to ROUTES in {__name__} (who posts it, a valid "
        "payload, its text, date and object-id fields), or to EXEMPT with the reason."
    )
    gone = sorted((covered | set(EXEMPT)) - found)
    assert not gone, f"ROUTES/EXEMPT name routes that no longer take a form (or no longer exist): {gone}"


def test_the_walk_tells_a_form_from_a_page_that_shows_one():
    """Through helpers (the statement editor is the notes' ``editor``), not
    fooled by pages that only render forms (the case page, the note page)."""
    from attribution.views import statement_detail, statement_edit
    from cases.views import case_detail

    assert validates_a_form(statement_edit)
    assert not validates_a_form(case_detail) and not validates_a_form(statement_detail)


# --- Posting, and what must hold ------------------------------------------------------------------------------

#: Rows every request may write whatever it is asked: the session (saved on
#: every request, SESSION_SAVE_EVERY_REQUEST) and the audit trail's record
#: of reads of classified objects (the form page shown again reads the case).
#: The audit entries written are checked separately: reads only, or the
#: actions the route documents.
ALWAYS_WRITTEN = ("sessions.Session", "security.AuditEntry", "security.AuditHead")
ERROR_MARKERS = ("ecl-feedback-message", "ecl-notification--error", 'class="errorlist')


def _name(w, name) -> str:
    return name(w) if callable(name) else name


class PostgresqlStrictness:
    """What PostgreSQL refuses and SQLite stores: a NUL character in a text
    parameter (psycopg2 raises ValueError before sending the query) and a
    string longer than its ``varchar(n)`` column (DataError). Emulated on
    SQLite, so the embedded lane finds what would be a 500 in production."""

    def __enter__(self):
        from django.db import connection
        from django.db.models.signals import pre_save

        self._wrapper = connection.execute_wrapper(self._refuse_nul)
        self._wrapper.__enter__()
        pre_save.connect(self._refuse_too_long, dispatch_uid="hostile-forms-varchar")
        return self

    def __exit__(self, *exc):
        from django.db.models.signals import pre_save

        pre_save.disconnect(dispatch_uid="hostile-forms-varchar")
        return self._wrapper.__exit__(*exc)

    @staticmethod
    def _refuse_nul(execute, sql, params, many, context):
        rows = params if many else [params]
        for row in rows or ():
            values = row.values() if isinstance(row, dict) else (row or ())
            if any(isinstance(value, str) and "\x00" in value for value in values):
                raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    @staticmethod
    def _refuse_too_long(sender, instance, raw=False, **kwargs):
        from django.db import DataError
        from django.db.models import CharField

        for model_field in sender._meta.concrete_fields:
            if isinstance(model_field, CharField) and model_field.max_length:
                value = getattr(instance, model_field.attname)
                if isinstance(value, str) and len(value) > model_field.max_length:
                    raise DataError(
                        f"value too long for type character varying({model_field.max_length}) ({sender._meta.label}.{model_field.name})"
                    )


@dataclass
class Outcome:
    route: FormRoute
    response: object
    accepted: bool
    pages: dict  # URL -> HTML of the pages read after the post (error page, display pages)


def _audit_high() -> int:
    from cdt.security.models import AuditEntry

    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


#: The bounded run compares fingerprints when a refused post's SQL wrote to
#: any table beyond the documented ones (no write statement, no change);
#: the full run compares them after every refusal.
FINGERPRINT_EVERY_REFUSAL = PROFILE == "full"
WRITE = re.compile(r'(?:INSERT INTO|UPDATE|DELETE FROM|REPLACE INTO)\s+"?([\w]+)"?', re.IGNORECASE)


def _writes(queries, allowed_tables) -> list[str]:
    """The statements of ``queries`` that write to a table outside ``allowed_tables``."""
    found = []
    for query in queries:
        sql = query["sql"].lstrip()
        match = WRITE.match(sql)
        if match and match.group(1) not in allowed_tables:
            found.append(sql[:200])
    return found


def _tables(labels) -> set[str]:
    return {apps.get_model(label)._meta.db_table for label in labels}


def post(w: World, route: FormRoute, data: dict) -> Outcome:
    """Post ``data`` to the route as its role, inside a savepoint rolled back
    afterwards, and check what every answer must keep: never a 5xx; a
    refusal shows a form error and leaves the database as it was. Returns
    what was seen (the answer and the pages read after it)."""
    from cdt.security.models import AuditEntry

    with transaction.atomic():
        client = client_for(w, route)
        before = w.baseline
        audit_high = _audit_high()
        with PostgresqlStrictness(), CaptureQueriesContext(connection) as captured:
            response = client.post(route.url(w), data)
        assert response.status_code < 500, f"{route.key}: {response.status_code} for {data!r:.300}"
        pages = {}
        if response.status_code == 302 and route.errors_by_message:
            target = response.url.split("#")[0]
            pages[target] = client.get(target).content.decode()
            accepted = not any(marker in pages[target] for marker in ERROR_MARKERS)
        else:
            accepted = response.status_code == 302
            if not accepted:
                pages[route.url(w)] = response.content.decode()
        if not accepted:
            assert response.status_code in (200, 302, 400, 409), f"{route.key}: refused with {response.status_code}"
            html = next(iter(pages.values()))
            assert any(marker in html for marker in ERROR_MARKERS), f"{route.key}: refused without a form error on the page"
            documented = ALWAYS_WRITTEN + route.writes_when_rejected
            writes = _writes(captured.captured_queries, _tables(documented))
            if writes or FINGERPRINT_EVERY_REFUSAL:
                after = database_fingerprint(exclude=documented)
                kept = {label: value for label, value in before.items() if label not in documented}
                changed = fingerprint_difference(kept, after)
                assert not changed, f"{route.key}: a refused post wrote to {changed} ({data!r:.300}): {writes[:3]}"
            written = set(AuditEntry.objects.filter(id__gt=audit_high).values_list("action", flat=True))
            assert written <= {AuditEntry.Action.READ, *route.audited}, f"{route.key}: a refused post audited {written}"
        elif route.pages:
            for url in route.pages(w, response):
                page = client.get(url)
                assert page.status_code == 200, f"{route.key}: {url} answers {page.status_code} after the post"
                pages[url] = page.content.decode()
        transaction.set_rollback(True)
    return Outcome(route=route, response=response, accepted=accepted, pages=pages)


# --- Hostile values -------------------------------------------------------------------------------------------

MARKER = "cdtxss"
#: (payload, the part of it that must never reach a page unescaped).
MARKUP = [
    (f'<script>alert("{MARKER}")</script>', f'<script>alert("{MARKER}'),
    (f'"><img src=x onerror=alert("{MARKER}")>', f'<img src=x onerror=alert("{MARKER}'),
    (f"'><svg onload=alert('{MARKER}')>", f"<svg onload=alert('{MARKER}"),
    (f'</textarea><script>alert("{MARKER}")</script>', f'</textarea><script>alert("{MARKER}'),
    (f'<a href="javascript:alert(1)">{MARKER}</a>', f'<a href="javascript:alert(1)">{MARKER}'),
    (f'</title><b id="{MARKER}">', f'<b id="{MARKER}"'),
    (f"<!--{MARKER}-->", f"<!--{MARKER}"),
    (f'" autofocus onfocus="alert(1)" x="{MARKER}', f'" autofocus onfocus="alert(1)" x="{MARKER}'),
]
DANGEROUS = [prefix for _payload, prefix in MARKUP]
#: Control and odd characters HTTP carries (lone surrogates it cannot).
ODD = [
    "\x1b[31m",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x7f",
    "\x85",
    "\u202e",
    "\u202d",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u00a0",
    "\u0301",
    "\ufdfd",
    "\U0001d54f",
    "\U0001f642",
    "İ",
    "ß",
    "ǅ",
    "\r\n",
    "\t",
    "{{ 7|add:7 }}",
    "{% now 'Y' %}",
    "%s%n%x",
    "' OR '1'='1",
    "\\",
    "../../etc/passwd",
    "${jndi:ldap://x}",
]
ONE_MB = 1024 * 1024

plain_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)


def markup_values():
    return st.builds(
        lambda before, payload, after: f"{before}{payload}{after}", plain_text, st.sampled_from([p for p, _ in MARKUP]), plain_text
    )


def odd_values():
    return st.lists(st.one_of(st.sampled_from(ODD), plain_text), min_size=1, max_size=8).map("".join)


def text_attacks(limit):
    """(kind, value): the kinds that must be refused are "nul" and "too long"."""
    too_long = [("too long", "x" * (limit + 1))] if limit else []
    return st.one_of(
        st.tuples(st.just("markup"), markup_values()),
        st.tuples(st.just("odd"), odd_values()),
        st.tuples(st.just("nul"), st.builds(lambda a, b: f"{a}\x00{b}", plain_text, plain_text)),
        st.sampled_from([*too_long, ("too long" if limit else "large", LARGE)]),
    )


class Large(str):
    """About a megabyte of text (markup first), printed short in a failure report."""

    def __repr__(self):
        return "LARGE"


LARGE = Large(f"{MARKUP[0][0]} " + "é" * (ONE_MB // 2))


INVALID_DATES = [
    "2026-02-30",
    "2025-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-11-00",
    "0000-01-01",
    "10000-01-01",
    "99999999999999999999-01-01",
    "-2026-01-01",
    "2026-11-20T10:00",
    "20 Nov",
    "not a date",
    "2026-11-2O",
    "\x00",
    "2026-11-20\x00",
    "１２/０１/２０２６",
    "2026-11-20'; DROP TABLE cases_case; --",
]
INVALID_DATETIMES = [
    "2026-02-30T10:00",
    "2026-11-20T24:00",
    "2026-11-20T10:60",
    "2026-13-01T00:00",
    "0000-01-01T00:00",
    "10000-01-01T00:00",
    "2026-11-20T10:00+25:00",
    "not a date",
    "2026-11-20T10:00\x00",
    "T10:00",
]
#: Dates a form may accept or refuse, but must never answer with a 500.
EDGE_DATES = ["0001-01-01", "9999-12-31", "1900-02-28", "1970-01-01", ""]
EDGE_DATETIMES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59-05:00",
    "2027-03-28T02:30",
    "2026-10-25T02:30",
    "2026-11-30T10:00+14:00",
    "2026-11-30 10:00",
    "",
]


def date_attacks(datetime_field: bool):
    invalid, edge = (INVALID_DATETIMES, EDGE_DATETIMES) if datetime_field else (INVALID_DATES, EDGE_DATES)
    generated = st.builds(
        lambda year, month, day: f"{year:04d}-{month:02d}-{day:02d}" + ("T12:00" if datetime_field else ""),
        st.integers(2000, 2100),
        st.integers(1, 12),
        st.integers(32, 99),
    ) | st.builds(lambda year: f"{year}-01-01" + ("T12:00" if datetime_field else ""), st.integers(10_000, 10**15))
    return st.one_of(st.tuples(st.just("invalid"), st.sampled_from(invalid) | generated), st.tuples(st.just("edge"), st.sampled_from(edge)))


NOT_IDS = [
    "999999999",
    "0",
    "-1",
    "abc",
    "1 OR 1=1",
    "0x10",
    "1e3",
    "None",
    "null",
    "[]",
    "' --",
    str(2**63),
    str(2**64),
    "9" * 40,
    "\x00",
    "1\x00",
    "%",
    "*",
    "<script>alert(1)</script>",
    "²",
    "①",
    "1²",
]


def id_attacks(spec: Ids, valid: str):
    """(kind, value): "invisible" and "bad" must be refused; "alias" (another
    spelling of a valid id, or nothing) may be accepted."""
    kinds = [st.tuples(st.just("bad"), st.sampled_from(NOT_IDS) | st.sampled_from([f"{valid}abc", f"{valid}\x00", f"{valid};1"]))]
    if spec.invisible is not None:
        kinds.append(st.tuples(st.just("invisible"), st.just(None)))
    kinds.append(
        st.tuples(
            st.just("alias"),
            st.sampled_from(
                [
                    f"{valid}.0",
                    f" {valid} ",
                    f"+{valid}",
                    f"0{valid}",
                    "",
                    valid.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                ]
            ),
        )
    )
    return st.one_of(*kinds)


def assert_escaped(outcome: Outcome) -> None:
    for url, html in outcome.pages.items():
        raw = [prefix for prefix in DANGEROUS if prefix in html]
        assert not raw, f"{outcome.route.key}: {url} shows {raw} unescaped"


def assert_no_leak(outcome: Outcome) -> None:
    for url, html in [("(the answer)", outcome.response.content.decode()), *outcome.pages.items()]:
        assert HIDDEN not in html, f"{outcome.route.key}: {url} names an object the user may not see"


#: Examples per route and test: a fixed share of the profile's count
#: (tests/hostile.py: 25 bounded, 200 full), since every example is a real
#: request (and pages read after it) and there are 85 pairs of (test,
#: route). Bounded: 4 text, 4 date, 4 id, 2 choice examples per route; full:
#: 32, 32, 32, 16.
SHARE = {"text": 16, "dates": 16, "ids": 16, "choices": 8}


def examples(kind: str) -> int:
    return max(2, EXAMPLES * SHARE[kind] // 100)


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.text])
def test_hostile_text(world, key):
    """Markup, control and odd characters, NUL, oversized values in each text
    field: never a 500; refused with a form error and nothing written, or
    accepted and shown escaped on every page that shows it."""
    route = ROUTE[key]

    @settings(fuzz_settings, max_examples=examples("text"))
    @given(name=st.sampled_from(route.text), data=st.data())
    def attack(name, data):
        kind, value = data.draw(text_attacks(route.limits.get(name)), label="attack")
        outcome = post(world, route, {**route.payload(world), _name(world, name): value})
        assert_escaped(outcome)
        if kind in ("nul", "too long"):
            assert not outcome.accepted, f"{key}: {kind} value accepted in {_name(world, name)}"
        elif outcome.accepted and MARKER in value and name in route.shown:
            assert any(MARKER in html for html in outcome.pages.values()), f"{key}: {_name(world, name)} is shown on none of its pages"

    attack()


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.dates or route.datetimes])
def test_hostile_dates(world, key):
    """Impossible dates (30 February, month 13, year 0, year 10,000 and
    beyond, words) are a form error with nothing written; extreme real
    dates are accepted or refused, never a 500."""
    route = ROUTE[key]
    fields = [(name, False) for name in route.dates] + [(name, True) for name in route.datetimes]

    @settings(fuzz_settings, max_examples=examples("dates"))
    @given(target=st.sampled_from(fields), data=st.data())
    def attack(target, data):
        name, is_datetime = target
        kind, value = data.draw(date_attacks(is_datetime), label="attack")
        outcome = post(world, route, {**route.payload(world), name: value})
        if kind == "invalid":
            assert not outcome.accepted, f"{key}: {name}={value!r} accepted"

    attack()


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.ids])
def test_hostile_ids(world, key):
    """Ids of objects the user may not see, of nothing, and not ids at all:
    a form error, nothing written, and never the hidden object's name."""
    route = ROUTE[key]

    @settings(fuzz_settings, max_examples=examples("ids"))
    @given(name=st.sampled_from(sorted(route.ids)), data=st.data())
    def attack(name, data):
        spec = route.ids[name]
        valid = spec.valid(world)
        many = isinstance(valid, list)
        kind, value = data.draw(id_attacks(spec, valid[0] if many else valid), label="attack")
        if kind == "invisible":
            value = spec.invisible(world)
        if many:
            value = data.draw(st.sampled_from([[value], [*valid, value]]), label="with the valid ones")
        outcome = post(world, route, {**route.payload(world), **spec.extra, name: value})
        assert_no_leak(outcome)
        if kind != "alias":
            assert not outcome.accepted, f"{key}: {name}={value!r} ({kind}) accepted"

    attack()


BAD_CHOICES = [payload for payload, _prefix in MARKUP] + [
    "\x00",
    "immediate\x00",
    "x" * 10_000,
    "-1",
    "0",
    "99",
    "1e3",
    "' OR '1'='1",
    "None",
    "[]",
    "\u202eoff",
]


@pytest.mark.parametrize("key", [route.key for route in ROUTES if route.choices])
def test_hostile_choices(world, key):
    """A value outside a choice field's choices (or an integer field's
    range) is a form error, never a 500, never echoed unescaped."""
    route = ROUTE[key]

    @settings(fuzz_settings, max_examples=examples("choices"))
    @given(name=st.sampled_from(route.choices), value=st.sampled_from(BAD_CHOICES))
    def attack(name, value):
        outcome = post(world, route, {**route.payload(world), _name(world, name): value})
        assert_escaped(outcome)
        assert not outcome.accepted, f"{key}: {_name(world, name)}={value!r} accepted"

    attack()


# --- Regressions: each defect the fuzzing found, pinned by a plain test ------------------------------------------


def test_regression_case_transition_with_an_invalid_comment_is_refused(world):
    """The transition view ignored its form's verdict: a comment with a NUL
    character was dropped and the case closed without it."""
    from cases.models import Case, CaseState

    response = world.clients["chair"].post(f"/cases/{world.case.pk}/transitions/close/", {"reason": "concluded", "comment": "Closed\x00"})
    assert response.status_code == 400 and "Null characters are not allowed." in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).state == CaseState.DELIBERATION


def test_regression_decision_legal_act_longer_than_its_column_is_refused(world):
    """The decision form took a legal act of any length for a varchar(300)
    column: PostgreSQL refused the insert (a 500), SQLite stored it."""
    from council.models import Decision

    response = world.clients["chair"].post(f"/council/questions/{world.question.pk}/decision/", {"legal_act": "x" * 301}, follow=True)
    assert "Ensure this value has at most 300 characters" in response.content.decode()
    assert not Decision.objects.filter(question=world.question).exists()


def test_regression_coreu_reference_longer_than_its_column_is_refused(world):
    """The written-procedure form took a COREU reference of any length for a
    varchar(100) column: PostgreSQL refused the insert (a 500)."""
    from council.models import WrittenProcedure

    response = world.clients["chair"].post(
        f"/council/questions/{world.question.pk}/written-procedure/",
        {"kind": "silence", "deadline": "2026-12-01T10:00", "coreu_reference": "x" * 101},
        follow=True,
    )
    assert response.status_code == 200 and "ecl-notification--error" in response.content.decode()
    assert not WrittenProcedure.objects.filter(question=world.question).exists()


def test_regression_a_malformed_decision_id_on_a_draft_step_is_a_form_error(world):
    """A decision id that is not a number made the draft step answer 404
    (the ValueError of the lookup was taken for an unknown step)."""
    from attribution.models import Statement

    for value in ("1;1", "abc", "²"):
        response = world.clients["eeas"].post(
            f"/attribution/statements/{world.statement_submitted.pk}/publish/", {"decision": value, "on": "2026-11-20"}
        )
        assert response.status_code == 400 and "No such decision." in response.content.decode()
    assert Statement.objects.get(pk=world.statement_submitted.pk).status == "submitted"


def test_regression_numbers_too_long_for_a_column_are_answered_not_a_500(world):
    """Digits-only checks let 5,000 digits through: ``int()`` refuses more
    than 4,300 (ValueError, a 500 on the note editor, a 404 on the approval
    step whose comment promised a form error), and 20 digits overflow
    SQLite's integers in ``IN (…)`` (notification ids)."""
    from measures.models import OptionsNote, StrategicResponseNote

    huge = "9" * 5000
    response = world.clients["eeas"].post(
        f"/measures/options-notes/{world.options_draft.pk}/edit/", options_payload(world, base_version=huge)
    )
    assert response.status_code == 400 and "The version you edited is missing" in response.content.decode()
    assert OptionsNote.objects.get(pk=world.options_draft.pk).version == world.options_draft.version
    response = world.clients["chair"].post(
        f"/measures/strategic-notes/{world.strategic_submitted.pk}/approve/", {"decision": huge, "on": ""}
    )
    assert response.status_code == 400 and "No such decision." in response.content.decode()
    assert StrategicResponseNote.objects.get(pk=world.strategic_submitted.pk).status == "submitted"
    response = world.clients["delegate"].get("/attribution/claims/", {"case": huge})
    assert response.status_code == 200
    response = world.clients["delegate"].post("/notifications/read/", {"id": str(2**64)})
    assert response.status_code == 400 and response.content.decode() == "Notification ids are numbers."


def test_regression_merging_into_an_invisible_case_answers_as_for_no_case(world):
    """The merge target was looked up among all cases: a reference the user
    may not see got "No such case." where an unknown one got "No such case:
    <reference>.", telling the user which references exist."""
    client = world.clients["chair"]
    url = f"/cases/{world.case.pk}/transitions/close/"
    for reference in (world.hidden_case.reference, "CDT-2026-9999"):
        response = client.post(url, {"reason": "merged", "merged_into": reference})
        assert response.status_code == 400 and f"No such case: {reference}." in response.content.decode()
        assert HIDDEN not in response.content.decode()


@pytest.mark.parametrize(
    "url, field, value",
    [
        ("/attribution/communication-plans/new/{case}/", "embargo_until", "0001-01-01T00:00"),
        ("/attribution/communication-plans/new/{case}/", "embargo_until", "9999-12-31T23:59-05:00"),
        ("/council/questions/{question}/written-procedure/", "deadline", "9999-12-31T23:59-05:00"),
    ],
)
def test_regression_a_date_and_time_outside_the_utc_calendar_is_a_form_error(world, url, field, value):
    """Midnight on 1 January of year 1 in Brussels is in year 0 in UTC (and
    the last minute of 9999 five hours west is in year 10,000): the forms
    took them and the save raised OverflowError (a 500); PostgreSQL would
    have stored a date no page could read back."""
    from attribution.models import CommunicationPlan
    from council.models import WrittenProcedure

    route = ROUTE["plan-new-page" if field == "embargo_until" else "written-procedure-open-page"]
    client = world.clients[route.role]
    response = client.post(url.format(case=world.case.pk, question=world.question.pk), {**route.payload(world), field: value}, follow=True)
    error = "Enter a valid date/time." if field == "embargo_until" else "Give the procedure and a deadline."  # the council panel's message
    assert response.status_code in (200, 400) and error in response.content.decode()
    assert not CommunicationPlan.objects.exclude(pk=world.plan.pk).exists() and not WrittenProcedure.objects.exists()


def test_regression_a_base_version_in_other_digits_is_refused(world):
    """``str.isdigit`` is true of "²" and "①", which ``int`` refuses: the
    draft editor answered 500 instead of asking for the version edited."""
    from attribution.models import Statement

    for value in ("²", "①"):
        response = world.clients["eeas"].post(
            f"/attribution/statements/{world.statement_draft.pk}/edit/", {"title": "Statement", "text": "Changed.", "base_version": value}
        )
        assert response.status_code == 400 and "The version you edited is missing" in response.content.decode()
    assert Statement.objects.get(pk=world.statement_draft.pk).version == 1


def test_regression_the_claim_list_filter_in_other_digits_is_ignored(world):
    """The same ``isdigit`` trap in the claims list's ``?case=`` and ``?actor=``: a 500."""
    for name in ("case", "actor"):
        assert world.clients["delegate"].get("/attribution/claims/", {name: "²"}).status_code == 200


def test_regression_a_decimal_spelling_of_a_decision_id_is_not_a_500(world):
    """The measure step validated ``decision`` as an integer ("1.0" is 1) but
    looked it up with the raw text: ValueError, a 500."""
    from measures.models import ResponseMeasure

    response = world.clients["chair"].post(
        f"/measures/{world.measure_selected.pk}/transitions/agree/", {"decision": f"{world.decision.pk}.0"}
    )
    assert response.status_code == 302
    assert ResponseMeasure.objects.get(pk=world.measure_selected.pk).state == "agreed"


def test_regression_an_id_beyond_64_bits_in_a_multiple_choice_is_a_form_error(world):
    """Single ids beyond 64 bits find nothing, but a list of them reached
    SQLite's ``IN (…)`` and raised OverflowError (a 500)."""
    from cases.models import Case

    route = ROUTE["case-new"]
    cases = Case.objects.count()
    response = world.clients["delegate"].post(route.url(world), {**route.payload(world), "member_states_affected": ["9" * 40]})
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    response = world.clients["eeas"].post(
        f"/attribution/communication-plans/new/{world.case.pk}/", {**plan_payload(world), "measures": [str(2**64)]}
    )
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    assert Case.objects.count() == cases


def test_regression_a_username_longer_than_its_column_is_a_form_error(world):
    """The sign-in form shows a 150-character limit but never checked it: a
    longer name went to django-axes, whose varchar(255) record of the failed
    sign-in PostgreSQL refused (a 500)."""
    from axes.models import AccessAttempt

    response = Client().post("/accounts/login/", {"username": "x" * 300, "password": "a-password"})
    assert response.status_code == 200 and "Ensure this value has at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_regression_a_date_and_time_with_a_nul_is_a_form_error(world):
    """Python's ``datetime.fromisoformat`` (which Django's parser tries
    first) stops at a NUL: "2026-11-20T10:00\\x00" was taken as a valid date
    and time, where the date fields refuse "2026-11-20\\x00"."""
    from attribution.models import CommunicationPlan

    response = world.clients["eeas"].post(
        f"/attribution/communication-plans/new/{world.case.pk}/", {**plan_payload(world), "embargo_until": "2026-11-20T10:00\x00"}
    )
    assert response.status_code == 400 and "Enter a valid date/time." in response.content.decode()
    assert not CommunicationPlan.objects.exclude(pk=world.plan.pk).exists()
