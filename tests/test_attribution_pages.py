"""Attribution in pages: the case-page panel, claims per case and per
actor, the deliberation page (grid, comments, referral, positions board,
outcome), the statement editor with versions and alignments, the
communication plan page. Form errors answer 400 and change nothing."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from attribution.models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Statement
from awareness.models import ThreatActor
from cases.models import CaseState
from cdt.directory.models import MemberState
from council.services import hr_act_record
from drafting import services as drafts

from .attribution_support import assess_all, claim, decide
from .cases_support import walk_to

#: Steps are entered in order, and the earlier steps of these tests are taken today.
TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast, open_case):
    case = walk_to(open_case(), CaseState.DELIBERATION, cast)
    case.suspected_actors.add(ThreatActor.objects.create(name="Silent Quill"))
    return case


def test_claims_on_the_case_page_and_per_actor(cast, signed_in, case):
    actor = case.suspected_actors.get()
    page = signed_in["delegate"].get(f"/cases/{case.pk}/").content.decode()
    assert "Record an attribution claim" in page and "No attribution claim yet." in page
    form = signed_in["delegate"].get(f"/attribution/claims/new/{case.pk}/")
    assert form.status_code == 200
    bad = signed_in["delegate"].post(
        f"/attribution/claims/new/{case.pk}/",
        {"actor": actor.pk, "basis": "national", "claim_type": "technical", "confidence": "high", "member_state": ""},
    )
    assert bad.status_code == 400 and AttributionClaim.objects.count() == 0
    assert "Name the Member State" in bad.content.decode()
    from cdt.directory.models import MemberState

    done = signed_in["delegate"].post(
        f"/attribution/claims/new/{case.pk}/",
        {
            "actor": actor.pk,
            "basis": "national",
            "claim_type": "political",
            "confidence": "high",
            "member_state": MemberState.objects.get(code="DE").pk,
            "public": "on",
        },
    )
    assert done.status_code == 302 and AttributionClaim.objects.filter(basis="national").count() == 1
    claim(cast, case, actor)
    assert f'/attribution/claims/?actor={actor.pk}"' in signed_in["delegate"].get(f"/awareness/actors/{actor.pk}/").content.decode()
    listing = signed_in["delegate"].get("/attribution/claims/", {"actor": actor.pk}).content.decode()
    assert 'data-testid="result-count">2<' in listing and "Germany" in listing and "Fictional Threat Labs" in listing
    assert 'data-testid="result-count">0<' in signed_in["outsider"].get("/attribution/claims/").content.decode()
    assert signed_in["outsider"].get(f"/attribution/claims/{AttributionClaim.objects.first().pk}/").status_code == 404
    assert "Silent Quill" in signed_in["delegate"].get(f"/attribution/claims/{AttributionClaim.objects.first().pk}/").content.decode()


def test_the_deliberation_page(cast, signed_in, case):
    actor = case.suspected_actors.get()
    page = signed_in["chair"].get(f"/cases/{case.pk}/").content.decode()
    assert "Open the deliberation on attribution" in page
    opened = signed_in["chair"].post(
        f"/attribution/deliberations/open/{case.pk}/",
        {"options_considered": ["no_attribution", "public_declaration"], "recommended_option": "public_declaration"},
    )
    deliberation = AttributionDeliberation.objects.get(case=case)
    assert opened.status_code == 302 and opened.url == f"/attribution/deliberations/{deliberation.pk}/"
    base = f"/attribution/deliberations/{deliberation.pk}"
    page = signed_in["eeas"].get(f"{base}/").content.decode()
    assert page.count("data-consideration=") == 10 and "10 considerations still to assess" in page
    assert "Public attribution by declaration of the High Representative" in page
    assessed = signed_in["eeas"].post(
        f"{base}/assess/", {"number": 1, "assessment": "Deterrence of repeat activity.", "rating": "supports"}
    )
    assert assessed.status_code == 302
    assert signed_in["eeas"].post(f"{base}/assess/", {"number": 2, "assessment": "", "rating": "supports"}).status_code == 400
    assert signed_in["delegate"].post(f"{base}/assess/", {"number": 2, "assessment": "Mine.", "rating": "supports"}).status_code == 403
    assert signed_in["other_delegate"].post(f"{base}/comment/", {"number": 1, "text": "France agrees."}).status_code == 302
    page = signed_in["delegate"].get(f"{base}/").content.decode()
    assert "France agrees." in page and 'data-rating="supports"' in page and "9 considerations still to assess" in page
    refused = signed_in["chair"].post(f"{base}/refer/", {"voting_rule": "unanimity"})
    assert refused.status_code == 400 and "Consideration 2 is not assessed." in refused.content.decode()
    assess_all(cast, deliberation)
    claim(cast, case, actor)
    assert signed_in["chair"].post(f"{base}/refer/", {"voting_rule": "unanimity"}).status_code == 302
    page = signed_in["delegate"].get(f"{base}/").content.decode()
    assert page.count("data-state=") == 27 and 'data-position="none"' in page
    assert signed_in["delegate"].post(f"{base}/fly/").status_code == 404
    decide(cast, AttributionDeliberation.objects.get(pk=deliberation.pk))
    bad = signed_in["chair"].post(f"{base}/conclude/", {"outcome": "public_declaration"})
    assert bad.status_code == 400 and "Name the actors" in bad.content.decode()
    done = signed_in["chair"].post(
        f"{base}/conclude/",
        {
            "outcome": "public_declaration",
            "actors": [actor.pk],
            "on": TODAY.isoformat(),
            "attributed_to_state": "Fictional State",
            "member_states_alongside": [MemberState.objects.get(code="DE").pk],
        },
    )
    assert done.status_code == 302
    page = signed_in["delegate"].get(f"{base}/").content.decode()
    assert 'data-testid="attribution-outcome"' in page and date_format(TODAY, "j F Y") in page and "Fictional State" in page
    assert 'data-testid="member-states-alongside"' in page and "Germany" in page
    assert signed_in["outsider"].get(f"{base}/").status_code == 404


def test_statement_editor_versions_publication_and_alignment(cast, signed_in, case):
    assert signed_in["delegate"].get(f"/attribution/statements/new/{case.pk}/").status_code == 403
    bad = signed_in["eeas"].post(f"/attribution/statements/new/{case.pk}/", {"title": "Joint", "statement_type": "joint", "text": "Text."})
    assert bad.status_code == 400 and Statement.objects.count() == 0  # a joint statement names its partners
    done = signed_in["eeas"].post(
        f"/attribution/statements/new/{case.pk}/",
        {
            "title": "Declaration by the High Representative on behalf of the EU",
            "statement_type": "hr_declaration",
            "text": "The EU strongly condemns.\n\nThe EU calls upon.",
        },
    )
    statement = Statement.objects.get()
    assert done.status_code == 302 and done.url == f"/attribution/statements/{statement.pk}/"
    base = f"/attribution/statements/{statement.pk}"
    edited = signed_in["eeas"].post(
        f"{base}/edit/", {"title": statement.title, "base_version": "1", "text": "The EU firmly condemns.\n\nThe EU calls upon."}
    )
    assert edited.status_code == 302
    compare = signed_in["delegate"].get(f"{base}/compare/", {"from": 1, "to": 2}).content.decode()
    assert "<del>strongly</del>" in compare and "<ins>firmly</ins>" in compare
    assert signed_in["eeas"].post(f"{base}/circulate/").status_code == 302
    assert signed_in["delegate"].post(f"{base}/comment/", {"anchor": "para-2", "text": "Add the partners."}).status_code == 302
    assert signed_in["eeas"].post(f"{base}/submit/").status_code == 302
    page = signed_in["eeas"].get(f"{base}/").content.decode()
    assert 'data-transition="publish"' in page and "Add the partners." in page and "Declaration by the High Representative" in page
    refused = signed_in["eeas"].post(f"{base}/publish/", {"on": TODAY.isoformat()})
    assert refused.status_code == 400 and Statement.objects.get().status == "submitted"
    decision = hr_act_record(by=cast["eeas"], case=case, explanation="Text agreed.")
    assert signed_in["eeas"].post(f"{base}/publish/", {"on": "20 Nov", "decision": decision.pk}).status_code == 400
    assert signed_in["eeas"].post(f"{base}/publish/", {"on": TODAY.isoformat(), "decision": decision.pk}).status_code == 302
    page = signed_in["eeas"].get(f"{base}/").content.decode()
    assert f"Published on {date_format(TODAY, 'j F Y')}." in page and 'data-testid="alignment-form"' in page
    assert "United Kingdom" not in page.split('data-testid="alignment-form"')[1]  # only candidate and associated countries offered
    from cdt.directory.models import Organisation

    assert signed_in["eeas"].post(f"{base}/align/", {"country": Organisation.objects.get(code="GB").pk}).status_code == 400
    assert (
        signed_in["eeas"]
        .post(f"{base}/align/", {"country": Organisation.objects.get(code="ME").pk, "aligned_on": TODAY.isoformat()})
        .status_code
        == 302
    )
    assert 'data-country="ME"' in signed_in["delegate"].get(f"{base}/").content.decode()
    assert signed_in["outsider"].get(f"{base}/").status_code == 404


def test_communication_plan_page(cast, signed_in, case):
    assert signed_in["delegate"].get(f"/attribution/communication-plans/new/{case.pk}/").status_code == 403
    bad = signed_in["eeas"].post(f"/attribution/communication-plans/new/{case.pk}/", {"title": "Plan", "objectives": ""})
    assert bad.status_code == 400 and CommunicationPlan.objects.count() == 0
    done = signed_in["eeas"].post(
        f"/attribution/communication-plans/new/{case.pk}/",
        {
            "title": "Communication on the wiper campaign",
            "objectives": "Deter; reassure operators.",
            "audiences": "General public\nOperators",
            "public": "on",
            "channels": ["statement", "factsheet"],
            "eu_delegations": "EU Delegation to the United States",
            "embargo_until": "2026-11-20T09:00",
        },
    )
    plan = CommunicationPlan.objects.get()
    assert done.status_code == 302 and plan.audiences == ["General public", "Operators"] and plan.channels == ["statement", "factsheet"]
    base = f"/attribution/communication-plans/{plan.pk}"
    assert signed_in["delegate"].post(f"{base}/commit/").status_code == 302
    assert signed_in["delegate"].post(f"{base}/agree/").status_code == 403
    assert signed_in["chair"].post(f"{base}/agree/").status_code == 302
    page = signed_in["delegate"].get(f"{base}/").content.decode()
    assert "Germany" in page.split('data-testid="amplifying"')[1][:200] and "Agreed" in page
    edited = signed_in["eeas"].post(f"{base}/edit/", {"title": plan.title, "objectives": "Deter.", "lines_to_take": "United."})
    assert edited.status_code == 302 and CommunicationPlan.objects.get().lines_to_take == "United."
    assert signed_in["outsider"].get(f"{base}/").status_code == 404
    assert "Communication on the wiper campaign" in signed_in["delegate"].get(f"/cases/{case.pk}/").content.decode()


def test_statement_pdf_route_and_panel(cast, signed_in, case):
    from attribution.services import statement_create

    statement = statement_create(
        by=cast["eeas"], case=case, title="Statement by the spokesperson", statement_type="spokesperson", content={"text": "Text."}
    )
    drafts.note_transition(by=cast["eeas"], note=statement, transition="submit")
    drafts.note_transition(by=cast["eeas"], note=statement, transition="publish", on=TODAY)
    panel = signed_in["delegate"].get(f"/cases/{case.pk}/").content.decode()
    assert "Statement by the spokesperson" in panel and "Published" in panel
