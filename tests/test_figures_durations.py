"""Time spent per step comes from the days the steps were taken (the
transition log's ``on``), from the day a case was brought to the Council;
a log row without a day (an object's creation) is no step; a step no case
has left has no figure rather than "0.0 days". And the charts' labels are
never cut, in French either."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from cases import services
from cases.models import Case, CaseState, CaseTransition
from cdt.core.charts import bar_chart, wrap_label
from overview import figures

from .cases_support import cast, open_case, satisfy_guards, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db

PATH = [("share_awareness", "chair"), ("explore_response", "chair"), ("open_deliberation", "chair")]


def walk_on_days(case: Case, cast, brought_days_ago: int, days_ago: list[int]) -> Case:
    """Bring ``case`` that many days ago and take the first steps of the
    process on the given days (days ago), through the services."""
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(brought_on=today - datetime.timedelta(days=brought_days_ago))
    case.refresh_from_db()
    for (transition, actor), ago in zip(PATH, days_ago, strict=False):
        satisfy_guards(case, transition, cast)
        case = services.case_transition(case=case, by=cast[actor], transition=transition, on=today - datetime.timedelta(days=ago)).case
    return case


def test_time_per_step_from_the_days_the_steps_were_taken(cast, open_case):
    first = walk_on_days(open_case(), cast, 30, [28, 20, 5])  # stays: started 2, awareness 8, exploration 15
    walk_on_days(open_case(), cast, 10, [6, 2])  # stays: started 4, awareness 4
    # A creation row (no day) is not a step taken and does not move the start.
    CaseTransition.objects.create(case=first, transition="create", source=CaseState.STARTED, target=CaseState.STARTED, on=None)

    stays = {stay.step: stay for stay in figures.register_figures(cast["delegate"]).time_per_step}
    assert (stays[CaseState.STARTED].median_days, stays[CaseState.STARTED].mean_days, stays[CaseState.STARTED].stays) == (3.0, 3.0, 2)
    assert (stays[CaseState.AWARENESS].median_days, stays[CaseState.AWARENESS].mean_days) == (6.0, 6.0)
    assert (stays[CaseState.EXPLORATION].median_days, stays[CaseState.EXPLORATION].stays) == (15.0, 1)
    deliberation = stays[CaseState.DELIBERATION]  # entered, not left: no figure
    assert (deliberation.median_days, deliberation.mean_days, deliberation.stays) == (None, None, 0)

    chart = {row.label: row for row in figures.time_per_step_chart(figures.register_figures(cast["delegate"])).rows}
    assert chart[str(CaseState.AWARENESS.label)].text == "median 6.0 days, average 6.0 days (2 stays)"
    assert chart[str(CaseState.EXPLORATION.label)].text == "median 15.0 days, average 15.0 days (1 stay)"
    assert chart[str(CaseState.DELIBERATION.label)].text == "no case has left this step yet"
    assert not any(row.text.startswith("0.0") for row in chart.values())


def test_the_api_gives_median_and_average(cast, open_case, signed_in):
    walk_on_days(open_case(), cast, 9, [7])  # started 2
    walk_on_days(open_case(), cast, 12, [2])  # started 10
    walk_on_days(open_case(), cast, 4, [1])  # started 3
    body = signed_in["delegate"].get("/api/v1/figures/").json()
    started = next(stay for stay in body["time_per_step"] if stay["step"] == CaseState.STARTED)
    assert (started["median_days"], started["mean_days"], started["stays"]) == (3.0, 5.0, 3)
    evaluation = next(stay for stay in body["time_per_step"] if stay["step"] == CaseState.EVALUATION)
    assert evaluation["median_days"] is None and evaluation["mean_days"] is None


def test_chart_labels_wrap_instead_of_being_cut():
    with translation.override("fr"):
        labels = [str(label) for _value, label in CaseState.choices]
        chart = bar_chart(key="k", title="t", description="d", rows=[(label, [1], "1") for label in labels])
    assert max(len(label) for label in labels) > 44  # longer than the old cut
    for row, label in zip(chart.rows, labels, strict=True):
        assert " ".join(row.lines) == label  # every word kept, in order
        assert all(len(line) <= 38 for line in row.lines)
    assert wrap_label("short") == ["short"]
    tall = [row for row in chart.rows if len(row.lines) > 1]
    assert tall and chart.height > len(chart.rows) * 28  # wrapped rows make the chart taller, not the text smaller
    ys = [row.y for row in chart.rows]
    assert ys == sorted(ys) and all(b - a >= 28 for a, b in zip(ys, ys[1:], strict=False))  # rows never overlap


def test_the_figures_page_shows_whole_labels_in_french(cast, open_case, signed_in):
    open_case()
    client = signed_in["delegate"]
    html = client.get("/figures/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "…" not in re.sub(r"<details.*?</details>", "", html, flags=re.S)  # no label cut in the charts
    with translation.override("fr"):
        words = str(CaseState.PARTNER_COOPERATION.label).split()
    texts = re.findall(r'<text x="292"[^>]*>(.*?)</text>', html, flags=re.S)
    flat = [re.sub(r"<[^>]+>", " ", text) for text in texts]
    assert any(all(word.replace("'", "&#x27;") in text for word in words) for text in flat)
