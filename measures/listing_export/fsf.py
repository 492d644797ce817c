"""A listing as XML shaped like the EU Financial Sanctions Files (FSF, the
Commission's consolidated list, format 1.1): what banks' and Member States'
screening systems already read.

Shaped like, not certified: the elements and attributes are the FSF's
(``export`` / ``sanctionEntity`` with ``regulation``, ``subjectType``,
``nameAlias``, ``remark``), filled from what CDT knows. CDT has no EU
reference number before the FSF publishes the listing (``euReferenceNumber``
stays empty), and knows no identity document, citizenship or birth date as
data (a listing's identifying information is free text: it goes in a
``remark``, and no ``identification``, ``citizenship`` or ``birthdate``
element is written). The statement of reasons, which the FSF leaves to the
Official Journal, is the ``designationDetails``.

Built with ElementTree, which escapes text and attributes; the document
carries the listing's marking in a comment before the root.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ElementTree

from ..models import ListedPerson, RestrictiveListing
from .acts import DECISION, ListingAct, listing_acts
from .entries import aliases_of

NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
PROGRAMME = "CYB"
MEDIA_TYPE = "application/xml"

#: subjectType code and classificationCode per kind of entry.
SUBJECT_TYPES = {ListedPerson.Kind.PERSON: ("person", "P"), ListedPerson.Kind.ENTITY: ("enterprise", "E")}


# The characters XML 1.0 cannot carry at all (C0 controls but tab, newline and
# carriage return; lone surrogates; U+FFFE/U+FFFF): a text field may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    """``value`` as XML can carry it: ElementTree escapes markup but writes
    these raw, and they never stand for markup, so the serialised document
    loses them wherever they came from (names, acts, reasons)."""
    return _NOT_XML.sub("", value)


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _number_title(act: ListingAct) -> str:
    """``2020/1127 (OJ L 246, 30.7.2020, p. 12)``, as the FSF cites an act;
    the act's title when it has no number."""
    head = act.number or act.title
    return f"{head} ({act.oj_reference})" if act.oj_reference else head


def _regulation_attributes(act: ListingAct) -> dict[str, str]:
    entry_into_force = act.published_on or act.adopted_on
    return {
        "regulationType": act.kind,
        # The CFSP decision and the Council's regulation implementing it.
        "organisationType": "cfsp" if act.kind == DECISION else "council",
        "publicationDate": _day(act.published_on),
        "entryIntoForceDate": _day(entry_into_force),
        "numberTitle": _number_title(act),
        "programme": PROGRAMME,
    }


def _regulation(parent: ElementTree.Element, act: ListingAct) -> None:
    regulation = ElementTree.SubElement(parent, "regulation", _regulation_attributes(act))
    ElementTree.SubElement(regulation, "publicationUrl").text = act.url


def _regulation_summary(parent: ElementTree.Element, act: ListingAct) -> None:
    ElementTree.SubElement(
        parent,
        "regulationSummary",
        {
            "regulationType": act.kind,
            "publicationDate": _day(act.published_on),
            "numberTitle": _number_title(act),
            "publicationUrl": act.url,
        },
    )


def _name_alias(parent: ElementTree.Element, whole_name: str, function: str, acts: list[ListingAct]) -> None:
    alias = ElementTree.SubElement(
        parent,
        "nameAlias",
        {
            "firstName": "",
            "middleName": "",
            "lastName": "",
            "wholeName": whole_name,
            "function": function,
            "gender": "",
            "title": "",
            "nameLanguage": "",
            "strong": "true",
            "regulationLanguage": "en",
        },
    )
    if acts:
        _regulation_summary(alias, acts[0])


def _sanction_entity(root: ElementTree.Element, entry: ListedPerson, acts: list[ListingAct]) -> None:
    adopted = sorted(act.adopted_on for act in acts if act.adopted_on)
    entity = ElementTree.SubElement(
        root,
        "sanctionEntity",
        {
            "designationDetails": entry.statement_of_reasons,
            "unitedNationId": "",
            "euReferenceNumber": "",
            "logicalId": str(entry.pk),
            "designationDate": _day(adopted[0] if adopted else None),
        },
    )
    if entry.identifying_information.strip():
        ElementTree.SubElement(entity, "remark").text = entry.identifying_information
    for act in acts:
        _regulation(entity, act)
    code, classification = SUBJECT_TYPES[ListedPerson.Kind(entry.kind)]
    ElementTree.SubElement(entity, "subjectType", {"code": code, "classificationCode": classification})
    _name_alias(entity, entry.name, entry.function, acts)
    for alias in aliases_of(entry):
        _name_alias(entity, alias, entry.function, acts)


def listing_fsf(listing: RestrictiveListing, user, *, generated_at: datetime.datetime) -> bytes:
    """The export as UTF-8 XML, one ``sanctionEntity`` per listed person or entity."""
    acts = listing_acts(listing, user)
    root = ElementTree.Element("export", {"xmlns": NAMESPACE, "generationDate": generated_at.isoformat()})
    for entry in listing.entries.all():
        _sanction_entity(root, entry, acts)
    ElementTree.indent(root)
    body = _text(ElementTree.tostring(root, encoding="unicode"))
    # "--" may not appear inside a comment; a marking never has it, but the rule is XML's.
    marking = str(listing.marking_label).replace("--", "- -").strip()
    banner = f"<!-- {marking} -->\n" if marking else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{banner}{body}\n'.encode()
