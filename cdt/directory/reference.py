"""The reference data of the directory and the idempotent loader.

Used by the ``0002_reference_data`` migration (with historical models) and by
``manage.py load_directory``. Loading creates what is missing and leaves
existing rows alone, so edits the secretariat makes in the admin survive a
re-run.
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.db import models

from .reference_fr import french_names_fill

DATA_DIR = Path(__file__).resolve().parent / "data"
POPULATION_YEAR = 2025  # the year the shares in member_states.csv apply to

COUNCIL_BODIES: list[dict] = [
    {"code": "COUNCIL", "name": "Council of the European Union", "level": "council", "reports_to": []},
    {"code": "COREPER", "name": "Permanent Representatives Committee (COREPER II)", "level": "committee", "reports_to": ["COUNCIL"]},
    {"code": "PSC", "name": "Political and Security Committee", "level": "committee", "reports_to": ["COREPER"]},
    {"code": "HWPCI", "name": "Horizontal Working Party on Cyber Issues", "level": "working_party", "reports_to": ["PSC", "COREPER"]},
    {"code": "RELEX", "name": "Working Party of Foreign Relations Counsellors", "level": "working_party", "reports_to": ["COREPER"]},
    {
        "code": "HWP-ERCHT",
        "name": "Horizontal Working Party on Enhancing Resilience and Countering Hybrid Threats",
        "level": "working_party",
        "reports_to": ["COREPER"],
    },
    {
        "code": "COEST",
        "name": "Working Party on Eastern Europe and Central Asia",
        "level": "working_party",
        "reports_to": ["PSC"],
        "geographical": True,
    },
    {"code": "COASI", "name": "Asia-Oceania Working Party", "level": "working_party", "reports_to": ["PSC"], "geographical": True},
    {"code": "MAMA", "name": "Mashreq/Maghreb Working Party", "level": "working_party", "reports_to": ["PSC"], "geographical": True},
    {"code": "MOG", "name": "Middle East/Gulf Working Party", "level": "working_party", "reports_to": ["PSC"], "geographical": True},
    {"code": "COAFR", "name": "Africa Working Party", "level": "working_party", "reports_to": ["PSC"], "geographical": True},
    {
        "code": "COLAC",
        "name": "Working Party on Latin America and the Caribbean",
        "level": "working_party",
        "reports_to": ["PSC"],
        "geographical": True,
    },
    {
        "code": "COWEB",
        "name": "Working Party on the Western Balkans Region",
        "level": "working_party",
        "reports_to": ["PSC"],
        "geographical": True,
    },
    {
        "code": "COTRA",
        "name": "Transatlantic Relations Working Party",
        "level": "working_party",
        "reports_to": ["PSC"],
        "geographical": True,
    },
]

# (code, name, short name, kind, parent code)
ORGANISATIONS: list[tuple[str, str, str, str, str | None]] = [
    ("GSC", "General Secretariat of the Council", "Council secretariat", "secretariat", None),
    ("HR", "High Representative of the Union for Foreign Affairs and Security Policy", "High Representative", "euiba", None),
    ("EEAS", "European External Action Service", "EEAS", "euiba", None),
    ("SIAC", "EU Single Intelligence Analysis Capacity (EU INTCEN and EUMS INT)", "SIAC", "euiba", "EEAS"),
    ("COM", "European Commission", "Commission", "euiba", None),
    ("COM-CNECT", "Directorate-General for Communications Networks, Content and Technology", "DG CNECT", "euiba", "COM"),
    ("COM-HOME", "Directorate-General for Migration and Home Affairs", "DG HOME", "euiba", "COM"),
    ("COM-DEFIS", "Directorate-General for Defence Industry and Space", "DG DEFIS", "euiba", "COM"),
    ("COM-FISMA", "Directorate-General for Financial Stability, Financial Services and Capital Markets Union", "DG FISMA", "euiba", "COM"),
    ("COM-FPI", "Service for Foreign Policy Instruments", "FPI", "euiba", "COM"),
    ("ENISA", "European Union Agency for Cybersecurity", "ENISA", "euiba", None),
    ("CERT-EU", "Cybersecurity Service for the Union institutions, bodies, offices and agencies", "CERT-EU", "euiba", None),
    ("EUROPOL-EC3", "Europol — European Cybercrime Centre (EC3)", "Europol (EC3)", "euiba", None),
    ("EU-CYCLONE", "European Cyber Crisis Liaison Organisation Network", "EU-CyCLONe", "euiba", None),
    ("CSIRTS-NETWORK", "CSIRTs Network", "CSIRTs Network", "euiba", None),
    ("NATO", "North Atlantic Treaty Organization", "NATO", "international_organisation", None),
    ("OSCE", "Organization for Security and Co-operation in Europe", "OSCE", "international_organisation", None),
    ("UN", "United Nations", "UN", "international_organisation", None),
    ("US", "United States of America", "United States", "partner_state", None),
    ("GB", "United Kingdom of Great Britain and Northern Ireland", "United Kingdom", "partner_state", None),
    ("CA", "Canada", "Canada", "partner_state", None),
    ("AU", "Australia", "Australia", "partner_state", None),
    ("NZ", "New Zealand", "New Zealand", "partner_state", None),
    ("JP", "Japan", "Japan", "partner_state", None),
    ("KR", "Republic of Korea", "Korea", "partner_state", None),
    ("AL", "Albania", "Albania", "candidate", None),
    ("BA", "Bosnia and Herzegovina", "Bosnia and Herzegovina", "candidate", None),
    ("GE", "Georgia", "Georgia", "candidate", None),
    ("MD", "Republic of Moldova", "Moldova", "candidate", None),
    ("ME", "Montenegro", "Montenegro", "candidate", None),
    ("MK", "North Macedonia", "North Macedonia", "candidate", None),
    ("RS", "Serbia", "Serbia", "candidate", None),
    ("TR", "Türkiye", "Türkiye", "candidate", None),
    ("UA", "Ukraine", "Ukraine", "candidate", None),
    ("XK", "Kosovo", "Kosovo", "potential_candidate", None),
    ("IS", "Iceland", "Iceland", "eea_efta", None),
    ("LI", "Liechtenstein", "Liechtenstein", "eea_efta", None),
    ("NO", "Norway", "Norway", "eea_efta", None),
]

# The order of Presidencies fixed by Council Decision (EU) 2016/1316.
PRESIDENCY_ORDER: list[tuple[int, str, str]] = [
    (2024, "BE", "HU"),
    (2025, "PL", "DK"),
    (2026, "CY", "IE"),
    (2027, "LT", "EL"),
    (2028, "IT", "LV"),
    (2029, "LU", "NL"),
    (2030, "SK", "MT"),
]


def member_state_rows() -> list[dict]:
    with open(DATA_DIR / "member_states.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def presidency_terms() -> list[tuple[str, datetime.date, datetime.date]]:
    terms = []
    for year, first, second in PRESIDENCY_ORDER:
        terms.append((first, datetime.date(year, 1, 1), datetime.date(year, 6, 30)))
        terms.append((second, datetime.date(year, 7, 1), datetime.date(year, 12, 31)))
    return terms


#: Organisations that receive what is distributed to HWPCI, besides the 27
#: delegations (guidelines paras 19, 24): the Council secretariat, which runs
#: the working party, the EEAS, which drafts for it, and SIAC, which assesses.
HWPCI_DISTRIBUTION_CODES = ("GSC", "EEAS", "SIAC")


def hwpci_distribution_set(apps, codes: list[str] | None = None) -> int:
    """Mark the delegations and :data:`HWPCI_DISTRIBUTION_CODES` as receiving
    HWPCI documents: all of them, or only those among ``codes`` (the rows
    just created: a reload leaves existing rows as they are). A no-op
    before the field exists in a migration's state."""
    Organisation = apps.get_model("directory", "Organisation")
    if "in_hwpci_distribution" not in {field.name for field in Organisation._meta.get_fields()}:
        return 0
    rows = Organisation.objects.filter(in_hwpci_distribution=False)
    if codes is not None:
        rows = rows.filter(code__in=codes)
    return rows.filter(models.Q(kind="delegation") | models.Q(code__in=HWPCI_DISTRIBUTION_CODES)).update(in_hwpci_distribution=True)


#: Former Member States, for the records of their time: (code, ISO 3166, name, protocol order, last day).
FORMER_MEMBER_STATES = [("UK", "GB", "United Kingdom", 28, datetime.date(2020, 1, 31))]

#: The years whose figures CDT holds complete, with their act and source. 2018: the
#: EU-28 table from ``population_by_year.csv`` (a secondary source, not checked
#: against the Official Journal); 2025: the shares of ``member_states.csv``.
#: Every other year is incomplete until the secretariat enters it.
POPULATION_YEARS = {
    2018: {
        "act": "Council Decision (EU, Euratom) 2017/2461",
        "oj_reference": "OJ L 348, 29.12.2017, p. 36",
        "source": "UNVERIFIED secondary source (powerindices EU28POP list, Eurostat 1 January 2017 values); "
        "not checked against the Official Journal table (CELEX 32017D2461, Annex III).",
    },
    POPULATION_YEAR: {
        "act": "",
        "oj_reference": "",
        "source": "Council population shares for 2025 (member_states.csv, total 451,028,881 on 1 January 2024); "
        "percentages only, the act not identified.",
    },
}


def population_rows() -> list[dict[str, str]]:
    """The absolute figures of complete years (``population_by_year.csv``), without the EU totals."""
    with (DATA_DIR / "population_by_year.csv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["member_state_code"] != "EU"]


def _registry_has(apps, model: str) -> bool:
    try:
        apps.get_model("directory", model)
    except LookupError:
        return False
    return True


def load_membership_and_population(apps) -> dict[str, int]:
    """The former Member States and the population years CDT holds
    complete; creates only what is missing. Used by the
    ``0004_membership_dates_and_population_years`` migration and by
    :func:`load_reference_data` once those tables exist."""
    MemberState = apps.get_model("directory", "MemberState")
    PopulationYear = apps.get_model("directory", "PopulationYear")
    PopulationFigure = apps.get_model("directory", "PopulationFigure")
    created = {"former_member_states": 0, "population_years": 0, "population_figures": 0}
    for code, iso3166, name, order, until in FORMER_MEMBER_STATES:
        _, made = MemberState.objects.get_or_create(
            code=code, defaults={"iso3166": iso3166, "name": name, "protocol_order": order, "member_until": until}
        )
        created["former_member_states"] += made
    states = {state.code: state for state in MemberState.objects.all()}
    figures: dict[int, list[dict[str, str]]] = {}
    for row in population_rows():
        figures.setdefault(int(row["voting_year"]), []).append(row)
    for year, spec in POPULATION_YEARS.items():
        record, made = PopulationYear.objects.get_or_create(year=year, defaults={**spec, "complete": True})
        created["population_years"] += made
        if not made:
            continue  # the secretariat's entry stands
        for row in figures.get(year, []):
            PopulationFigure.objects.create(year=record, member_state=states[row["member_state_code"]], population=int(row["population"]))
            created["population_figures"] += 1
    return created


def load_reference_data(apps) -> dict[str, int]:
    """Create the missing reference rows; return how many of each were created.

    ``apps`` is a model registry: ``django.apps.apps`` at runtime or the
    historical registry inside a migration.
    """
    MemberState = apps.get_model("directory", "MemberState")
    PopulationShare = apps.get_model("directory", "PopulationShare")
    CouncilBody = apps.get_model("directory", "CouncilBody")
    Organisation = apps.get_model("directory", "Organisation")
    PresidencyTerm = apps.get_model("directory", "PresidencyTerm")
    created = {"member_states": 0, "population_shares": 0, "council_bodies": 0, "organisations": 0, "presidency_terms": 0}

    states = {}
    for row in member_state_rows():
        state, made = MemberState.objects.get_or_create(
            code=row["code"],
            defaults={"iso3166": row["iso3166"], "name": row["name"], "protocol_order": int(row["protocol_order"])},
        )
        created["member_states"] += made
        states[state.code] = state
        _, made = PopulationShare.objects.get_or_create(
            member_state=state,
            year=POPULATION_YEAR,
            defaults={"share_percent": Decimal(row["population_share_percent"])},
        )
        created["population_shares"] += made

    bodies = {}
    for spec in COUNCIL_BODIES:
        body, made = CouncilBody.objects.get_or_create(
            code=spec["code"],
            defaults={"name": spec["name"], "level": spec["level"], "geographical": spec.get("geographical", False)},
        )
        created["council_bodies"] += made
        bodies[body.code] = body
        if made:
            body.reports_to.set([bodies[code] for code in spec["reports_to"]])

    made_codes: list[str] = []
    for state in states.values():
        _, made = Organisation.objects.get_or_create(
            code=state.code,
            defaults={
                "name": f"Permanent Representation of {state.name} to the EU",
                "short_name": state.name,
                "kind": "delegation",
                "member_state": state,
            },
        )
        created["organisations"] += made
        made_codes += [state.code] if made else []
    for code, name, short_name, kind, parent_code in ORGANISATIONS:
        parent = Organisation.objects.get(code=parent_code) if parent_code else None
        _, made = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short_name, "kind": kind, "parent": parent}
        )
        created["organisations"] += made
        made_codes += [code] if made else []
    if made_codes:
        hwpci_distribution_set(apps, made_codes)

    for code, starts_on, ends_on in presidency_terms():
        if not PresidencyTerm.objects.filter(starts_on=starts_on).exists():
            PresidencyTerm.objects.create(member_state=states[code], starts_on=starts_on, ends_on=ends_on)
            created["presidency_terms"] += 1
    if _registry_has(apps, "PopulationYear"):  # not inside 0002, before the tables exist
        created.update(load_membership_and_population(apps))
    created["french_names"] = french_names_load(apps)
    return created


def french_names_load(apps) -> int:
    """The French names of the reference rows whose French twin is empty
    (decision 0030): created rows get them, existing ones keep any name
    the secretariat entered."""
    return french_names_fill(apps, {row["code"]: (row["name_fr"], row["name_fr_of"]) for row in member_state_rows()})
