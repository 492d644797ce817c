"""The world the hostile form tests act on, built once for each module
that asks for the ``world`` fixture (import it from here).
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from cases.access_requests import access_request_create
from cdt.accounts.roles import Role
from cdt.directory.models import Organisation
from cdt.security.markings import Classification, Distribution, Tlp

from .cases_support import case_fields, cast_make, share_with_cast, walk_to
from .conftest import TEST_TOTP_KEY, sign_in_verified, user_make
from .hostile import database_fingerprint
from .hostile_forms_support import ALWAYS_WRITTEN, HIDDEN, World
from .worlds import shared_world


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
        measure_type=MeasureType.objects.get(slug="cyber-sanctions-listing"), actors=[actor], description="Listing."
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
    o["note_free_actor"] = ThreatActor.objects.create(name="Quiet Lynx", persistent=True)  # a note is started on it
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
    o["statement_published"] = statement("submit", "publish", on=timezone.localdate())
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

    # The console: someone invited who has not chosen a password yet (the first-login form).
    from cdt.accounts.onboarding import user_invite
    from cdt.accounts.roles import Role as Roles

    o["invitation"] = user_invite(
        by=cast["secretariat"],
        first_name="Invited",
        last_name="Newcomer",
        email="invited@test.invalid",
        organisation=Organisation.objects.get(code="FI"),
        role=Roles.HWPCI_DELEGATE,
    )
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
