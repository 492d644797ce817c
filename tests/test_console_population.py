"""Reference years entered complete or refused (issue 28, point 10): the
console's form takes a whole year (one row per state that was a Member
State during it, prefilled from the year before) and saves all or nothing;
the admin no longer takes one share or figure alone; the directory page and
the votes use one year's figures, never a mix (the 100.11 % of issue 28)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from cdt.directory.models import MemberState, PopulationFigure, PopulationShare, PopulationYear
from cdt.directory.selectors import PopulationFiguresMissing, population_in_force, population_on
from cdt.security.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(year):
    return reverse("console-population-year", args=[year])


def figures_2021():
    """Round test figures for the 27 of 2021, Germany the largest."""
    return {
        state.code: 1_000_000 * (20 if state.code == "DE" else 5) for state in MemberState.objects.members_on(datetime.date(2021, 6, 1))
    }


def post_for(figures, **extra):
    return {
        **{f"figure_{code}": f"{value:,}" for code, value in figures.items()},
        "act": "Council Decision (EU, Euratom) 2020/2030",
        **extra,
    }


def test_a_whole_year_is_saved_in_one_form(cast, signed_in):
    client = signed_in["secretariat"]
    page = client.get(url(2021))
    assert page.status_code == 200
    form = page.context["form"]
    assert [field.name for field in form.figure_fields()] == [
        f"figure_{code}" for code in MemberState.objects.members_on(datetime.date(2021, 6, 1)).values_list("code", flat=True)
    ]
    assert len(form.figure_fields()) == 27  # 2021: no United Kingdom
    assert len(client.get(url(2019)).context["form"].figure_fields()) == 28  # 2019: the EU-28

    figures = figures_2021()
    done = client.post(url(2021), post_for(figures))  # "5,000,000": thousands separators are fine
    assert done.status_code == 302 and done.url == reverse("console-population")
    record = PopulationYear.objects.get(year=2021)
    assert record.complete and record.entered_by == cast["secretariat"] and record.act.startswith("Council Decision")
    assert dict(record.figures.values_list("member_state__code", "population")) == figures
    assert AuditEntry.objects.filter(object_type="directory.populationyear", object_id=str(record.pk), actor=cast["secretariat"]).exists()
    assert "2021" in client.get(reverse("console-population")).content.decode()


def test_a_partial_year_is_refused_naming_the_missing_states_and_nothing_is_written(signed_in):
    figures = figures_2021()
    del figures["MT"], figures["LU"]
    response = signed_in["secretariat"].post(url(2021), post_for(figures))
    assert response.status_code == 400
    form = response.context["form"]
    assert "incomplete: missing LU, MT" in " ".join(form.non_field_errors())
    assert form.errors["figure_MT"] and form.errors["figure_LU"] and "figure_DE" not in form.errors
    body = response.content.decode()
    assert "Nothing was saved." in body and "Missing: give Malta" in body
    assert not PopulationYear.objects.filter(year=2021).exists() and not PopulationFigure.objects.filter(year__year=2021).exists()


def test_a_wrong_figure_is_refused_on_its_row(signed_in):
    response = signed_in["secretariat"].post(url(2021), post_for(figures_2021()) | {"figure_FR": "many"})
    assert response.status_code == 400 and "figure_FR" in response.context["form"].errors
    assert not PopulationYear.objects.filter(year=2021).exists()


def test_a_year_starts_from_the_figures_of_the_year_before(signed_in):
    client = signed_in["secretariat"]
    client.post(url(2021), post_for(figures_2021()))
    page = client.get(url(2022))
    assert page.context["prefilled_from"] == 2021
    assert page.context["form"]["figure_DE"].value() == "20000000"
    assert 'data-testid="prefilled"' in page.content.decode()
    assert not PopulationYear.objects.filter(year=2022).exists()  # opening the form enters nothing


def test_years_outside_the_range_are_not_forms(signed_in):
    client = signed_in["secretariat"]
    assert client.get(url(1999)).status_code == 404
    assert client.get(url(timezone_year() + 2)).status_code == 404
    assert client.get(reverse("console-population"), {"year": "2021"}).url == url(2021)
    assert client.get(reverse("console-population"), {"year": "20x1"}, follow=True).status_code == 200


def timezone_year():
    from django.utils import timezone

    return timezone.localdate().year


def test_the_admin_no_longer_takes_one_figure_alone(secretariat_user, login_verified, client):
    """Neither a share nor a figure is added, changed or deleted in the
    admin: the inline on a Member State is read-only too."""
    login_verified(client, secretariat_user)
    for model in (PopulationShare, PopulationFigure, PopulationYear):
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue  # figures are an inline of their year only
        request = type("R", (), {"user": secretariat_user})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
    germany = MemberState.objects.get(code="DE")
    share = PopulationShare.objects.get(member_state=germany, year=2025)
    assert client.get(reverse("admin:directory_populationshare_add")).status_code == 403
    response = client.post(
        reverse("admin:directory_populationshare_change", args=[share.pk]),
        {"member_state": germany.pk, "year": 2025, "share_percent": "19"},
    )
    assert response.status_code == 403
    page = client.get(reverse("admin:directory_memberstate_change", args=[germany.pk])).content.decode()
    assert 'name="population_shares-0-share_percent"' not in page and "population_shares-__prefix__" not in page
    assert PopulationShare.objects.get(pk=share.pk).share_percent == Decimal("18.490")


def test_the_directory_shows_one_years_shares_even_beside_a_stray_row(cast, signed_in):
    """A share entered alone for 2026 (as the old admin allowed) does not
    make the directory add Germany's 2026 figure to the others' of 2025."""
    PopulationShare.objects.create(member_state=MemberState.objects.get(code="DE"), year=2026, share_percent=Decimal("18.600"))
    response = signed_in["delegate"].get(reverse("directory"))
    body = response.content.decode()
    assert "Share of EU population (2025)" in body
    assert response.context["share_total"] == pytest.approx(Decimal(100), abs=Decimal("0.000001"))
    assert "18.49 %" in body and "18.60 %" not in body


def test_a_vote_uses_one_complete_year_or_refuses(cast):
    """The tally's figures are the vote's own year, complete: a year with a
    stray share is not complete and is refused, naming it; never another
    year's figures instead."""
    states = list(MemberState.objects.current().values_list("pk", flat=True))
    PopulationShare.objects.create(member_state=MemberState.objects.get(code="DE"), year=2026, share_percent=Decimal("18.600"))
    with pytest.raises(PopulationFiguresMissing) as missing:
        population_on(datetime.date(2026, 3, 1), states)
    assert "2026" in missing.value.message
    in_2025 = population_on(datetime.date(2025, 3, 1), states)
    assert in_2025.year == 2025 and sum(in_2025.percent(pk) for pk in states) == pytest.approx(Decimal(100))
    assert in_2025.weights[MemberState.objects.get(code="DE").pk] == Decimal("18.490")
    assert population_in_force(datetime.date(2026, 3, 1), states).year == 2025
