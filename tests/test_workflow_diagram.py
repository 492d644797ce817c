"""The case page's diagram: every step's whole name (in French too, where
the names are longest), each box leading to the list of cases at that step
and saying how many there are (of those the reader may see), and a caption
saying what the boxes, the figures and the arrows back mean."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import CaseState
from cases.workflow import moves_back, workflow_svg

from .cases_support import cast, open_case, signed_in, walk_to  # noqa: F401

pytestmark = pytest.mark.django_db


def box_text(svg: str, state: str) -> str:
    group = re.search(rf'<g class="[^"]*" data-state="{state}"[^>]*>(.*?)</g>', svg, flags=re.S)
    assert group, state
    return " ".join(re.sub(r"<[^>]+>", " ", group.group(1)).split())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_step_name_is_whole(language):
    with translation.override(language):
        svg = workflow_svg(current=CaseState.DECISION, counts={})
        for state, label in CaseState.choices:
            number, _sep, name = str(label).partition(" · ")
            text = box_text(svg, state).replace("&#x27;", "'").replace("&#39;", "'")
            assert (name or number) in text, (state, text)
    assert "…" not in svg


def test_boxes_link_to_the_cases_at_each_step_with_their_count(cast, open_case, signed_in):
    case = walk_to(open_case(title="Wiper at deliberations"), CaseState.DELIBERATION, cast)
    open_case(title="A fresh one")
    open_case(title="Another fresh one")
    client = signed_in["chair"]
    html = client.get(reverse("case-page", args=[case.pk])).content.decode()
    for state in CaseState.values:
        assert f'href="/cases/?state={state}"' in html, state
    count = {state: int(n) for state, n in re.findall(r'data-state="([a-z_]+)".*?data-count="(\d+)"', html, flags=re.S)}
    assert count[CaseState.DELIBERATION] == 1 and count[CaseState.STARTED] == 2 and count[CaseState.CLOSED] == 0
    assert "2 cases" in box_text(html, CaseState.STARTED) and "1 case" in box_text(html, CaseState.DELIBERATION)
    listed = client.get("/cases/?state=deliberation").content.decode()
    assert "Wiper at deliberations" in listed and "A fresh one" not in listed

    caption = re.search(r'data-testid="workflow-caption">(.*?)</figcaption>', html, flags=re.S).group(1)
    assert "how many cases you may see at that step" in caption
    assert "Reopen" in caption and "from “Closed” to “2 · Shared situational awareness”" in caption.replace("&#x27;", "'")
    assert "Return to deliberations" in caption and "Close the case" in caption
    assert "Share situational awareness" not in caption  # forward moves need no explanation


def test_counts_are_of_what_the_reader_may_see(cast, open_case):
    from cases.workflow import workflow_diagram

    case = open_case()  # restricted, not shared with Hungary
    seen = workflow_diagram(case=case, user=cast["delegate"], taken=set(), visited=set(), exercise=False)
    unseen = workflow_diagram(case=case, user=cast["outsider"], taken=set(), visited=set(), exercise=False)
    assert re.search(r'data-state="started".*?data-count="1"', seen, flags=re.S)
    assert re.search(r'data-state="started".*?data-count="0"', unseen, flags=re.S)
    assert 'role="group"' in seen  # the links stay reachable by assistive technology


def test_the_caption_explains_every_move_back():
    explained = dict(moves_back())
    assert set(explained) == {"Return to deliberations", "Revisit an earlier step", "Close the case", "Reopen"}
    assert "from any open step" in explained["Close the case"]
