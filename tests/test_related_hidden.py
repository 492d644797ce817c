"""No trace of the unseen (issue 25): a page or API object the reader may
see never shows an id, a title or a value derived from a related object the
reader may not see (decision record 0023: omitted from lists, ``null`` for a
single reference, no derived value).

Each world is a visible case shared with the cast, and a related object the
reader may not see: a child classified above the reader's clearance (an
uncleared French delegate, ``uncleared``) or a case not shared with France
(``other_delegate``)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from attribution.choices import Basis, ClaimType, Confidence, Party
from attribution.models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Statement
from awareness.models import ThreatActor
from cases import services as case_services
from cases.models import CaseState, ClosureReason, ProportionalityAssessment
from cdt.directory.models import CouncilBody, MemberState, Organisation
from cdt.security.grants import access_grant, organisation_group
from cdt.security.markings import Classification, Tlp
from council.models import Decision, Procedure, Question, VotingRule, WrittenProcedure
from measures.models import MeasureType, OptionsNote, ResponseMeasure, RestrictiveListing

from .cases_support import case_at, case_fields

pytestmark = pytest.mark.django_db

UNCLASSIFIED, RESTREINT = Classification.UNCLASSIFIED, Classification.RESTREINT_UE
SECRET_TEXT = "Zanzibar-decision-text"


@pytest.fixture
def uncleared(make_user, login_verified):
    """A French delegate without clearance: France sees the cases of these
    worlds, so this reader sees the case and its unclassified children only."""
    from django.test import Client

    user = make_user("delegate-fr-uncleared", "FR", clearance=UNCLASSIFIED)
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def case(cast):
    """An unclassified case shared with the cast (France included)."""
    return case_at(CaseState.DELIBERATION, cast, classification=UNCLASSIFIED)


def absent(body: str, *values) -> None:
    for value in values:
        assert str(value) not in body, f"{value!r} leaks"


def link_absent(body: str, route: str, pk: int) -> None:
    """Neither the page of the hidden object nor its id in a link."""
    path = reverse(route, args=[pk])
    assert path not in body, f"{path} leaks"


def restreint_decision(cast, case, text=SECRET_TEXT) -> Decision:
    return Decision.objects.create(
        case=case,
        procedure=Procedure.HR_ACT,
        adopted=True,
        explanation=text,
        decided_on=datetime.date(2026, 11, 20),
        recorded_by=cast["eeas"],
        classification=RESTREINT,
    )


def measure(cast, case, slug="demarche", classification=UNCLASSIFIED, **fields) -> ResponseMeasure:
    actors = fields.pop("actors", ())
    created = ResponseMeasure.objects.create(
        case=case,
        measure_type=MeasureType.objects.get(slug=slug),
        description=fields.pop("description", "A démarche."),
        proposed_by=cast["eeas"],
        classification=classification,
        **fields,
    )
    created.actors.set(actors)
    return created


def question(cast, case, text, classification) -> Question:
    from council.services import question_put

    return question_put(
        by=cast["chair"],
        case=case,
        text=text,
        voting_rule=VotingRule.UNANIMITY,
        body=CouncilBody.objects.get(code="COUNCIL"),
        classification=classification,
    )


# --- 1. The proportionality figures of the measures panel -------------------------------------------------


def test_measures_panel_shows_no_figure_of_a_hidden_proportionality_assessment(cast, case, uncleared, signed_in):
    scores = dict.fromkeys(("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact"), 4)
    ProportionalityAssessment.objects.create(
        case=case, assessed_by=cast["siac"], classification=RESTREINT, **scores, **{f"{d}_rationale": "Because." for d in scores}
    )
    page = reverse("case-page", args=[case.pk])
    seen = signed_in["other_delegate"].get(page).content.decode()
    assert "up to level 8" in seen and "mean score 4.0" in seen  # the cleared reader sees it
    body = uncleared.get(page).content.decode()
    assert "up to level 2" in body  # what the reader may see: no assessment
    absent(body, "up to level 8", "mean score 4.0")


def test_measure_escalation_warning_names_no_hidden_figure(cast, case, uncleared):
    """The warning stored with a measure was computed from the latest
    assessment: a reader who may not see that assessment gets the warning
    without its figures."""
    scores = dict.fromkeys(("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact"), 1)
    ProportionalityAssessment.objects.create(
        case=case, assessed_by=cast["siac"], classification=RESTREINT, **scores, **{f"{d}_rationale": "Because." for d in scores}
    )
    from measures.services import measure_propose

    proposed = measure_propose(
        by=cast["eeas"], case=case, measure_type=MeasureType.objects.get(escalation_level=6, restrictive=False), description="Steps."
    )
    assert "mean score 1.0" in proposed.escalation_warning
    body = uncleared.get(reverse("measure-page", args=[proposed.pk])).content.decode()
    assert 'data-testid="escalation-warning"' in body
    absent(body, "mean score 1.0", "exceeds the 2 supported")
    api = uncleared.get(f"/api/v1/measures/{proposed.pk}/").json()
    assert "mean score" not in api["escalation_warning"] and api["escalation_warning"]


def test_a_blocked_step_names_no_hidden_figure(cast, case, make_user, login_verified):
    """The reason a chair cannot select the measure repeated the stored
    warning, figures included, to a chair not cleared for the assessment."""
    from django.test import Client

    from measures.services import measure_propose

    scores = dict.fromkeys(("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact"), 1)
    ProportionalityAssessment.objects.create(
        case=case, assessed_by=cast["siac"], classification=RESTREINT, **scores, **{f"{d}_rationale": "Because." for d in scores}
    )
    proposed = measure_propose(
        by=cast["eeas"], case=case, measure_type=MeasureType.objects.get(escalation_level=6, restrictive=False), description="Steps."
    )
    chair = Client()
    login_verified(chair, make_user("chair-ie-uncleared", "IE", clearance=UNCLASSIFIED))
    blocked = chair.post(f"/api/v1/measures/{proposed.pk}/transitions/select/", content_type="application/json")
    assert blocked.status_code == 400, blocked.content
    assert "exceeds" in str(blocked.json()) and "mean score" not in str(blocked.json())
    absent(chair.get(reverse("measure-page", args=[proposed.pk])).content.decode(), "mean score 1.0")


# --- 2. A measure's decision --------------------------------------------------------------------------------


def test_measure_page_shows_no_text_of_a_hidden_decision(cast, case, uncleared, signed_in):
    decision = restreint_decision(cast, case)
    taken = measure(cast, case, decision=decision)
    page = reverse("measure-page", args=[taken.pk])
    assert SECRET_TEXT in signed_in["other_delegate"].get(page).content.decode()
    response = uncleared.get(page)
    assert response.status_code == 200
    absent(response.content.decode(), SECRET_TEXT)
    assert uncleared.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404


def test_measure_page_and_api_show_no_hidden_listing(cast, case, uncleared, signed_in):
    taken = measure(cast, case, slug=MeasureType.objects.filter(restrictive=True).first().slug)
    RestrictiveListing.objects.create(case=case, measure=taken, council_decision="Council Decision (CFSP) 2099/1", classification=RESTREINT)
    page = reverse("measure-page", args=[taken.pk])
    assert "2099/1" in signed_in["other_delegate"].get(page).content.decode()
    absent(uncleared.get(page).content.decode(), "2099/1")
    api = uncleared.get(f"/api/v1/measures/{taken.pk}/").json()
    assert api["listing"] is None


# --- 3. Positions board: national attributions ----------------------------------------------------------------


def _deliberation_with_hidden_national_claim(cast, case) -> AttributionDeliberation:
    actor = ThreatActor.objects.create(name="Hidden Bear")
    AttributionClaim.objects.create(
        case=case,
        actor=actor,
        basis=Basis.NATIONAL,
        claim_type=ClaimType.POLITICAL,
        confidence=Confidence.HIGH,
        party=Party.MEMBER_STATE,
        member_state=MemberState.objects.get(code="PL"),
        summary="Poland's secret national attribution.",
        recorded_by=cast["eeas"],
        classification=RESTREINT,
    )
    return AttributionDeliberation.objects.create(case=case, opened_by=cast["chair"], classification=UNCLASSIFIED)


def test_positions_board_derives_nothing_from_a_hidden_national_claim(cast, case, uncleared, signed_in):
    deliberation = _deliberation_with_hidden_national_claim(cast, case)
    url = f"/api/v1/attribution-deliberations/{deliberation.pk}/positions/"
    seen = {row["member_state"]: row for row in signed_in["other_delegate"].get(url).json()}
    assert seen["PL"]["national_attribution"] is True
    rows = {row["member_state"]: row for row in uncleared.get(url).json()}
    assert rows["PL"]["national_attribution"] is False
    body = uncleared.get(reverse("deliberation-page", args=[deliberation.pk])).content.decode()
    absent(body, "Hidden Bear", "Poland's secret national attribution.")


def test_positions_board_shows_no_position_of_a_hidden_question(cast, case, uncleared):
    asked = question(cast, case, "Hidden question?", RESTREINT)
    asked.positions.filter(member_state__code="PL").update(value="objection")
    deliberation = AttributionDeliberation.objects.create(case=case, opened_by=cast["chair"], classification=UNCLASSIFIED, question=asked)
    rows = {row["member_state"]: row for row in uncleared.get(f"/api/v1/attribution-deliberations/{deliberation.pk}/positions/").json()}
    assert rows["PL"]["position"] is None


# --- 4. A communication plan's measures and statement --------------------------------------------------------------


def test_plan_lists_only_visible_measures(cast, case, uncleared, signed_in):
    shown = measure(cast, case, slug="demarche")
    hidden_type = MeasureType.objects.exclude(slug="demarche").filter(restrictive=False).order_by("-escalation_level").first()
    hidden = measure(cast, case, slug=hidden_type.slug, classification=RESTREINT)
    statement = Statement.objects.create(
        case=case,
        title="Hidden statement title",
        statement_type=Statement._meta.get_field("statement_type").choices[0][0],
        drafted_by=cast["eeas"],
        classification=RESTREINT,
    )
    plan = CommunicationPlan.objects.create(
        case=case, title="Plan", objectives="Inform.", drafted_by=cast["eeas"], classification=UNCLASSIFIED, statement=statement
    )
    plan.measures.set([shown, hidden])
    page = reverse("plan-page", args=[plan.pk])
    seen = signed_in["other_delegate"].get(page).content.decode()
    assert hidden_type.name in seen and "Hidden statement title" in seen
    body = uncleared.get(page).content.decode()
    assert reverse("measure-page", args=[shown.pk]) in body
    link_absent(body, "measure-page", hidden.pk)
    link_absent(body, "statement-page", statement.pk)
    absent(body, hidden_type.name, "Hidden statement title")
    api = uncleared.get(f"/api/v1/communication-plans/{plan.pk}/").json()
    assert api["measures"] == [shown.pk]
    listed = uncleared.get("/api/v1/communication-plans/", {"case": case.pk}).json()["results"]
    assert [row["measures"] for row in listed] == [[shown.pk]]


# --- 5. Pointers: an assessment's cases, a merged case ---------------------------------------------------------------


@pytest.fixture
def hidden_case(cast):
    """A restricted case France may not see (the opener, DE, shares it with the
    Presidency and SIAC only)."""
    hidden = case_services.case_open(by=cast["delegate"], **case_fields(title="Secret merge target", classification=UNCLASSIFIED))
    for code in ("IE", "SIAC"):
        access_grant(target=hidden, by=cast["delegate"], group=organisation_group(Organisation.objects.get(code=code)))
    return hidden


def test_assessment_page_lists_only_visible_cases(cast, case, hidden_case, signed_in):
    from awareness.services import assessment_record

    assessment = assessment_record(
        by=cast["siac"],
        kind="written",
        title="Shared assessment",
        body="Text.",
        classification=UNCLASSIFIED,
        limite=False,
        tlp=Tlp.GREEN,
        releasable_to_all=True,
        cases=[case, hidden_case],
        shared_with_all_delegations=True,
    )
    reader = signed_in["other_delegate"]
    body = reader.get(reverse("assessment-page", args=[assessment.pk])).content.decode()
    assert case.reference in body
    absent(body, hidden_case.reference, hidden_case.title)
    link_absent(body, "case-page", hidden_case.pk)
    assert reader.get(f"/api/v1/assessments/{assessment.pk}/").json()["cases"] == [case.pk]


def _merged(cast, case, hidden_case):
    return case_services.case_transition(
        case=case, by=cast["chair"], transition="close", reason=ClosureReason.MERGED, merged_into=hidden_case
    ).case


def test_merged_case_page_names_no_hidden_target(cast, case, hidden_case, signed_in):
    _merged(cast, case, hidden_case)
    page = reverse("case-page", args=[case.pk])
    seen = signed_in["chair"].get(page).content.decode()
    assert hidden_case.reference in seen and reverse("case-page", args=[hidden_case.pk]) in seen
    body = signed_in["other_delegate"].get(page).content.decode()
    assert "not shared with you" in body
    absent(body, hidden_case.reference, hidden_case.title)
    link_absent(body, "case-page", hidden_case.pk)


def test_merged_case_history_api_names_no_hidden_target(cast, case, hidden_case, signed_in):
    _merged(cast, case, hidden_case)
    chair = signed_in["chair"].get(f"/api/v1/cases/{case.pk}/history/").json()
    assert chair[-1]["merged_into"] == hidden_case.reference
    rows = signed_in["other_delegate"].get(f"/api/v1/cases/{case.pk}/history/").json()
    assert rows[-1]["reason"] == ClosureReason.MERGED and rows[-1]["merged_into"] is None
    absent(str(rows), hidden_case.reference, hidden_case.title)
    # The rows' own ids are transition ids: one may equal the hidden case's id by chance.
    assert hidden_case.pk not in [value for row in rows for key, value in row.items() if key != "id"]


def test_merge_reason_written_before_the_relation_is_redacted(cast, case, hidden_case, signed_in):
    """Rows logged before the merge target was a relation carry its reference
    in the reason text: the migration moves it into the relation."""
    import importlib

    log = _merged(cast, case, hidden_case).transitions.get(reason=ClosureReason.MERGED)
    type(log).objects.filter(pk=log.pk).update(reason=f"merged: {hidden_case.reference}", merged_into=None)
    migration = importlib.import_module("cases.migrations.0008_casetransition_merged_into")
    from django.apps import apps

    migration.merge_reason_to_relation(apps, None)
    log.refresh_from_db()
    assert log.reason == ClosureReason.MERGED and log.merged_into_id == hidden_case.pk
    body = signed_in["other_delegate"].get(reverse("case-page", args=[case.pk])).content.decode()
    absent(body, hidden_case.reference)


# --- The sweep: Council panel, written procedure page, options notes -----------------------------------------------------


def test_council_panel_and_written_procedure_show_no_hidden_decision(cast, case, uncleared, signed_in):
    asked = question(cast, case, "Open question?", UNCLASSIFIED)
    decision = restreint_decision(cast, case)
    Decision.objects.filter(pk=decision.pk).update(question=asked)
    procedure = WrittenProcedure.objects.create(
        case=case,
        question=asked,
        kind=WrittenProcedure.Kind.SILENCE,
        coreu_reference="COREU-HIDDEN-42",
        deadline=timezone.now() + datetime.timedelta(days=2),
        opened_by=cast["chair"],
        classification=RESTREINT,
    )
    page = reverse("case-page", args=[case.pk])
    seen = signed_in["other_delegate"].get(page).content.decode()
    assert SECRET_TEXT in seen and reverse("written-procedure-page", args=[procedure.pk]) in seen
    body = uncleared.get(page).content.decode()
    assert "Open question?" in body
    absent(body, SECRET_TEXT)
    link_absent(body, "written-procedure-page", procedure.pk)


def test_written_procedure_page_shows_no_hidden_decision(cast, case, uncleared):
    asked = question(cast, case, "Open question?", UNCLASSIFIED)
    decision = restreint_decision(cast, case)
    procedure = WrittenProcedure.objects.create(
        case=case,
        question=asked,
        kind=WrittenProcedure.Kind.SILENCE,
        deadline=timezone.now() + datetime.timedelta(days=2),
        opened_by=cast["chair"],
        classification=UNCLASSIFIED,
        decision=decision,
    )
    response = uncleared.get(reverse("written-procedure-page", args=[procedure.pk]))
    assert response.status_code == 200
    absent(response.content.decode(), SECRET_TEXT)


def test_options_note_links_no_hidden_revision(cast, case, uncleared):
    def note(classification, **extra):
        return OptionsNote.objects.create(
            case=case, title=f"Note {classification}", content={}, drafted_by=cast["eeas"], classification=classification, **extra
        )

    hidden_old = note(RESTREINT)
    shown = note(UNCLASSIFIED, supersedes=hidden_old)
    hidden_new = note(RESTREINT, supersedes=shown)
    body = uncleared.get(reverse("options-note-page", args=[shown.pk])).content.decode()
    link_absent(body, "options-note-page", hidden_old.pk)
    link_absent(body, "options-note-page", hidden_new.pk)
    assert not re.search(r"superseded by a newer version|revises an earlier note", body)


# --- Relation fields of the serializers (the generic restricted field of i25-core) ------------------------------------------


class TestApiRelationsHidden:
    """Plain relation fields of serializers: ``null`` (or omitted from a list)
    when the related object is hidden from the reader."""

    def test_measure_decision_is_null(self, cast, case, uncleared):
        taken = measure(cast, case, decision=restreint_decision(cast, case))
        assert uncleared.get(f"/api/v1/measures/{taken.pk}/").json()["decision"] is None

    def test_merged_into_is_null(self, cast, case, hidden_case, signed_in):
        _merged(cast, case, hidden_case)
        body = signed_in["other_delegate"].get(f"/api/v1/cases/{case.pk}/").json()
        assert body["merged_into"] is None
        absent(str(body), hidden_case.reference)

    def test_plan_statement_is_null(self, cast, case, uncleared):
        statement = Statement.objects.create(
            case=case,
            title="Hidden statement title",
            statement_type=Statement._meta.get_field("statement_type").choices[0][0],
            drafted_by=cast["eeas"],
            classification=RESTREINT,
        )
        plan = CommunicationPlan.objects.create(
            case=case, title="Plan", objectives="Inform.", drafted_by=cast["eeas"], classification=UNCLASSIFIED, statement=statement
        )
        assert uncleared.get(f"/api/v1/communication-plans/{plan.pk}/").json()["statement"] is None

    def test_deliberation_question_is_null(self, cast, case, uncleared):
        asked = question(cast, case, "Hidden question?", RESTREINT)
        deliberation = AttributionDeliberation.objects.create(
            case=case, opened_by=cast["chair"], classification=UNCLASSIFIED, question=asked
        )
        assert uncleared.get(f"/api/v1/attribution-deliberations/{deliberation.pk}/").json()["question"] is None


def test_editing_a_plan_keeps_what_the_editor_may_not_see(cast, case, make_user, login_verified):
    """The edit form offers only the measures the editor sees: saving it
    must not drop the others from the plan, nor answer with them."""
    from django.test import Client

    from cdt.accounts.roles import Role

    editor = make_user("eeas-uncleared", "EEAS", roles=(Role.EEAS_DRAFTER,), clearance=UNCLASSIFIED)
    client = Client()
    login_verified(client, editor)
    shown, hidden = measure(cast, case), measure(cast, case, classification=RESTREINT)
    plan = CommunicationPlan.objects.create(
        case=case, title="Plan", objectives="Inform.", drafted_by=cast["eeas"], classification=UNCLASSIFIED
    )
    plan.measures.set([shown, hidden])
    response = client.patch(f"/api/v1/communication-plans/{plan.pk}/", {"measures": [shown.pk]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["measures"] == [shown.pk]
    assert set(plan.measures.values_list("pk", flat=True)) == {shown.pk, hidden.pk}


def test_attribution_check_of_a_measure_derives_nothing_from_a_hidden_deliberation(cast, case, uncleared, signed_in):
    """A concluded EU attribution classified above the reader's clearance:
    the measure page reads as if there were none (no "attributed" flag)."""
    from attribution.choices import DeliberationStatus

    actor = ThreatActor.objects.create(name="Attributed Bear")
    deliberation = AttributionDeliberation.objects.create(case=case, opened_by=cast["chair"], classification=RESTREINT)
    AttributionDeliberation.objects.filter(pk=deliberation.pk).update(status=DeliberationStatus.CONCLUDED, outcome="public_declaration")
    deliberation.attributed_actors.add(actor)
    needing = MeasureType.objects.filter(attribution="actor").first()
    taken = measure(cast, case, slug=needing.slug, actors=[actor])
    page = reverse("measure-page", args=[taken.pk])
    assert 'data-testid="attribution-gap"' not in signed_in["other_delegate"].get(page).content.decode()
    assert 'data-testid="attribution-gap"' in uncleared.get(page).content.decode()


def test_the_decision_form_does_not_reveal_a_hidden_written_procedure(cast, case, make_user, login_verified, signed_in):
    """Whether a question's decision form shows depended on a written
    procedure the reader may not see: a derived flag (decision 0023)."""
    from django.test import Client

    asked = question(cast, case, "Open question?", UNCLASSIFIED)
    WrittenProcedure.objects.create(
        case=case,
        question=asked,
        kind=WrittenProcedure.Kind.SILENCE,
        deadline=timezone.now() + datetime.timedelta(days=2),
        opened_by=cast["chair"],
        classification=RESTREINT,
    )
    field_id = f"id_q{asked.pk}_legal_act"
    page = reverse("case-page", args=[case.pk])
    assert field_id not in signed_in["chair"].get(page).content.decode()  # cleared: the procedure is running
    uncleared_chair = Client()
    login_verified(uncleared_chair, make_user("chair-ie-uncleared", "IE", clearance=UNCLASSIFIED))
    assert field_id in uncleared_chair.get(page).content.decode()  # as for a question without one
