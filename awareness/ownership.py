"""Feed producers own their STIX ids (docs/decisions/0024).

A STIX id is minted by its producer. In CDT the producer is the organisation
whose feed client first sent the id: the originator of the id's earliest
stored version. Another producer's object with the same id is refused, and
refused before its version is compared with the stored one, so the answer
is the same whether the sent version is older, equal or newer, and holds
nothing of the stored object (version, title, marking, owner). A relay mints
its own id, or references the original.

The TLP marking definitions are the standard's, not a producer's: every
producer may carry them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Min
from django.utils.translation import gettext as _

from . import stix
from .models import StixObject

_CHUNK = 900


def conflict_reason() -> str:
    """The one reason given for a foreign id: nothing of the stored object."""
    return _("This id is already used by another producer; mint a new id.")


def id_owners(stix_ids: Iterable[str]) -> dict[str, int | None]:
    """STIX id → the organisation that first sent it, ``None`` for an id no
    producer owns (never stored, or a standard TLP definition). Read from the
    earliest version row, so versions a foreign producer managed to store
    before ownership was enforced do not make it the owner."""
    wanted = list(dict.fromkeys(stix_ids))
    owners: dict[str, int | None] = dict.fromkeys(wanted)
    owned = [stix_id for stix_id in wanted if stix_id not in stix.TLP_MARKINGS]
    for start in range(0, len(owned), _CHUNK):
        first_rows = (
            StixObject.objects.filter(stix_id__in=owned[start : start + _CHUNK])
            .order_by()
            .values("stix_id")
            .annotate(first=Min("pk"))
            .values("first")
        )
        owners.update(StixObject.objects.filter(pk__in=first_rows).order_by().values_list("stix_id", "originator_id"))
    return owners


def foreign_ids(stix_ids: Iterable[str], *, producer_id: int | None) -> list[str]:
    """The ids among ``stix_ids`` (in their order) that another producer owns."""
    return [stix_id for stix_id, owner in id_owners(stix_ids).items() if owner is not None and owner != producer_id]


def may_update(owner_id: int | None, *, producer_id: int | None) -> bool:
    """Whether ``producer_id`` may change a record mapped from an id owned by
    ``owner_id``: its own, or one nobody owns (made by hand)."""
    return owner_id is None or owner_id == producer_id
