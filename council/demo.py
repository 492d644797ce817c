"""Demo meetings for ``seed_demo``: the next HWPCI meeting, with agenda
items on demo cases (idempotent: a meeting with the same title is kept)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cases.models import Case
from cdt.accounts.models import User
from cdt.directory.models import CouncilBody

from . import services

TITLE = "HWPCI — Cyber Diplomacy Toolbox"


def seed_demo_meetings(chair: User) -> int:
    hwpci = CouncilBody.objects.get(code="HWPCI")
    if hwpci.meetings.filter(title=TITLE).exists():
        return 0
    today = timezone.localdate()
    thursday = today + datetime.timedelta(days=(3 - today.weekday()) % 7 or 7)
    meeting = services.meeting_schedule(
        by=chair,
        body=hwpci,
        title=TITLE,
        starts_at=timezone.make_aware(datetime.datetime.combine(thursday, datetime.time(10, 0))),
    )
    services.agenda_item_add(by=chair, meeting=meeting, title="Adoption of the agenda")
    for title, case_title in (
        ("Wiper attack on electricity transmission operators: exchange of views", "Wiper attack on electricity transmission operators"),
        ("Proposed listings: state of play of the silence procedure", "Intrusions into EU institutions' networks: proposed listings"),
    ):
        services.agenda_item_add(by=chair, meeting=meeting, title=title, case=Case.objects.get(title=case_title))
    services.agenda_item_add(by=chair, meeting=meeting, title="AOB")
    return 1
