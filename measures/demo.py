"""Demo measures, taken through the real services while the demo cases walk
the process: proposals selected for decision, agreed, implemented, with
impact evaluations falling due."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from awareness.models import ThreatActor
from cdt.directory.models import Organisation
from cdt.security.markings import Classification, Tlp
from drafting import services as drafts

from . import services
from .models import MeasureType


def demo_measures_select(case, users, chair, *, on: datetime.date | None = None) -> None:
    """Before "refer for decision": the EEAS proposes, the chair selects
    (on the day ``on``, today by default). A case with a suspected actor
    gets a listing proposal, above what its proportionality supports, which
    the chair overrides with a reason."""
    actor = case.suspected_actors.first()
    if actor is not None:
        measure = services.measure_propose(
            by=users["eeas-drafter"],
            case=case,
            measure_type=MeasureType.objects.get(slug="cyber-sanctions-listing"),
            actors=[actor],
            description=f"Listing of persons and an entity responsible for the activity attributed to {actor.name}.",
            rationale="Repeated espionage against foreign ministries; earlier démarches had no effect.",
            proposed_on=on,
        )
        if measure.escalation_warning:
            services.measure_override_escalation(
                by=chair, measure=measure, justification="Third campaign by the same actor since 2024; gradual steps exhausted."
            )
        services.measure_transition(by=chair, measure=measure, transition="select", on=on)
        return
    for slug, text in (
        ("demarche", "Démarches by the EU Delegations to the States whose territory was used."),
        ("hr-statement", "Statement by the High Representative on behalf of the EU on ransomware against hospitals."),
    ):
        measure = services.measure_propose(
            by=users["eeas-drafter"], case=case, measure_type=MeasureType.objects.get(slug=slug), description=text, proposed_on=on
        )
        if measure.escalation_warning:
            services.measure_override_escalation(
                by=chair, measure=measure, justification="Attacks on hospitals endanger lives: a public statement is proportionate."
            )
        services.measure_transition(by=chair, measure=measure, transition="select", on=on)


def demo_measures_implement(case, users, chair, *, on: datetime.date | None = None) -> None:
    """After "implement" (on the day ``on``): the selected measures are
    agreed with the adopted decision and carried out, finished on the day
    that makes their first impact evaluation fall due in ten days, so the
    EEAS's dashboard has one to do whenever the demo is loaded."""
    decision = case.decisions.filter(adopted=True).first()
    eeas = Organisation.objects.get(code="EEAS")
    today = timezone.localdate()
    started = on or today
    first_review = relativedelta(months=min(settings.CDT_EVALUATION_MONTHS))
    done_on = min(max(today + datetime.timedelta(days=10) - first_review, started), today)  # steps are entered in order
    for measure in case.measures.filter(state="selected"):
        services.measure_transition(by=chair, measure=measure, transition="agree", decision=decision, on=started)
        services.measure_transition(
            by=users["eeas-drafter"], measure=measure, transition="start_implementation", implementing_actor=eeas, on=started
        )
        services.measure_transition(by=users["eeas-drafter"], measure=measure, transition="complete", on=done_on)


def demo_options_note(case, users) -> None:
    """Before "open deliberations": the EEAS's options note. On the first
    demo case it has two versions and delegates' comments, so the version
    comparison and the comments have something to show."""
    from .models import OptionsNote

    eeas = users["eeas-drafter"]
    first = not OptionsNote.objects.exists()
    content = {
        "situation": f"{case.summary} SIAC's assessment is linked to the case.",
        "assessment_refs": list(case.assessments.values_list("pk", flat=True)[:3]),
        "options": [
            {
                "measure_type": "demarche",
                "rationale": "Raise the activity with the State whose territory was used.",
                "expected_effect": "The State takes measures against the activity.",
                "risks": "Denial; low escalation risk.",
                "legal": "No legal act needed.",
                "communication": "Private.",
                "attribution_needed": False,
                "proportionality": "Within what the assessment supports.",
            },
            {
                "measure_type": "hr-statement",
                "rationale": "Show unity and signal that the activity is unacceptable.",
                "expected_effect": "Deterrence; reassurance of the affected operators.",
                "risks": "Counter-narrative by the State concerned.",
                "legal": "Council agreement (unanimity).",
                "communication": "Public, amplified by Member States.",
                "attribution_needed": False,
                "proportionality": "Proportionate to the disruption of an essential service.",
            },
        ],
        "recommendation": "Option 1 now; option 2 if the activity continues.",
    }
    note = services.options_note_create(by=eeas, case=case, title=f"Options note: {case.title}", content=content)
    if first:
        content["recommendation"] = "Options 1 and 2 together: the activity has continued since the first draft."
        note = drafts.note_save(by=eeas, note=note, title=note.title, content=content)
        note = drafts.note_transition(by=eeas, note=note, transition="circulate")
        drafts.note_comment(
            by=users["delegate-de"],
            note=note,
            anchor="option-2",
            text="Germany supports a statement, provided it names the sector affected.",
        )
        drafts.note_comment(
            by=users["delegate-fr"],
            note=note,
            anchor="recommendation",
            text="France would prefer to keep option 2 in reserve for two weeks.",
        )
    drafts.note_transition(by=eeas, note=note, transition="submit")


def demo_strategic_note(users) -> None:
    """The strategic response note on the persistent actor Silent Quill."""
    from .models import StrategicResponseNote

    actor = ThreatActor.objects.filter(name="Silent Quill").first()
    if actor is None or StrategicResponseNote.objects.filter(actor=actor).exists():
        return
    note = services.strategic_note_create(
        by=users["eeas-drafter"],
        actor=actor,
        title="Strategic response note: Silent Quill",
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        review_on=datetime.date(2027, 3, 1),
        content={
            "short_term_effects": "Disrupt the campaign against foreign ministries; raise its cost.",
            "long_term_objectives": "Change the sponsoring State's calculus; reinforce the UN framework of responsible State behaviour.",
            "risk_assessment": "Moderate risk of counter-response against EU diplomatic networks.",
            "risk_scenarios": "1. Retaliatory leaks. 2. Shift to partner countries' ministries.",
            "geographic_strategy": "Consistent with the EU's strategy towards the region concerned.",
            "actor_perspective": "Intelligence collection on EU positions before negotiations.",
            "measures": [
                {"measure_type": "demarche", "mode": "sequence", "trigger": "Now.", "escalation_level": 2},
                {
                    "measure_type": "hr-statement",
                    "mode": "sequence",
                    "trigger": "If the activity continues after the démarche.",
                    "escalation_level": 3,
                },
                {
                    "measure_type": "cyber-sanctions-listing",
                    "mode": "sequence",
                    "trigger": "If a further campaign is detected.",
                    "escalation_level": 8,
                },
                {"measure_type": "advisories", "mode": "parallel", "trigger": "Throughout.", "escalation_level": 2},
            ],
            "monitoring_indicators": "New intrusions reported by CERT-EU; SIAC assessments of intent.",
        },
    )
    note = drafts.note_transition(by=users["eeas-drafter"], note=note, transition="circulate")
    drafts.note_comment(by=users["delegate-ee"], note=note, anchor="measure-3", text="Estonia supports listing as the third step.")
    drafts.note_transition(by=users["eeas-drafter"], note=note, transition="submit")
