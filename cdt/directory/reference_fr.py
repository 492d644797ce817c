"""The reference data's French names (decision 0030), beside the English
ones of :mod:`cdt.directory.reference` (Member States: the ``name_fr``
columns of ``member_states.csv``).

The names are those of the Council's and the Union's French texts (the
Interinstitutional Style Guide's list of countries; the Council's list of
preparatory bodies). :func:`french_names_fill` writes them into rows whose
French twin is still empty, and only those: a name the secretariat has
entered or corrected is never overwritten.
"""

from __future__ import annotations

NBSP = "\u00a0"


def quoted(text: str) -> str:
    """French quotation marks with their non-breaking spaces."""
    return f"«{NBSP}{text}{NBSP}»"


#: code → (French name, French acronym where French texts use another one)
COUNCIL_BODIES_FR: dict[str, tuple[str, str]] = {
    "COUNCIL": ("Conseil de l'Union européenne", "Conseil"),
    "COREPER": ("Comité des représentants permanents (Coreper II)", "Coreper"),
    "PSC": ("Comité politique et de sécurité", "COPS"),
    "HWPCI": (f"Groupe horizontal {quoted('Questions cyber')}", ""),
    "RELEX": ("Groupe des conseillers pour les relations extérieures", ""),
    "HWP-ERCHT": (f"Groupe horizontal {quoted('Renforcer la résilience et lutter contre les menaces hybrides')}", ""),
    "COEST": (f"Groupe {quoted('Europe orientale et Asie centrale')}", ""),
    "COASI": (f"Groupe {quoted('Asie-Océanie')}", ""),
    "MAMA": (f"Groupe {quoted('Machrek/Maghreb')}", ""),
    "MOG": (f"Groupe {quoted('Moyen-Orient/Golfe')}", ""),
    "COAFR": (f"Groupe {quoted('Afrique')}", ""),
    "COLAC": (f"Groupe {quoted('Amérique latine et Caraïbes')}", ""),
    "COWEB": (f"Groupe {quoted('Région des Balkans occidentaux')}", ""),
    "COTRA": (f"Groupe {quoted('Relations transatlantiques')}", ""),
}

#: code → (French name, French short name)
ORGANISATIONS_FR: dict[str, tuple[str, str]] = {
    "GSC": ("Secrétariat général du Conseil", "Secrétariat du Conseil"),
    "HR": ("Haut représentant de l'Union pour les affaires étrangères et la politique de sécurité", "Haut représentant"),
    "EEAS": ("Service européen pour l'action extérieure", "SEAE"),
    "SIAC": ("Capacité unique d'analyse du renseignement de l'UE (INTCEN de l'UE et EUMS INT)", "SIAC"),
    "COM": ("Commission européenne", "Commission"),
    "COM-CNECT": ("Direction générale des réseaux de communication, du contenu et des technologies", "DG CNECT"),
    "COM-HOME": ("Direction générale de la migration et des affaires intérieures", "DG HOME"),
    "COM-DEFIS": ("Direction générale de l'industrie de la défense et de l'espace", "DG DEFIS"),
    "COM-FISMA": (
        "Direction générale de la stabilité financière, des services financiers et de l'union des marchés des capitaux",
        "DG FISMA",
    ),
    "COM-FPI": ("Service des instruments de politique étrangère", "FPI"),
    "ENISA": ("Agence de l'Union européenne pour la cybersécurité", "ENISA"),
    "CERT-EU": ("Service de cybersécurité pour les institutions, organes et organismes de l'Union", "CERT-EU"),
    "EUROPOL-EC3": ("Europol — Centre européen de lutte contre la cybercriminalité (EC3)", "Europol (EC3)"),
    "EU-CYCLONE": ("Réseau européen pour la préparation et la gestion des crises cyber", "EU-CyCLONe"),
    "CSIRTS-NETWORK": ("Réseau des CSIRT", "Réseau des CSIRT"),
    "NATO": ("Organisation du traité de l'Atlantique Nord", "OTAN"),
    "OSCE": ("Organisation pour la sécurité et la coopération en Europe", "OSCE"),
    "UN": ("Organisation des Nations unies", "ONU"),
    "US": ("États-Unis d'Amérique", "États-Unis"),
    "GB": ("Royaume-Uni de Grande-Bretagne et d'Irlande du Nord", "Royaume-Uni"),
    "CA": ("Canada", "Canada"),
    "AU": ("Australie", "Australie"),
    "NZ": ("Nouvelle-Zélande", "Nouvelle-Zélande"),
    "JP": ("Japon", "Japon"),
    "KR": ("République de Corée", "Corée"),
    "AL": ("Albanie", "Albanie"),
    "BA": ("Bosnie-Herzégovine", "Bosnie-Herzégovine"),
    "GE": ("Géorgie", "Géorgie"),
    "MD": ("République de Moldavie", "Moldavie"),
    "ME": ("Monténégro", "Monténégro"),
    "MK": ("Macédoine du Nord", "Macédoine du Nord"),
    "RS": ("Serbie", "Serbie"),
    "TR": ("Türkiye", "Türkiye"),
    "UA": ("Ukraine", "Ukraine"),
    "XK": ("Kosovo", "Kosovo"),
    "IS": ("Islande", "Islande"),
    "LI": ("Liechtenstein", "Liechtenstein"),
    "NO": ("Norvège", "Norvège"),
}

#: Former Member States: code → (French name, "de …" form).
FORMER_MEMBER_STATES_FR: dict[str, tuple[str, str]] = {"UK": ("Royaume-Uni", "du Royaume-Uni")}


def delegation_name_fr(of_state: str) -> str:
    """A Member State's permanent representation, given the "de …" form of its name ("de l'Allemagne")."""
    return f"Représentation permanente {of_state} auprès de l'Union européenne"


def french_names_fill(apps, member_states: dict[str, tuple[str, str]]) -> int:
    """Write the French names into the rows whose French twin is empty
    (``member_states``: code → (name, "de …" form), read from
    ``member_states.csv`` by the caller); returns how many rows changed.
    A no-op before the twin columns exist in a migration's state."""
    MemberState = apps.get_model("directory", "MemberState")
    CouncilBody = apps.get_model("directory", "CouncilBody")
    Organisation = apps.get_model("directory", "Organisation")
    if "name_fr" not in {field.name for field in MemberState._meta.get_fields()}:
        return 0
    member_states = {**FORMER_MEMBER_STATES_FR, **member_states}
    changed = 0
    for state in MemberState.objects.filter(name_fr="", code__in=member_states):
        state.name_fr = member_states[state.code][0]
        state.save(update_fields=["name_fr"])
        changed += 1
    for body in CouncilBody.objects.filter(name_fr="", code__in=COUNCIL_BODIES_FR):
        body.name_fr, body.acronym_fr = COUNCIL_BODIES_FR[body.code]
        body.save(update_fields=["name_fr", "acronym_fr"])
        changed += 1
    for organisation in Organisation.objects.filter(name_fr="").select_related("member_state"):
        if organisation.code in ORGANISATIONS_FR:
            organisation.name_fr, organisation.short_name_fr = ORGANISATIONS_FR[organisation.code]
        elif organisation.member_state is not None and organisation.member_state.code in member_states:
            name, of_state = member_states[organisation.member_state.code]
            organisation.name_fr, organisation.short_name_fr = delegation_name_fr(of_state), name
        else:
            continue
        organisation.save(update_fields=["name_fr", "short_name_fr"])
        changed += 1
    return changed
