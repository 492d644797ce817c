"""Guards of the deliberation's ``refer``, declared on the transition
(``custom={"guards": ...}``) and checked by the workflow engine: read-only
functions of the deliberation (and the user, unused here) that return
``None`` when satisfied or the reason it is not, shown to users and
returned by the API. One guard per consideration, so each gap is named."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import AttributionDeliberation

Guard = Callable[["AttributionDeliberation", Any], "str | None"]


def consideration_assessed(number: int) -> Guard:
    """Consideration ``number`` has its assessment text and its rating."""

    def guard(deliberation: AttributionDeliberation, user: Any = None) -> str | None:
        row = next((row for row in deliberation.considerations.all() if row.number == number), None)
        if row is None or not row.assessment.strip() or not row.rating:
            return _("Consideration %(number)s is not assessed.") % {"number": number}
        return None

    guard.__name__ = f"consideration_{number}_assessed"
    return guard


def grid(considerations: Iterable[tuple[int, Any]]) -> tuple[Guard, ...]:
    """The guards of the grid: every consideration assessed and rated."""
    return tuple(consideration_assessed(number) for number, _title in considerations)


def claim_recorded(deliberation: AttributionDeliberation, user: Any = None) -> str | None:
    """Someone attributes the activity: a claim is recorded on the case."""
    return None if deliberation.case.attribution_claims.exists() else _("No attribution claim is recorded on the case.")
