"""Demo attribution, taken through the real services: on the wiper case, four
claims on different bases, the considerations assessed and commented, the
question decided unanimously, a public attribution with partners, the HR
declaration (two versions, a comment) published with third countries
aligning, and the communication plan."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cdt.directory.models import MemberState, Organisation
from council import services as council
from council.models import PositionValue
from drafting import services as drafts

from . import services
from .choices import Basis, ClaimType, Confidence, Rating

RATINGS = {
    1: (Rating.SUPPORTS, "Signal that destructive attacks on essential services have consequences; deter repetition."),
    2: (Rating.SUPPORTS, "Protects the energy sector of the Union and the citizens who depend on it."),
    3: (Rating.SUPPORTS, "Germany and Poland ask for solidarity; 25 delegations have expressed support."),
    4: (Rating.SUPPORTS, "The activity breaches the UN norm on critical infrastructure (norm 13(f))."),
    5: (Rating.NEUTRAL, "The actor is unlikely to change course after one statement; a listing may follow."),
    6: (Rating.NEUTRAL, "Law enforcement has completed its evidence collection; no ongoing operation is affected."),
    7: (Rating.AGAINST, "Moderate risk of retaliatory activity against the Member States concerned."),
    8: (Rating.NEUTRAL, "Limited consequences for bilateral relations, already strained."),
    9: (Rating.SUPPORTS, "Silence would risk a bystander effect after a destructive attack."),
    10: (Rating.SUPPORTS, "Consistent with the EU's public attributions since 2020."),
}

DECLARATION = [
    "The European Union and its Member States strongly condemn the destructive cyber attack that disabled systems of two "
    "electricity transmission system operators in the Union in early October 2026.",
    "This malicious cyber activity, conducted by the actor known as Grey Tempest, endangered the supply of an essential service "
    "to millions of citizens. It runs counter to the norms of responsible State behaviour in cyberspace endorsed by all UN Member States.",
    "The European Union will continue to use all the tools of its cyber diplomacy toolbox to prevent, discourage, deter and "
    "respond to such behaviour, together with its international partners.",
]


def demo_attribution(case, users, chair) -> None:
    actor = case.suspected_actors.first()
    if actor is None or case.attribution_claims.exists():
        return
    eeas, siac = users["eeas-drafter"], users["siac-analyst"]
    services.claim_record(
        by=siac,
        case=case,
        actor=actor,
        basis=Basis.TECHNICAL,
        claim_type=ClaimType.TECHNICAL,
        confidence=Confidence.HIGH,
        assessments=list(case.assessments.all()),
        summary="Malware, infrastructure and tradecraft match earlier Grey Tempest operations.",
    )
    services.claim_record(
        by=users["delegate-de"],
        case=case,
        actor=actor,
        basis=Basis.NATIONAL,
        claim_type=ClaimType.POLITICAL,
        confidence=Confidence.HIGH,
        member_state=MemberState.objects.get(code="DE"),
        public=True,
        made_on=datetime.date(2026, 10, 20),
        reference="Statement of the Federal Foreign Office, 20 October 2026",
    )
    services.claim_record(
        by=eeas,
        case=case,
        actor=actor,
        basis=Basis.PARTNER,
        claim_type=ClaimType.POLITICAL,
        confidence=Confidence.HIGH,
        partner=Organisation.objects.get(code="GB"),
        public=True,
        made_on=datetime.date(2026, 10, 28),
    )
    services.claim_record(
        by=eeas,
        case=case,
        actor=actor,
        basis=Basis.INDUSTRY,
        claim_type=ClaimType.TECHNICAL,
        confidence=Confidence.MODERATE,
        industry_source="A European security vendor",
        public=True,
        made_on=datetime.date(2026, 10, 9),
    )
    deliberation = services.deliberation_open(
        by=chair,
        case=case,
        options_considered=["no_attribution", "private_communication", "public_declaration", "with_partners"],
        recommended_option="with_partners",
    )
    for number, (rating, text) in RATINGS.items():
        services.consideration_assess(by=eeas, deliberation=deliberation, number=number, assessment=text, rating=rating)
    services.consideration_comment(
        by=users["delegate-fr"],
        deliberation=deliberation,
        number=7,
        text="France asks that the Member States concerned are consulted on protective measures first.",
    )
    services.consideration_comment(
        by=users["delegate-ee"], deliberation=deliberation, number=3, text="Estonia stands with Germany and Poland."
    )
    deliberation = services.deliberation_refer(by=chair, deliberation=deliberation)
    for state in MemberState.objects.current():
        own = next((u for u in users.values() if u.member_state is not None and u.member_state.pk == state.pk), None)
        council.position_set(by=own or chair, question=deliberation.question, member_state=state, value=PositionValue.SUPPORT)
    council.decision_record(by=chair, question=deliberation.question)  # decided the day the question is put (the demo's today)
    deliberation = services.deliberation_conclude(
        by=chair,
        deliberation=deliberation,
        outcome="with_partners",
        actors=[actor],
        partners=list(Organisation.objects.filter(code__in=["GB", "US", "CA"])),
        summary="Coordinated political attribution at EU level, by a declaration of the High Representative on behalf of the EU, "
        "published with the United Kingdom, the United States and Canada.",
    )
    statement = services.statement_create(
        by=eeas,
        case=case,
        deliberation=deliberation,
        statement_type="hr_declaration",
        title="Declaration by the High Representative on behalf of the EU on the cyber attack against electricity operators",
        content={"text": "\n\n".join(DECLARATION).replace("strongly condemn", "condemn")},
    )
    statement = drafts.note_save(by=eeas, note=statement, title=statement.title, content={"text": "\n\n".join(DECLARATION)})
    statement = drafts.note_transition(by=eeas, note=statement, transition="circulate")
    drafts.note_comment(
        by=users["delegate-de"], note=statement, anchor="para-2", text="Germany would name the norm on critical infrastructure explicitly."
    )
    statement = drafts.note_transition(by=eeas, note=statement, transition="submit")
    statement = drafts.note_transition(
        by=eeas, note=statement, transition="publish", decision=deliberation.decision, on=timezone.localdate()
    )
    for code in ("AL", "BA", "GE", "MD", "ME", "MK", "UA", "IS", "LI", "NO"):
        services.alignment_record(
            by=eeas, statement=statement, country=Organisation.objects.get(code=code), aligned_on=timezone.localdate()
        )
    plan = services.plan_create(
        by=eeas,
        case=case,
        statement=statement,
        title="Strategic communication: attribution of the GRIDLOCK attack",
        objectives="Make the attribution known; reassure the public on the resilience of the grid; deter repetition.",
        audiences=["General public in the Union", "Energy operators", "Third countries' governments"],
        channels=["statement", "press_release", "social_media", "factsheet"],
        timing="Declaration at 10:00 Brussels time on 18 November, partners' statements at the same hour.",
        embargo_until=datetime.datetime(2026, 11, 18, 9, 0, tzinfo=datetime.UTC),
        lines_to_take="The EU and its Member States stand united.\nAttacks on essential services are unacceptable.",
        eu_delegations=["EU Delegation to the United States", "EU Delegation to the United Kingdom", "EU Delegation to Canada"],
        partner_coordination="Simultaneous publication with the United Kingdom, the United States and Canada.",
        partners=list(Organisation.objects.filter(code__in=["GB", "US", "CA"])),
    )
    for code in ("DE", "EE"):
        services.plan_commit(by=users[f"delegate-{code.lower()}"], plan=plan, member_state=MemberState.objects.get(code=code))
    plan = services.plan_transition(by=chair, plan=plan, transition="agree")
    services.plan_transition(by=eeas, plan=plan, transition="execute")
