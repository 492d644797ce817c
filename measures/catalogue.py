"""The catalogue as seeded: every measure the 2017 Council conclusions and
the 2023 revised implementing guidelines name (Council conclusions 2017,
para 5; revised implementing guidelines 2023, paras 7, 9, 12, 14, 16 and
41). The secretariat edits it in the console; seeding only creates missing
entries, so edits survive a re-run.

Escalation levels follow para 16's gradual approach: awareness raising,
dialogue and confidence building first (1), statements and requests (2–3),
coordinated actions and suspensions (5–6), listings (8), sectoral sanctions
(10). Attribution: measures that name or target a responsible actor need
attribution to it (paras 26–27); the others do not.

The last entries are the Toolbox's own practice since 2017, so that every
act the EU took with it can be recorded (issue 27): the EEAS spokesperson's
statements, the joint statements of the Presidents of the European Council
and of the Commission with the HR, statements of solidarity with a partner
and offers of support to it, and the life of the cyber sanctions regime
itself (established in 2019, prolonged, amended) and of its listings
(renewed). Acts towards a partner that press no actor sit at the bottom of
the ladder; acts on the regime itself at its level (7), a renewal of
listings at the listing's (8).
"""

from __future__ import annotations

from .catalogue_fr import catalogue_french_fill

UNANIMITY = "unanimity"
CFSP = "Art. 29 TEU (Council decision), Art. 215 TFEU (regulation)"
REGIME = "Council Decision (CFSP) 2019/797 and Council Regulation (EU) 2019/796"
#: The name the regime's amendment entry was first seeded with; migration 0008 renames it if unedited.
AMEND_SEEDED_NAME = "Amending or extending the cyber sanctions regime"

CATALOGUE: list[dict] = [
    {
        "slug": "awareness-raising",
        "name": "Awareness raising",
        "escalation_level": 1,
        "description": "Raising awareness of the activity and of the framework for responsible State behaviour with the State concerned and third countries.",
        "forms": ["diplomatic", "strategic_communication"],
        "effects": ["preventive", "normative"],
        "leads": ["eeas", "member_states"],
        "source": "Guidelines para 16",
    },
    {
        "slug": "dialogue",
        "name": "Dialogue",
        "escalation_level": 1,
        "description": "Cyber dialogues and political dialogues in which the activity is raised.",
        "forms": ["diplomatic"],
        "effects": ["preventive", "cooperative", "stabilising"],
        "leads": ["eeas", "hr"],
        "source": "Guidelines para 16",
    },
    {
        "slug": "confidence-building",
        "name": "Confidence-building measures (OSCE CBMs)",
        "escalation_level": 1,
        "description": "Use of the OSCE cyber confidence-building measures (points of contact, consultations) to reduce the risk of misperception and escalation.",
        "forms": ["diplomatic", "technical"],
        "effects": ["preventive", "stabilising", "cooperative"],
        "leads": ["member_states", "eeas"],
        "source": "Guidelines para 16",
    },
    {
        "slug": "capacity-building",
        "name": "Targeted cyber capacity building in third countries",
        "escalation_level": 1,
        "description": "Capacity building to help a third country meet its due-diligence expectations and resist malicious activity.",
        "forms": ["technical", "operational"],
        "effects": ["preventive", "supportive", "cooperative"],
        "leads": ["commission", "member_states"],
        "source": "Guidelines section 3",
    },
    {
        "slug": "training-exercises",
        "name": "Training and exercises",
        "escalation_level": 1,
        "description": "Training and exercises, including the annual CDT exercise and EU CyCLES, to prepare responses.",
        "forms": ["operational"],
        "effects": ["preventive", "supportive"],
        "leads": ["eeas", "member_states"],
        "source": "Guidelines paras 14, 41",
    },
    {
        "slug": "advisories",
        "name": "Publication of advisories",
        "escalation_level": 2,
        "public_by_default": True,
        "description": "Technical or public advisories on the activity, its techniques and mitigations.",
        "forms": ["technical", "strategic_communication"],
        "effects": ["mitigative", "preventive"],
        "leads": ["commission", "member_states"],
        "source": "Guidelines section 3",
    },
    {
        "slug": "demarche",
        "name": "Démarche",
        "escalation_level": 2,
        "description": "A démarche by the EU Delegation or the High Representative to the State concerned.",
        "forms": ["diplomatic"],
        "effects": ["preventive", "stabilising"],
        "leads": ["hr", "eeas"],
        "source": "Guidelines para 16",
    },
    {
        "slug": "due-diligence-request",
        "name": "Request to take measures against activity from its territory",
        "escalation_level": 2,
        "description": "Asking a State whose territory is used to take reasonable measures against the activity (due diligence, para 12); it does not attribute the activity to that State.",
        "forms": ["diplomatic"],
        "effects": ["preventive", "cooperative"],
        "leads": ["hr", "eeas", "member_states"],
        "source": "Guidelines para 12",
    },
    {
        "slug": "rapid-response-assistance",
        "name": "Rapid response and mutual assistance",
        "escalation_level": 2,
        "description": "Rapid response and mutual technical assistance among Member States and with EU bodies.",
        "forms": ["technical", "operational"],
        "effects": ["mitigative", "supportive"],
        "leads": ["member_states", "commission"],
        "source": "Guidelines section 3",
    },
    {
        "slug": "global-partnerships",
        "name": "Building global partnerships in view of diplomatic responses",
        "escalation_level": 2,
        "description": "Working with like-minded partners and international organisations to prepare joint or aligned responses.",
        "forms": ["diplomatic", "political"],
        "effects": ["cooperative", "normative"],
        "leads": ["eeas", "member_states"],
        "source": "Guidelines section 3",
    },
    {
        "slug": "hr-statement",
        "name": "Statement by the High Representative on behalf of the EU",
        "escalation_level": 3,
        "public_by_default": True,
        "description": "A statement by the HR on behalf of the EU expressing concern or condemning the activity.",
        "forms": ["political", "diplomatic", "strategic_communication"],
        "effects": ["normative", "preventive"],
        "leads": ["hr"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": "Art. 31(1) TEU",
        "source": "2017 conclusions; guidelines section 3",
    },
    {
        "slug": "council-conclusions",
        "name": "Council conclusions",
        "escalation_level": 3,
        "public_by_default": True,
        "description": "Council conclusions on the activity or on the EU's posture.",
        "forms": ["political"],
        "effects": ["normative"],
        "leads": ["council"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "source": "2017 conclusions; guidelines section 3",
    },
    {
        "slug": "declaration",
        "name": "Declaration",
        "escalation_level": 3,
        "public_by_default": True,
        "description": "A declaration (by the HR on behalf of the EU, or by Member States) on the activity.",
        "forms": ["political", "strategic_communication"],
        "effects": ["normative"],
        "leads": ["hr", "member_states"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "source": "Guidelines section 3",
    },
    {
        "slug": "support-lawful-responses",
        "name": "EU support to Member States' lawful responses",
        "escalation_level": 4,
        "description": "Support to a Member State's lawful response, e.g. under Art. 42(7) TEU.",
        "forms": ["political", "operational"],
        "effects": ["supportive"],
        "leads": ["council", "member_states"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": "Art. 42(7) TEU",
        "source": "2017 conclusions; guidelines section 3",
    },
    {
        "slug": "counter-intelligence",
        "name": "Coordinated action against malicious foreign intelligence activities",
        "escalation_level": 5,
        "attribution": "state",
        "description": "Coordinated action by Member States to counter malicious foreign intelligence activities.",
        "forms": ["operational", "diplomatic"],
        "effects": ["restrictive", "preventive"],
        "leads": ["member_states"],
        "source": "Guidelines section 3",
    },
    {
        "slug": "suspend-engagements",
        "name": "Suspension or cancellation of engagements or dialogues",
        "escalation_level": 6,
        "attribution": "state",
        "description": "Suspending or cancelling high-level engagements or dialogues with the State concerned.",
        "forms": ["diplomatic", "political"],
        "effects": ["restrictive"],
        "leads": ["eeas", "hr", "member_states"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "source": "Guidelines section 3",
    },
    {
        "slug": "amend-sanctions-regime",
        "name": "Amending the cyber sanctions regime",
        "escalation_level": 7,
        "description": "Amending Decision (CFSP) 2019/797 and Regulation (EU) 2019/796: the criteria, the scope or the procedures of the regime (its prolongation is an entry of its own).",
        "forms": ["legal"],
        "effects": ["restrictive", "normative"],
        "leads": ["council", "eeas", "commission"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": CFSP,
        "source": "Guidelines section 3",
    },
    {
        "slug": "cyber-sanctions-listing",
        "name": "Restrictive measures: listing under the cyber sanctions regime",
        "escalation_level": 8,
        "attribution": "actor",
        "restrictive": True,
        "public_by_default": True,
        "description": "Listing natural or legal persons, entities or bodies responsible for cyber-attacks: asset freeze and, for natural persons, travel ban (Decision (CFSP) 2019/797, Regulation (EU) 2019/796).",
        "forms": ["legal", "economic"],
        "effects": ["restrictive"],
        "leads": ["council", "eeas", "commission"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": CFSP,
        "source": "2017 conclusions; guidelines section 3",
    },
    {
        "slug": "sectoral-sanctions",
        "name": "Sectoral sanctions (exploring)",
        "escalation_level": 10,
        "attribution": "state",
        "restrictive": True,
        "public_by_default": True,
        "description": "Exploring restrictive measures against sectors of the economy of the State responsible.",
        "forms": ["legal", "economic"],
        "effects": ["restrictive"],
        "leads": ["council", "eeas", "commission"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": CFSP,
        "source": "Guidelines section 3",
    },
    # --- The Toolbox's practice since 2017 (issue 27) ---
    {
        "slug": "eeas-spokesperson-statement",
        "name": "Statement by the EEAS spokesperson",
        "escalation_level": 2,
        "public_by_default": True,
        "description": "A statement by the spokesperson of the EEAS on the activity: the EEAS's own word, without a Council decision.",
        "forms": ["strategic_communication", "diplomatic"],
        "effects": ["normative", "preventive"],
        "leads": ["eeas"],
        "source": "EU practice since 2017",
    },
    {
        "slug": "presidents-joint-statement",
        "name": "Joint statement by the Presidents of the European Council and of the Commission with the High Representative",
        "escalation_level": 3,
        "public_by_default": True,
        "description": "A joint statement by the President of the European Council, the President of the Commission and the High Representative on the activity.",
        "forms": ["political", "strategic_communication"],
        "effects": ["normative", "preventive"],
        "leads": ["european_council", "commission", "hr"],
        "source": "EU practice since 2017",
    },
    {
        "slug": "solidarity-statement",
        "name": "Declaration or statement of solidarity with a partner",
        "escalation_level": 2,
        "public_by_default": True,
        "description": "Solidarity with a Member State or a partner country hit by the activity: a declaration by the High Representative on behalf of the EU, or Council conclusions.",
        "forms": ["political", "diplomatic", "strategic_communication"],
        "effects": ["supportive", "cooperative", "normative"],
        "leads": ["hr", "council"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": "Art. 31(1) TEU",
        "source": "EU practice since 2017",
    },
    {
        "slug": "partner-support-offer",
        "name": "Offer of technical or resilience support to a partner",
        "escalation_level": 1,
        "description": "Offering a partner hit by the activity technical help to respond and recover, and support to its resilience.",
        "forms": ["technical", "operational"],
        "effects": ["supportive", "mitigative", "cooperative"],
        "leads": ["commission", "eeas", "member_states"],
        "source": "EU practice since 2017",
    },
    {
        "slug": "sanctions-regime-establishment",
        "name": "Establishing the cyber sanctions regime",
        "escalation_level": 7,
        "description": f"Establishing the framework for restrictive measures against cyber-attacks threatening the Union or its Member States: {REGIME} (17 May 2019).",
        "forms": ["legal"],
        "effects": ["normative", "preventive"],
        "leads": ["council", "eeas", "commission"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": CFSP,
        "source": REGIME,
    },
    {
        "slug": "sanctions-regime-prolongation",
        "name": "Prolonging the cyber sanctions regime",
        "escalation_level": 7,
        "description": f"Extending the period the framework applies ({REGIME}) by a Council decision amending it.",
        "forms": ["legal"],
        "effects": ["normative", "preventive"],
        "leads": ["council", "eeas", "commission"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": CFSP,
        "source": REGIME,
    },
    {
        "slug": "listing-renewal",
        "name": "Renewing listings under the cyber sanctions regime",
        "escalation_level": 8,
        "attribution": "actor",
        "restrictive": True,
        "public_by_default": True,
        "description": "Prolonging the listing of persons, entities and bodies under the cyber sanctions regime after its review, with the renewed listing and its next renewal date.",
        "forms": ["legal", "economic"],
        "effects": ["restrictive"],
        "leads": ["council", "eeas", "commission"],
        "deciding_body": "COUNCIL",
        "voting_rule": UNANIMITY,
        "legal_basis": CFSP,
        "source": REGIME,
    },
]


def catalogue_entry(slug: str) -> dict:
    """The seeded entry of that code."""
    return next(entry for entry in CATALOGUE if entry["slug"] == slug)


def catalogue_ensure(apps) -> int:
    """Create the catalogue entries that are missing (by code); never
    overwrite the secretariat's edits. Returns how many were created."""
    MeasureType = apps.get_model("measures", "MeasureType")
    CouncilBody = apps.get_model("directory", "CouncilBody")
    existing = set(MeasureType.objects.values_list("slug", flat=True))
    created = 0
    for entry in CATALOGUE:
        if entry["slug"] in existing:
            continue
        fields = {key: value for key, value in entry.items() if key != "deciding_body"}
        body = CouncilBody.objects.filter(code=entry.get("deciding_body")).first() if entry.get("deciding_body") else None
        MeasureType.objects.create(deciding_body=body, **fields)
        created += 1
    catalogue_french_fill(apps)
    return created
