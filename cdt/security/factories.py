"""The markings every marked row carries, declared once for the factories
of the domain apps (``<app>/factories.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from factory.django import DjangoModelFactory

from cdt.directory.models import Organisation

from .markings import Classification, Tlp
from .models import Marked


def _releasable_to(row: Marked, create: bool, extracted: Iterable[Organisation] | None, **kwargs: Any) -> None:
    if create and extracted is not None:
        row.releasable_to.set(list(extracted))


class MarkedFactory(DjangoModelFactory):
    """RESTREINT UE, LIMITE, TLP:AMBER, releasable to all: the usual marking
    of a case and what informs it. ``releasable_to=[...]`` (organisations)
    restricts it; ``releasable_to_all=False`` goes with it."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    classification = Classification.RESTREINT_UE
    limite = True
    tlp = Tlp.AMBER
    releasable_to_all = True
    releasable_to = factory.PostGeneration(_releasable_to)
