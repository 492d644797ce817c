"""A world for the hostile probe of issue 25 (helper-written, kept as the
regression fixtures of tests/test_unseen_probe.py): a case everyone in the
cast sees, unclassified, with RESTREINT UE children (text starting "HMK")
that an uncleared reader may not see, and a TLP:RED case of DE's shared
with nobody."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from attribution.factories import AttributionClaimFactory, AttributionDeliberationFactory, CommunicationPlanFactory, StatementFactory
from awareness.factories import AssessmentFactory, RequestForInformationFactory, ThreatActorFactory
from cases.factories import ProportionalityAssessmentFactory
from cases.models import CaseState
from cdt.directory.models import CouncilBody, Organisation
from cdt.security.markings import Classification, Distribution, Tlp
from council.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, WrittenProcedureFactory
from council.models import Procedure
from measures.factories import ImpactEvaluationFactory, OptionsNoteFactory, ResponseMeasureFactory, StrategicResponseNoteFactory

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
    actor = ThreatActorFactory(name="Visible Actor", stix_id="intrusion-set--6f1d4f1e-2b6a-4c53-9d51-0d1f6a7f1111")
    body = CouncilBody.objects.get(code="COUNCIL")

    def q(text, cls):
        from council.services import question_put

        return question_put(by=cast["chair"], case=case, text=text, voting_rule="unanimity", body=body, classification=cls)

    hq = q(f"{M}question?", R)
    vq = q("Visible question?", U)
    hdec = DecisionFactory(
        case=case,
        question=hq,
        procedure=Procedure.MEETING,
        explanation=f"{M}decision",
        decided_on=datetime.date(2026, 11, 20),
        recorded_by=eeas,
        classification=R,
        tally={"for": 27},
    )
    vdec_on_hq = DecisionFactory(
        case=case, explanation="Visible decision", decided_on=datetime.date(2026, 11, 21), recorded_by=eeas, classification=U
    )
    hmeasure = ResponseMeasureFactory(
        case=case,
        description=f"{M}measure",
        proposed_by=eeas,
        classification=R,
        actors=[actor],
        state="implemented",
        implemented_on=datetime.date(2026, 11, 22),
    )
    vmeasure = ResponseMeasureFactory(
        case=case, description="Visible measure", proposed_by=eeas, classification=U, decision=hdec, actors=[actor]
    )
    veval = ImpactEvaluationFactory(measure=hmeasure, classification=U)
    heval = ImpactEvaluationFactory(
        measure=vmeasure, months_after=6, due_on=datetime.date(2026, 12, 2), classification=R, observed_change=f"{M}eval"
    )
    vwp = WrittenProcedureFactory(
        question=hq,
        coreu_reference="COREU-VIS",
        deadline=timezone.now() + datetime.timedelta(days=2),
        opened_by=cast["chair"],
        classification=U,
    )
    hwp = WrittenProcedureFactory(question=vq, coreu_reference=f"{M}COREU", opened_by=cast["chair"], classification=R)
    hassess = AssessmentFactory(
        source=cast["siac"].organisation,
        title=f"{M}assessment",
        body=f"{M}assessment body",
        recorded_by=cast["siac"],
        classification=U,
        tlp=Tlp.RED,
        distribution=Distribution.RESTRICTED,
        limite=False,
        cases=[case],
        actors=[actor],
    )
    vassess = AssessmentFactory(
        source=cast["siac"].organisation,
        title="Visible assessment",
        body="",
        recorded_by=cast["siac"],
        classification=U,
        tlp=Tlp.GREEN,
        distribution=Distribution.HWPCI,
        limite=False,
        cases=[case, hcase],
        actors=[actor],
    )
    delib = AttributionDeliberationFactory(case=case, opened_by=cast["chair"], classification=U, question=hq, decision=hdec)
    delib.attributed_actors.add(actor)
    hclaim = AttributionClaimFactory(
        case=case, actor=actor, industry_source=f"{M}Labs", summary=f"{M}claim", recorded_by=eeas, classification=R
    )
    vclaim = AttributionClaimFactory(
        case=case, actor=actor, industry_source="Labs", summary="Visible claim", recorded_by=eeas, classification=U
    )
    vclaim.assessments.add(hassess)
    hstatement = StatementFactory(case=case, title=f"{M}statement", content={"text": f"{M}st"}, drafted_by=eeas, classification=R)
    vstatement = StatementFactory(
        case=case,
        title="Visible statement",
        content={"text": "v"},
        drafted_by=eeas,
        classification=U,
        decision=hdec,
        deliberation=delib,
    )
    vplan = CommunicationPlanFactory(
        case=case, title="Visible plan", objectives="o", drafted_by=eeas, classification=U, statement=hstatement
    )
    vplan.measures.set([vmeasure, hmeasure])
    hnote = OptionsNoteFactory(case=case, title=f"{M}options note", content={"situation": f"{M}sit"}, drafted_by=eeas, classification=R)
    vnote = OptionsNoteFactory(
        case=case, title="Visible note", content={"situation": "s"}, drafted_by=eeas, classification=U, supersedes=hnote
    )
    hrfi = RequestForInformationFactory(
        case=case,
        question=f"{M}rfi",
        addressed_to=Organisation.objects.get(code="EEAS"),
        due_on=datetime.date(2026, 12, 3),
        asked_by=eeas,
        classification=R,
    )
    vrfi = RequestForInformationFactory(
        case=case, question="Visible rfi", due_on=datetime.date(2026, 12, 4), asked_by=eeas, classification=U, answer=hassess
    )
    scores = dict.fromkeys(("scope", "scale", "duration", "intensity", "complexity", "sophistication", "impact"), 5)
    ProportionalityAssessmentFactory(
        case=case, assessed_by=cast["siac"], classification=R, **scores, **{f"{d}_rationale": f"{M}rationale" for d in scores}
    )
    strat = StrategicResponseNoteFactory(
        actor=actor,
        title="Visible strategic",
        content={},
        drafted_by=eeas,
        classification=U,
        tlp=Tlp.GREEN,
        distribution=Distribution.HWPCI,
        limite=False,
        approval=hdec,
    )
    meeting = MeetingFactory(body=body, title="Visible meeting", created_by=cast["chair"])
    AgendaItemFactory(meeting=meeting, order=1, title="Visible item", case=case)
    AgendaItemFactory(meeting=meeting, order=2, title=f"{M}agenda item", case=hcase)
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
