"""Listing exports (issue 27): FollowTheMoney entities and XML shaped like the
EU Financial Sanctions Files, read back and checked field by field; who may
export (404 otherwise); stable ids; escaping; the audit."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ElementTree

import pytest
from followthemoney import model

from cases.models import CaseState
from cdt.security.markings import Classification
from cdt.security.models import AuditEntry
from council.choices import LegalActKind
from council.factories import DecisionFactory
from council.models import Decision, LegalAct
from measures import services
from measures.factories import ResponseMeasureFactory
from measures.models import ListedPerson, MeasureType, RestrictiveListing

from .cases_support import case_at

pytestmark = pytest.mark.django_db

NS = {"fsf": "http://eu.europa.ec/fpi/fsd/export"}
EUR_LEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:"
# The two acts recorded on the measure's decision: adopted on the 20th, published on the 23rd.
DECISION_URL, REGULATION_URL = f"{EUR_LEX}32026D2301", f"{EUR_LEX}32026R2299"
DECISION_OJ, REGULATION_OJ = "OJ L 301, 23.11.2026, p. 1", "OJ L 301, 23.11.2026, p. 5"
# The acts named on the listing itself (read when no act is recorded, or the reader may not see the decision).
TEXT_URLS = [f"{EUR_LEX}32020D1127", f"{EUR_LEX}32020R1125"]
TRICKY = "Quill <Networks> & \"Partners\" 'Ltd'"
ENTRIES = [
    {
        "kind": "person",
        "name": "Ivan Fictional",
        "aliases": ["Иван Фикционал", "I. Fictional"],
        "identifying_information": "Date of birth: 1.2.1980; nationality: none given",
        "function": "Officer of the Main Centre for Special Technologies",
        "statement_of_reasons": "Ivan Fictional took part in the cyber-attack on the grid.",
    },
    {
        "kind": "person",
        "name": "Mei Example",
        "aliases": [],
        "identifying_information": "",
        "function": "Operator",
        "statement_of_reasons": "Mei Example operated the command servers.",
    },
    {
        "kind": "entity",
        "name": TRICKY,
        "aliases": ["QN & Co."],
        "identifying_information": "Place of registration: nowhere <real>",
        "function": "Provided the infrastructure",
        "statement_of_reasons": 'The company provided financial & technical support to "Silent Quill".',
    },
]


@pytest.fixture
def case(cast):
    return case_at(CaseState.DELIBERATION, cast)


@pytest.fixture
def listing(cast, case) -> RestrictiveListing:
    measure = ResponseMeasureFactory(
        case=case,
        measure_type=MeasureType.objects.get(slug="cyber-sanctions-listing"),
        proposed_by=cast["eeas"],
        description="Listing.",
        decision=DecisionFactory(case=case, decided_on=datetime.date(2026, 11, 20)),
    )
    adopted_on = datetime.date(2026, 11, 20)
    # The regulation first and without its CELEX number: the export orders the acts and derives the number.
    LegalAct.objects.create(
        decision=measure.decision,
        kind=LegalActKind.COUNCIL_IMPLEMENTING_REGULATION,
        number="2026/2299",
        oj_reference=REGULATION_OJ,
        adopted_on=adopted_on,
    )
    LegalAct.objects.create(
        decision=measure.decision,
        kind=LegalActKind.COUNCIL_DECISION_CFSP,
        number="2026/2301",
        celex="32026D2301",
        oj_reference=DECISION_OJ,
        title="Council Decision (CFSP) 2026/2301 amending Decision (CFSP) 2019/797",
        adopted_on=adopted_on,
    )
    LegalAct.objects.create(decision=measure.decision, kind=LegalActKind.COUNCIL_CONCLUSIONS, number="2026/9", adopted_on=adopted_on)
    return services.listing_set(
        by=cast["secretariat"],
        measure=measure,
        council_decision="Council Decision (CFSP) 2020/1127",
        council_regulation="Council Implementing Regulation (EU) 2020/1125",
        entries=[dict(entry) for entry in ENTRIES],
    )


def ftm_url(listing):
    return f"/api/v1/measures/{listing.measure_id}/listing/ftm/"


def fsf_url(listing):
    return f"/api/v1/measures/{listing.measure_id}/listing/fsf/"


def entities_of(response):
    """Each line loaded back as FollowTheMoney does it."""
    lines = response.content.decode().splitlines()
    return [model.get_proxy(json.loads(line)) for line in lines]


def test_ftm_export_reads_back_field_by_field(signed_in, listing):
    response = signed_in["delegate"].get(ftm_url(listing))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    entities = entities_of(response)
    assert [entity.schema.name for entity in entities] == ["Person", "Sanction", "Person", "Sanction", "Organization", "Sanction"]
    parties, sanctions = entities[0::2], entities[1::2]
    for party, sanction, entry in zip(parties, sanctions, ENTRIES, strict=True):
        assert party.get("name") == [entry["name"]]
        assert sorted(party.get("alias")) == sorted(entry["aliases"])
        assert party.get("topics") == ["sanction"]
        assert sanction.get("entity") == [party.id]
        assert sanction.get("authority") == ["Council of the European Union"]
        assert sanction.get("program") == ["EU cyber sanctions regime (Regulation (EU) 2019/796)"]
        assert sanction.get("programId") == ["EU-CYB"]
        assert sanction.get("reason") == [entry["statement_of_reasons"]]
        # The two listing acts (not the conclusions), by their EUR-Lex addresses, titles and OJ references.
        assert sorted(sanction.get("sourceUrl")) == sorted([DECISION_URL, REGULATION_URL])
        assert sorted(sanction.get("description")) == [
            f"Council Decision (CFSP) 2026/2301 amending Decision (CFSP) 2019/797, {DECISION_OJ}",
            f"Council Implementing Regulation (EU) 2026/2299, {REGULATION_OJ}",
        ]
        # Designated on adoption, listed on publication in the Official Journal.
        assert sanction.get("startDate") == ["2026-11-20"]
        assert sanction.get("listingDate") == ["2026-11-23"]
        assert sanction.get("status") == ["active"]
    ivan, mei, quill = parties
    assert ivan.get("position") == [ENTRIES[0]["function"]]
    assert ivan.get("notes") == [ENTRIES[0]["identifying_information"]]
    assert mei.get("notes") == []
    # An organisation has no position: its function and identifying information are notes.
    assert sorted(quill.get("notes")) == sorted([ENTRIES[2]["function"], ENTRIES[2]["identifying_information"]])
    assert "Travel ban" in sanctions[0].get("provisions") and "Travel ban" not in sanctions[2].get("provisions")
    assert len({entity.id for entity in entities}) == 6


def test_ftm_ids_are_stable_across_exports_and_re_recording(cast, signed_in, listing):
    first = [entity.id for entity in entities_of(signed_in["delegate"].get(ftm_url(listing)))]
    # Re-recording the listing replaces its rows (new primary keys); the entities keep their ids.
    old_rows = set(listing.entries.values_list("pk", flat=True))
    services.listing_set(
        by=cast["secretariat"],
        measure=listing.measure,
        council_decision=listing.council_decision,
        council_regulation=listing.council_regulation,
        entries=[dict(entry) for entry in ENTRIES],
    )
    assert old_rows.isdisjoint(listing.entries.values_list("pk", flat=True))
    again = [entity.id for entity in entities_of(signed_in["chair"].get(ftm_url(listing)))]
    assert again == first


def test_fsf_export_reads_back_field_by_field(signed_in, listing):
    response = signed_in["delegate"].get(fsf_url(listing))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    raw = response.content
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- RESTREINT UE/EU RESTRICTED')
    root = ElementTree.fromstring(raw)
    assert root.tag == f"{{{NS['fsf']}}}export" and root.get("generationDate")
    entities = root.findall("fsf:sanctionEntity", NS)
    assert len(entities) == 3
    rows = list(listing.entries.all())
    for entity, entry, row in zip(entities, ENTRIES, rows, strict=True):
        assert entity.get("logicalId") == str(row.pk)
        assert entity.get("euReferenceNumber") == "" and entity.get("unitedNationId") == ""
        assert entity.get("designationDetails") == entry["statement_of_reasons"]
        assert entity.get("designationDate") == "2026-11-20"
        regulations = entity.findall("fsf:regulation", NS)
        assert [(r.get("regulationType"), r.get("organisationType"), r.get("numberTitle")) for r in regulations] == [
            ("decision", "cfsp", f"2026/2301 ({DECISION_OJ})"),
            ("regulation", "council", f"2026/2299 ({REGULATION_OJ})"),
        ]
        assert [r.findtext("fsf:publicationUrl", namespaces=NS) for r in regulations] == [DECISION_URL, REGULATION_URL]
        assert {(r.get("programme"), r.get("publicationDate"), r.get("entryIntoForceDate")) for r in regulations} == {
            ("CYB", "2026-11-23", "2026-11-23")
        }
        subject = entity.find("fsf:subjectType", NS)
        assert (subject.get("code"), subject.get("classificationCode")) == (
            ("person", "P") if entry["kind"] == "person" else ("enterprise", "E")
        )
        names = entity.findall("fsf:nameAlias", NS)
        assert [name.get("wholeName") for name in names] == [entry["name"], *entry["aliases"]]
        assert {name.get("function") for name in names} == {entry["function"]}
        assert all(name.find("fsf:regulationSummary", NS).get("publicationUrl") == DECISION_URL for name in names)
        remarks = [remark.text for remark in entity.findall("fsf:remark", NS)]
        assert remarks == ([entry["identifying_information"]] if entry["identifying_information"] else [])
        # Nothing is known as data: no identity document, citizenship or birth date is invented.
        assert entity.find("fsf:identification", NS) is None and entity.find("fsf:citizenship", NS) is None
        assert entity.find("fsf:birthdate", NS) is None


def test_fsf_export_escapes_special_characters(signed_in, listing):
    raw = signed_in["delegate"].get(fsf_url(listing)).content
    assert TRICKY.encode() not in raw and b"<real>" not in raw
    assert b"Quill &lt;Networks&gt; &amp; &quot;Partners&quot;" in raw
    quill = ElementTree.fromstring(raw).findall("fsf:sanctionEntity", NS)[2]
    assert quill.find("fsf:nameAlias", NS).get("wholeName") == TRICKY
    assert quill.findtext("fsf:remark", namespaces=NS) == "Place of registration: nowhere <real>"


def test_exports_answer_whatever_the_client_accepts(signed_in, listing):
    """A screening tool asking for XML (or anything) gets the export, not a 406."""
    assert signed_in["delegate"].get(fsf_url(listing), HTTP_ACCEPT="application/xml").status_code == 200
    assert signed_in["delegate"].get(ftm_url(listing), HTTP_ACCEPT="text/csv").status_code == 200
    assert signed_in["delegate"].get(ftm_url(listing) + "?format=xml").status_code == 200


def test_each_export_is_audited(cast, signed_in, listing):
    signed_in["delegate"].get(ftm_url(listing))
    signed_in["delegate"].get(fsf_url(listing))
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=str(listing.pk)).order_by("pk")
    assert [(entry.actor_id, entry.details["format"], entry.details["entries"]) for entry in entries] == [
        (cast["delegate"].pk, "followthemoney", 3),
        (cast["delegate"].pk, "eu-fsf-xml", 3),
    ]


def test_who_may_not_read_the_listing_gets_404(cast, signed_in, listing, settings, make_user):
    for url in (ftm_url(listing), fsf_url(listing)):
        response = signed_in["outsider"].get(url)
        assert response.status_code == 404
        assert "Fictional" not in response.content.decode()
        assert signed_in["delegate"].get(url.replace(f"/{listing.measure_id}/", "/999999/")).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
    # The listing's own classification, above the case's: a reader of the case not cleared for it gets 404 too.
    settings.CDT_MAX_CLASSIFICATION = "SECRET_UE"
    RestrictiveListing.objects.filter(pk=listing.pk).update(classification=Classification.CONFIDENTIEL_UE)
    assert signed_in["delegate"].get(f"/api/v1/measures/{listing.measure_id}/").status_code == 200
    assert signed_in["delegate"].get(ftm_url(listing)).status_code == 404
    assert signed_in["delegate"].get(fsf_url(listing)).status_code == 404


def test_a_measure_without_a_listing_has_no_export(cast, signed_in, case):
    measure = ResponseMeasureFactory(case=case, proposed_by=cast["eeas"])
    assert signed_in["delegate"].get(f"/api/v1/measures/{measure.pk}/listing/ftm/").status_code == 404
    assert signed_in["delegate"].get(f"/api/v1/measures/{measure.pk}/listing/fsf/").status_code == 404


def test_without_recorded_acts_the_listing_text_is_read(signed_in, listing):
    """A decision with no acts recorded: the acts named on the listing, their
    numbers and CELEX numbers read from the text, dated by the decision."""
    LegalAct.objects.filter(decision=listing.measure.decision_id).delete()
    sanction = entities_of(signed_in["delegate"].get(ftm_url(listing)))[1]
    assert sorted(sanction.get("sourceUrl")) == TEXT_URLS
    assert sanction.get("startDate") == ["2026-11-20"] and sanction.get("listingDate") == ["2026-11-20"]
    entity = ElementTree.fromstring(signed_in["delegate"].get(fsf_url(listing)).content).find("fsf:sanctionEntity", NS)
    assert [(r.get("numberTitle"), r.get("publicationDate")) for r in entity.findall("fsf:regulation", NS)] == [
        ("2020/1127", ""),
        ("2020/1125", ""),
    ]


def test_a_hidden_decision_gives_neither_its_acts_nor_its_date(signed_in, listing, settings):
    """A reader who may not see the measure's decision (decision record 0023)
    gets the acts named on the listing, undated: nothing read from the
    decision."""
    settings.CDT_MAX_CLASSIFICATION = "SECRET_UE"
    Decision.objects.filter(pk=listing.measure.decision_id).update(classification=Classification.CONFIDENTIEL_UE)
    body = signed_in["delegate"].get(ftm_url(listing)).content.decode()
    assert "2026" not in body
    sanction = entities_of(signed_in["delegate"].get(ftm_url(listing)))[1]
    assert sanction.get("startDate") == [] and sanction.get("listingDate") == []
    assert sorted(sanction.get("sourceUrl")) == TEXT_URLS


def test_exports_refuse_writes(signed_in, listing):
    assert signed_in["secretariat"].post(ftm_url(listing), {}, content_type="application/json").status_code == 405
    assert signed_in["secretariat"].put(fsf_url(listing), {}, content_type="application/json").status_code == 405


def test_odd_stored_values_still_export(signed_in, listing):
    """``aliases`` is free JSON and text may hold control characters XML
    cannot carry: the exports keep the names and stay well-formed."""
    first, second = listing.entries.all()[:2]
    ListedPerson.objects.filter(pk=first.pk).update(aliases=[1, {"alias": "no"}, "  ", "Real Alias"], name="Ivan\x01 Fictional\x0b")
    ListedPerson.objects.filter(pk=second.pk).update(aliases="Lone Alias")
    parties = entities_of(signed_in["delegate"].get(ftm_url(listing)))[0::2]
    assert parties[0].get("alias") == ["Real Alias"] and parties[1].get("alias") == ["Lone Alias"]
    entities = ElementTree.fromstring(signed_in["delegate"].get(fsf_url(listing)).content).findall("fsf:sanctionEntity", NS)
    assert [name.get("wholeName") for name in entities[0].findall("fsf:nameAlias", NS)] == ["Ivan Fictional", "Real Alias"]
    assert [name.get("wholeName") for name in entities[1].findall("fsf:nameAlias", NS)] == ["Mei Example", "Lone Alias"]
