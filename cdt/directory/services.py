"""Writes of the directory: the secretariat enters a year's population
figures (Council Rules of Procedure art. 11(6) and Annex III), complete or
not at all, so a vote is never computed on a partial table."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdt.accounts.roles import is_secretariat
from cdt.security.audit import audit_record
from cdt.security.models import AuditEntry

from .models import PopulationFigure, PopulationYear
from .selectors import members_during

EARLIEST_YEAR = 2000
#: No Member State has a billion inhabitants: a larger number is a typing error.
MAX_POPULATION = 1_000_000_000


def population_year_enter(
    *, by, year: int, figures: Mapping[str, int], act: str = "", oj_reference: str = "", source: str = ""
) -> PopulationYear:
    """Enter (or replace) the figures of ``year``: one population per state
    that was a member during the year (the EU-28 up to 2020), no other
    state, each a positive whole number. Refused with the missing and
    unknown states named; the year is then complete."""
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the Council secretariat enters the population figures."))
    latest = timezone.localdate().year + 1
    if not EARLIEST_YEAR <= year <= latest:
        raise ValidationError({"year": _("Give a year from %(first)s to %(last)s.") % {"first": EARLIEST_YEAR, "last": latest}})
    members = {state.code: state for state in members_during(year)}
    errors: dict[str, list[str]] = {}
    for code in sorted(set(figures) - set(members)):
        errors[f"figures.{code}"] = [_("%(code)s was not a Member State in %(year)s.") % {"code": code, "year": year}]
    for code, population in figures.items():
        if code in members and (isinstance(population, bool) or not isinstance(population, int) or not 1 <= population <= MAX_POPULATION):
            errors[f"figures.{code}"] = [_("Give the population as a positive whole number.")]
    missing = [code for code in members if code not in figures]
    if missing:
        errors["figures"] = [_("The table of %(year)s is incomplete: missing %(states)s.") % {"year": year, "states": ", ".join(missing)}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record, _created = PopulationYear.objects.select_for_update().get_or_create(year=year)
        record.complete, record.act, record.oj_reference, record.source, record.entered_by = True, act, oj_reference, source, by
        record.full_clean()
        record.save()
        record.figures.all().delete()
        PopulationFigure.objects.bulk_create(
            [PopulationFigure(year=record, member_state=members[code], population=figures[code]) for code in members]
        )
        audit_record(
            action=AuditEntry.Action.CHANGE,
            actor=by,
            target=record,
            details={"year": year, "states": len(members), "total": sum(figures[code] for code in members), "act": act},
        )
    return record
