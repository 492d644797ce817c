"""The catalogue's French names, descriptions and legal bases (decision 0030), beside
the English ones of :mod:`measures.catalogue`, in the vocabulary of the
French texts of the 2017 Council conclusions and the 2023 revised
implementing guidelines. :func:`catalogue_french_fill` writes them into
entries whose French twin is still empty, and only those: the
secretariat's own wording is never overwritten."""

from __future__ import annotations

NBSP = "\u00a0"
REGIME_FR = "décision (PESC) 2019/797 du Conseil et règlement (UE) 2019/796 du Conseil"

#: slug → (French name, French description)
CATALOGUE_FR: dict[str, tuple[str, str]] = {
    "awareness-raising": (
        "Sensibilisation",
        "Sensibilisation de l'État concerné et des pays tiers à l'activité et au cadre pour un comportement responsable des États.",
    ),
    "dialogue": ("Dialogue", "Dialogues sur le cyberespace et dialogues politiques au cours desquels l'activité est évoquée."),
    "confidence-building": (
        "Mesures de confiance (MDC de l'OSCE)",
        "Recours aux mesures de confiance de l'OSCE dans le cyberespace (points de contact, consultations) pour réduire "
        "les risques de perception erronée et d'escalade.",
    ),
    "capacity-building": (
        "Renforcement ciblé des capacités cyber dans les pays tiers",
        "Renforcement des capacités pour aider un pays tiers à satisfaire aux attentes de diligence requise et à résister aux activités malveillantes.",
    ),
    "training-exercises": (
        "Formations et exercices",
        "Formations et exercices, dont l'exercice annuel de la boîte à outils cyberdiplomatique et EU CyCLES, pour préparer les réponses.",
    ),
    "advisories": (
        "Publication d'avis",
        "Avis techniques ou publics sur l'activité, ses techniques et les mesures d'atténuation.",
    ),
    "demarche": ("Démarche", "Une démarche de la délégation de l'UE ou du haut représentant auprès de l'État concerné."),
    "due-diligence-request": (
        "Demande de prendre des mesures contre l'activité menée depuis son territoire",
        "Demander à un État dont le territoire est utilisé de prendre des mesures raisonnables contre l'activité "
        "(diligence requise, point 12)\u202f; cette demande n'attribue pas l'activité à cet État.",
    ),
    "rapid-response-assistance": (
        "Réaction rapide et assistance mutuelle",
        "Réaction rapide et assistance technique mutuelle entre les États membres et avec les organes de l'UE.",
    ),
    "global-partnerships": (
        "Création de partenariats mondiaux en vue de réponses diplomatiques",
        "Travailler avec des partenaires partageant les mêmes valeurs et des organisations internationales pour préparer "
        "des réponses conjointes ou alignées.",
    ),
    "hr-statement": (
        "Déclaration du haut représentant au nom de l'UE",
        "Une déclaration du haut représentant au nom de l'UE exprimant sa préoccupation ou condamnant l'activité.",
    ),
    "council-conclusions": ("Conclusions du Conseil", "Conclusions du Conseil sur l'activité ou sur la position de l'UE."),
    "declaration": (
        "Déclaration",
        "Une déclaration (du haut représentant au nom de l'UE, ou des États membres) sur l'activité.",
    ),
    "support-lawful-responses": (
        "Soutien de l'UE aux réponses licites des États membres",
        "Soutien à la réponse licite d'un État membre, par exemple au titre de l'article 42, paragraphe 7, du TUE.",
    ),
    "counter-intelligence": (
        "Action coordonnée contre les activités de renseignement étrangères malveillantes",
        "Action coordonnée des États membres pour contrer les activités de renseignement étrangères malveillantes.",
    ),
    "suspend-engagements": (
        "Suspension ou annulation d'engagements ou de dialogues",
        "Suspendre ou annuler des rencontres ou des dialogues à haut niveau avec l'État concerné.",
    ),
    "amend-sanctions-regime": (
        "Modification du régime de sanctions dans le domaine cyber",
        "Modification de la décision (PESC) 2019/797 et du règlement (UE) 2019/796\u202f: les critères, le champ "
        "d'application ou les procédures du régime (sa prorogation fait l'objet d'une entrée distincte).",
    ),
    "cyber-sanctions-listing": (
        "Mesures restrictives\u202f: inscription sur la liste au titre du régime de sanctions dans le domaine cyber",
        "Inscription sur la liste de personnes physiques ou morales, d'entités ou d'organismes responsables de cyberattaques\u202f: "
        "gel des avoirs et, pour les personnes physiques, interdiction de voyager (décision (PESC) 2019/797, règlement (UE) 2019/796).",
    ),
    "sectoral-sanctions": (
        "Sanctions sectorielles (exploration)",
        "Examen de mesures restrictives visant des secteurs de l'économie de l'État responsable.",
    ),
    "eeas-spokesperson-statement": (
        "Déclaration du porte-parole du SEAE",
        "Une déclaration du porte-parole du SEAE sur l'activité\u202f: la parole du SEAE lui-même, sans décision du Conseil.",
    ),
    "presidents-joint-statement": (
        "Déclaration commune des présidents du Conseil européen et de la Commission avec le haut représentant",
        "Une déclaration commune du président du Conseil européen, de la présidente de la Commission et du haut représentant sur l'activité.",
    ),
    "solidarity-statement": (
        "Déclaration de solidarité avec un partenaire",
        "Solidarité avec un État membre ou un pays partenaire touché par l'activité\u202f: une déclaration du haut "
        "représentant au nom de l'UE, ou des conclusions du Conseil.",
    ),
    "partner-support-offer": (
        "Offre de soutien technique ou de résilience à un partenaire",
        "Offrir à un partenaire touché par l'activité une aide technique pour réagir et se rétablir, et un soutien à sa résilience.",
    ),
    "sanctions-regime-establishment": (
        "Établissement du régime de sanctions dans le domaine cyber",
        "Établissement du cadre de mesures restrictives contre les cyberattaques qui menacent l'Union ou ses États membres\u202f: "
        f"{REGIME_FR} (17{NBSP}mai{NBSP}2019).",
    ),
    "sanctions-regime-prolongation": (
        "Prorogation du régime de sanctions dans le domaine cyber",
        f"Prolongation de la période d'application du cadre ({REGIME_FR}) par une décision du Conseil le modifiant.",
    ),
    "listing-renewal": (
        "Renouvellement des inscriptions au titre du régime de sanctions dans le domaine cyber",
        "Prorogation de l'inscription de personnes, d'entités et d'organismes au titre du régime de sanctions dans le domaine "
        "cyber après son réexamen, avec la liste renouvelée et sa prochaine date de renouvellement.",
    ),
}


#: The legal bases as French texts cite them, by their English citation.
LEGAL_BASES_FR: dict[str, str] = {
    "Art. 42(7) TEU": "article 42, paragraphe 7, du TUE",
    "Art. 31(1) TEU": "article 31, paragraphe 1, du TUE",
    "Art. 29 TEU (Council decision), Art. 215 TFEU (regulation)": "article 29 du TUE (décision du Conseil), article 215 du TFUE (règlement)",
}


def catalogue_french_fill(apps) -> int:
    """Write the French name and description into the entries whose French
    twins are empty; returns how many changed. A no-op before the twin
    columns exist in a migration's state."""
    MeasureType = apps.get_model("measures", "MeasureType")
    if "name_fr" not in {field.name for field in MeasureType._meta.get_fields()}:
        return 0
    changed = 0
    for entry in MeasureType.objects.filter(slug__in=CATALOGUE_FR):
        name, description = CATALOGUE_FR[entry.slug]
        french = {"name_fr": name, "description_fr": description, "legal_basis_fr": LEGAL_BASES_FR.get(entry.legal_basis, "")}
        fields = [field for field, value in french.items() if value and not getattr(entry, field)]
        for field in fields:
            setattr(entry, field, french[field])
        if fields:
            entry.save(update_fields=fields)
            changed += 1
    return changed
