"""The legal acts a Council decision is published as: their number and
CELEX shapes, and reading a free-text reference ("Council Implementing
Regulation (EU) 2020/1125") into a structured act.

Pure functions and validators, no database: used by the ``LegalAct``
model, the API and the data migration that moved the old free-text
``Decision.legal_act`` into rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .choices import LegalActKind

#: "2020/1127": the year and the act's number in that year (the OJ numbering since 2015).
NUMBER_PATTERN = r"^(?:19|20)\d{2}/[1-9]\d{0,5}$"
#: "32020D1127", "32019R0796", "32020D1127(01)": sector 3 (legislation), the year, the
#: type letter(s) (D decision, R regulation...), the four-digit number, an optional suffix.
CELEX_PATTERN = r"^[0-9E](?:19|20)\d{2}[A-Z]{1,2}\d{4}(?:\(\d{1,2}\))?$"

validate_number = RegexValidator(NUMBER_PATTERN, _("Give the act's number as YEAR/NUMBER, e.g. 2020/1127."))
validate_celex = RegexValidator(CELEX_PATTERN, _("Give a CELEX number such as 32020D1127 or 32019R0796."))

#: The CELEX type letter of each kind (sector 3: legislation); conclusions have none.
_CELEX_TYPE = {
    LegalActKind.COUNCIL_DECISION_CFSP: "D",
    LegalActKind.COUNCIL_IMPLEMENTING_DECISION_CFSP: "D",
    LegalActKind.COUNCIL_REGULATION: "R",
    LegalActKind.COUNCIL_IMPLEMENTING_REGULATION: "R",
}

_REFERENCE = re.compile(
    r"^\s*Council\s+(?P<implementing>Implementing\s+)?(?P<type>Decision\s*\(CFSP\)|Regulation\s*\(EU\))\s+"
    r"(?:No\s+)?(?P<number>(?:19|20)\d{2}/[1-9]\d{0,5})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedAct:
    kind: LegalActKind
    number: str
    celex: str


def celex_for(kind: str, number: str) -> str:
    """The CELEX number of a Council act of ``kind`` numbered ``number``
    ("2020/1127" -> "32020D1127"), or "" when the kind has no CELEX type."""
    letter = _CELEX_TYPE.get(LegalActKind(kind)) if kind in LegalActKind.values else None
    match = re.match(NUMBER_PATTERN, number)
    if letter is None or match is None:
        return ""
    year, serial = number.split("/")
    if len(serial) > 4:
        return ""
    return f"3{year}{letter}{int(serial):04d}"


def parse_reference(text: str) -> ParsedAct | None:
    """A structured act from a free-text reference such as "Council
    Decision (CFSP) 2019/797", or None if the text is not one act."""
    match = _REFERENCE.match(text or "")
    if match is None:
        return None
    regulation = match["type"].lower().startswith("regulation")
    implementing = bool(match["implementing"])
    if regulation:
        kind = LegalActKind.COUNCIL_IMPLEMENTING_REGULATION if implementing else LegalActKind.COUNCIL_REGULATION
    else:
        kind = LegalActKind.COUNCIL_IMPLEMENTING_DECISION_CFSP if implementing else LegalActKind.COUNCIL_DECISION_CFSP
    return ParsedAct(kind=kind, number=match["number"], celex=celex_for(kind, match["number"]))
