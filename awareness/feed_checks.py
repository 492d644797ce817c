"""Feed ingestion: the checks of the first pass that read the bundle and
the database but decide nothing (parallel validation, marking meanings,
case links, stored versions). Split from :mod:`awareness.ingestion`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from cases.models import Case
from cdt.security.access import visible_to

from . import stix
from .models import StixObject


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _clip(text: str, size: int) -> str:
    text = stix.storable(str(text))
    return text if len(text) <= size else text[: size - 1] + "…"


def _error(object_id: str, property_name: str, reason: str) -> dict:
    """One error; each part clipped, as a hostile value (a 5 MB id, a NUL)
    may be part of it and the error goes back in the answer and into the log."""
    return {"object": _clip(object_id, 200), "property": _clip(property_name, 100), "reason": _clip(reason, 1000)}


def _identifier(stix_object, index: int) -> str:
    if isinstance(stix_object, dict) and isinstance(stix_object.get("id"), str):
        return stix_object["id"]
    return f"objects[{index}]"


class Validation:
    """``stix2`` validation of a large bundle in worker processes, while the
    calling process plans and writes inside its transaction; the caller
    waits for :meth:`errors` before committing and rolls back if there are
    any. Validation is CPU-bound Python (STIX patterns go through an ANTLR
    parser), so this is where a second core pays."""

    CHUNK = 1000
    _executor = None

    def __init__(self, objects: list[dict]):
        self.objects = objects
        executor = self.executor()
        self.futures = [
            executor.submit(stix.validate_chunk, start, objects[start : start + self.CHUNK]) for start in range(0, len(objects), self.CHUNK)
        ]

    @classmethod
    def executor(cls):
        if cls._executor is None:
            import multiprocessing
            import os
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["awareness.stix"])
            cls._executor = ProcessPoolExecutor(max_workers=max(2, os.cpu_count() or 2), mp_context=context)
        return cls._executor

    @classmethod
    def start(cls, objects: list[dict]) -> Validation | None:
        """Parallel validation if the bundle is large enough and worker
        processes can be had; else ``None`` (validate in-process)."""
        if len(objects) < settings.CDT_FEED_PARALLEL_MIN_OBJECTS:
            return None
        try:
            return cls(objects)
        except (OSError, AssertionError, RuntimeError, ValueError):  # no processes here (e.g. a daemonic worker)
            cls._executor = None
            return None

    def errors(self) -> list[dict]:
        failures = sorted(failure for future in self.futures for failure in future.result())
        return [_error(_identifier(self.objects[index], index), prop, reason) for index, prop, reason in failures[:100]]


def _marking_meanings(objects: list[dict]) -> dict[str, stix.Marking]:
    """TLP definitions, the bundle's marking definitions, and those stored
    by earlier bundles that this one references."""
    meanings: dict[str, stix.Marking] = {ref: stix.Marking(tlp=tlp) for ref, tlp in stix.TLP_MARKINGS.items()}
    referenced: set[str] = set()
    for stix_object in objects:
        if stix_object["type"] == "marking-definition":
            meanings[stix_object["id"]] = stix.marking_meaning(stix_object)
        referenced.update(stix.marking_refs(stix_object))
    missing = list(referenced - set(meanings))
    for chunk in _chunks(missing):
        for stored in (
            StixObject.objects.filter(stix_type="marking-definition", current=True, stix_id__in=chunk).order_by().only("stix_id", "raw")
        ):
            meanings[stored.stix_id] = stix.marking_meaning(stored.raw)
    return meanings


def _case_links(reports: list[dict], *, by, errors: list[dict]) -> dict[str, list[Case]]:
    """Cases a report names in ``external_references`` (``source_name``
    "CDT", ``external_id`` the case reference), if the poster may see them."""
    wanted: dict[str, set[str]] = {}
    for report in reports:
        references = {
            ref.get("external_id")
            for ref in report.get("external_references") or []
            if str(ref.get("source_name", "")).upper() == "CDT" and ref.get("external_id")
        }
        if references:
            wanted[report["id"]] = references
    if not wanted:
        return {}
    all_references = set().union(*wanted.values())
    cases = {case.reference: case for case in visible_to(Case.objects.filter(reference__in=all_references), by)}
    links = {}
    for report_id, references in wanted.items():
        for reference in sorted(references - set(cases)):
            errors.append(_error(report_id, "external_references", _("No such case: %(reference)s.") % {"reference": reference}))
        links[report_id] = [cases[reference] for reference in sorted(references & set(cases))]
    return links


def _current_versions(stix_ids: list[str]) -> dict[str, tuple[int, str, datetime.datetime | None]]:
    found = {}
    for chunk in _chunks(stix_ids):
        for pk, stix_id, version, modified in (
            StixObject.objects.filter(stix_id__in=chunk, current=True).order_by().values_list("pk", "stix_id", "version", "modified")
        ):
            found[stix_id] = (pk, version, modified)
    return found
