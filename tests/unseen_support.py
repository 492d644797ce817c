"""A world for the hostile probe of issue 25 (helper-written, kept as the
regression fixtures of tests/test_unseen_probe.py): a case everyone in the
cast sees, unclassified, with RESTREINT UE children (text starting "HMK")
that an uncleared reader may not see, and a TLP:RED case of DE's shared
with nobody."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from attribution.models import AttributionClaim, AttributionDeliberation, CommunicationPlan, Statement
from awareness.models import Assessment, RequestForInformation, ThreatActor
from cases.models import CaseState, ProportionalityAssessment
from cdt.directory.models import CouncilBody, Organisation
from cdt.security.markings import Classification, Distribution, Tlp
from council.models import AgendaItem, Decision, Meeting, Procedure, WrittenProcedure
from measures.models import ImpactEvaluation, MeasureType, OptionsNote, ResponseMeasure, StrategicResponseNote

from .cases_support import case_at, case_fields

pytestmark = pytest.mark.django_db
U, R = Classification.UNCLASSIFIED, Classification.RESTREINT_UE
M = "HMK"  # every hidden text starts with it


def build(cast):
    from cases.services import case_open

    eeas = cast["eeas"]
    case = case_at(CaseState.DELIBERATION, cast, classification=U)
    hcase = case_open(
        by=cast["delegate"],
        **case_fields(title=f"{M}case title", summary=f"{M}case summary", tlp=Tlp.RED, distribution=Distribution.RESTRICTED),
    )
    actor = ThreatActor.objects.create(name="Visible Actor", stix_id="intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f1111")
    body = CouncilBody.objects.get(code="COUNCIL")

    def q(text, cls):
        from council.services import question_put

        return question_put(by=cast["chair"], case=case, text=text, voting_rule="unanimity", body=body, classification=cls)

    hq = q(f"{M}question?", R)
    vq = q("Visible question?", U)
    hdec = Decision.objects.create(
        case=case,
        question=hq,
        procedure=Procedure.MEETING,
        adopted=True,
        explanation=f"{M}decision",
        decided_on=datetime.date(2026, 11, 20),
        recorded_by=eeas,
        classification=R,
        tally={"for": 27},
    )
    vdec_on_hq = Decision.objects.create(
        case=case,
        procedure=Procedure.HR_ACT,
        adopted=True,
        explanation="Visible decision",
        decided_on=datetime.date(2026, 11, 21),
        recorded_by=eeas,
        classification=U,
    )
    hmeasure = ResponseMeasure.objects.create(
        case=case,
        measure_type=MeasureType.objects.get(slug="demarche"),
        description=f"{M}measure",
        proposed_by=eeas,
        classification=R,
        actor=actor,
        state="implemented",
        implemented_on=datetime.date(2026, 11, 22),
    )
    vmeasure = ResponseMeasure.objects.create(
        case=case,
        measure_type=MeasureType.objects.get(slug="demarche"),
        description="Visible measure",
        proposed_by=eeas,
        classification=U,
        decision=hdec,
        actor=actor,
    )
    veval = ImpactEvaluation.objects.create(
        case=case, measure=hmeasure, occasion="interval", months_after=3, due_on=datetime.date(2026, 12, 1), classification=U
    )
    heval = ImpactEvaluation.objects.create(
        case=case,
        measure=vmeasure,
        occasion="interval",
        months_after=6,
        due_on=datetime.date(2026, 12, 2),
        classification=R,
        observed_change=f"{M}eval",
    )
    vwp = WrittenProcedure.objects.create(
        case=case,
        question=hq,
        kind=WrittenProcedure.Kind.SILENCE,
        coreu_reference="COREU-VIS",
        deadline=timezone.now() + datetime.timedelta(days=2),
        opened_by=cast["chair"],
        classification=U,
    )
    hwp = WrittenProcedure.objects.create(
        case=case,
        question=vq,
        kind=WrittenProcedure.Kind.SILENCE,
        coreu_reference=f"{M}COREU",
        deadline=timezone.now() + datetime.timedelta(days=3),
        opened_by=cast["chair"],
        classification=R,
    )
    hassess = Assessment.objects.create(
        kind="written",
        source=cast["siac"].organisation,
        originator=cast["siac"].organisation,
        title=f"{M}assessment",
        body=f"{M}assessment body",
        recorded_by=cast["siac"],
        classification=U,
        tlp=Tlp.RED,
        releasable_to_all=True,
        distribution=Distribution.RESTRICTED,
        limite=False,
    )
    hassess.cases.add(case)
    hassess.actors.add(actor)
    vassess = Assessment.objects.create(
        kind="written",
        source=cast["siac"].organisation,
        originator=cast["siac"].organisation,
        title="Visible assessment",
        body="",
        recorded_by=cast["siac"],
        classification=U,
        tlp=Tlp.GREEN,
        releasable_to_all=True,
        distribution=Distribution.HWPCI,
        limite=False,
    )
    vassess.cases.set([case, hcase])
    vassess.actors.add(actor)
    delib = AttributionDeliberation.objects.create(case=case, opened_by=cast["chair"], classification=U, question=hq, decision=hdec)
    delib.attributed_actors.add(actor)
    hclaim = AttributionClaim.objects.create(
        case=case,
        actor=actor,
        basis="industry",
        claim_type="technical",
        confidence="high",
        party="industry",
        industry_source=f"{M}Labs",
        summary=f"{M}claim",
        recorded_by=eeas,
        classification=R,
    )
    vclaim = AttributionClaim.objects.create(
        case=case,
        actor=actor,
        basis="industry",
        claim_type="technical",
        confidence="high",
        party="industry",
        industry_source="Labs",
        summary="Visible claim",
        recorded_by=eeas,
        classification=U,
    )
    vclaim.assessments.add(hassess)
    hstatement = Statement.objects.create(
        case=case, title=f"{M}statement", statement_type="spokesperson", content={"text": f"{M}st"}, drafted_by=eeas, classification=R
    )
    vstatement = Statement.objects.create(
        case=case,
        title="Visible statement",
        statement_type="spokesperson",
        content={"text": "v"},
        drafted_by=eeas,
        classification=U,
        decision=hdec,
        deliberation=delib,
    )
    vplan = CommunicationPlan.objects.create(
        case=case, title="Visible plan", objectives="o", drafted_by=eeas, classification=U, statement=hstatement
    )
    vplan.measures.set([vmeasure, hmeasure])
    hnote = OptionsNote.objects.create(
        case=case, title=f"{M}options note", content={"situation": f"{M}sit"}, drafted_by=eeas, classification=R
    )
    vnote = OptionsNote.objects.create(
        case=case, title="Visible note", content={"situation": "s"}, drafted_by=eeas, classification=U, supersedes=hnote
    )
    hrfi = RequestForInformation.objects.create(
        case=case,
        question=f"{M}rfi",
        addressed_to=Organisation.objects.get(code="EEAS"),
        due_on=datetime.date(2026, 12, 3),
        asked_by=eeas,
        classification=R,
    )
    vrfi = RequestForInformation.objects.create(
        case=case,
        question="Visible rfi",
        addressed_to=Organisation.objects.get(code="SIAC"),
        due_on=datetime.date(2026, 12, 4),
        asked_by=eeas,
        classification=U,
        answer=hassess,
    )
    scores = dict.fromkeys(("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact"), 5)
    ProportionalityAssessment.objects.create(
        case=case, assessed_by=cast["siac"], classification=R, **scores, **{f"{d}_rationale": f"{M}rationale" for d in scores}
    )
    strat = StrategicResponseNote.objects.create(
        actor=actor,
        title="Visible strategic",
        content={},
        drafted_by=eeas,
        classification=U,
        tlp=Tlp.GREEN,
        releasable_to_all=True,
        distribution=Distribution.HWPCI,
        limite=False,
        originator=eeas.organisation,
        approval=hdec,
    )
    meeting = Meeting.objects.create(
        body=body, starts_at=timezone.now() + datetime.timedelta(days=4), title="Visible meeting", created_by=cast["chair"]
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title="Visible item", case=case)
    AgendaItem.objects.create(meeting=meeting, order=2, title=f"{M}agenda item", case=hcase)
    return {
        "case": case,
        "hcase": hcase,
        "actor": actor,
        "vq": vq,
        "hq": hq,
        "hdec": hdec,
        "vdec": vdec_on_hq,
        "vmeasure": vmeasure,
        "hmeasure": hmeasure,
        "veval": veval,
        "heval": heval,
        "vwp": vwp,
        "hwp": hwp,
        "vassess": vassess,
        "hassess": hassess,
        "delib": delib,
        "vclaim": vclaim,
        "hclaim": hclaim,
        "vstatement": vstatement,
        "hstatement": hstatement,
        "vplan": vplan,
        "vnote": vnote,
        "hnote": hnote,
        "vrfi": vrfi,
        "hrfi": hrfi,
        "strat": strat,
        "meeting": meeting,
    }
