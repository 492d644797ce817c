"""A realistic register, written in bulk from a fixed seed.

Volumes follow the issue: 10,000 cases in every step (a fifth exercises),
60,000 transition log rows, 27 delegations with 300 users, 150,000 Member
State positions, 5,000 assessments, 2,000 response measures and 50,000
notifications. Need-to-know is given as the services give it: the
delegation that brought a case and the secretariat hold view and change;
most cases are distributed to HWPCI (docs/decisions/0022), the rest are
restricted and shared with a few delegations as a whole plus named
officials; assessments follow their cases.

Rows go in through ``COPY`` (:func:`cdt.core.bulk.bulk_insert_values`): no
services, no signals, no audit trail. The bench measures reading a large
register, and services are covered by the test suite.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection, models, transaction
from django.utils import timezone

from cdt.core.bulk import bulk_insert_values

SEED = 20261122


@dataclasses.dataclass(frozen=True)
class Volume:
    cases: int = 10_000
    transitions: int = 60_000
    users: int = 300
    positions: int = 150_000
    assessments: int = 5_000
    measures: int = 2_000
    notifications: int = 50_000

    def scaled(self, factor: float) -> Volume:
        """Rows scaled by ``factor``; the 300 users stay (one client per delegation needs them)."""
        return Volume(
            **{name: value if name == "users" else max(27, int(value * factor)) for name, value in dataclasses.asdict(self).items()}
        )


@dataclasses.dataclass
class Seeded:
    """What the load phase needs: who signs in, and objects every client may open."""

    delegates: list[int]
    shared_case_ids: list[int]
    question_ids: list[int]
    counts: dict[str, int]


def _insert(model: type[models.Model], rows: list[dict], *, with_ids: bool = False) -> list[int]:
    """COPY ``rows`` (attribute → value) into ``model``; fields a row leaves
    out take their model default (``auto_now`` fields: now)."""
    if not rows:
        return []
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns, defaults = [], []
    for field in fields:
        columns.append(field.attname)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append(now)
        else:
            defaults.append(field.get_default())  # the declared default, "" for text, None for nullable
    values = [tuple(row.get(column, default) for column, default in zip(columns, defaults)) for row in rows]
    return bulk_insert_values(model, columns, values, with_ids=with_ids)


def seed(volume: Volume = Volume()) -> Seeded:
    from awareness.models import Assessment
    from cases.models import Case, CaseGroupObjectPermission, CaseKind, CaseState, CaseTransition, CaseUserObjectPermission
    from cdt.accounts.models import User
    from cdt.accounts.roles import Role
    from cdt.accounts.services import role_groups_ensure
    from cdt.directory.models import CouncilBody, MemberState, Organisation
    from cdt.directory.reference import load_reference_data
    from cdt.security.access import codename
    from cdt.security.grants import organisation_group
    from cdt.security.markings import Classification, Distribution, Tlp
    from council.models import Position, PositionValue, Question
    from measures.catalogue import catalogue_ensure
    from measures.choices import MeasureState
    from measures.models import MeasureType, ResponseMeasure
    from notifications.models import Channel, Event, EventKind, Notification

    rng = random.Random(SEED)
    now = timezone.now()
    load_reference_data(apps)
    catalogue_ensure(apps)
    roles = role_groups_ensure()
    delegations = list(Organisation.objects.filter(kind=Organisation.Kind.DELEGATION).order_by("code"))
    states = {ms.pk: ms for ms in MemberState.objects.all()}
    secretariat = Organisation.objects.get(code="GSC")
    eeas = Organisation.objects.get(code="EEAS")
    siac = Organisation.objects.get(code="SIAC")
    org_groups = {organisation.pk: organisation_group(organisation) for organisation in [*delegations, secretariat, eeas, siac]}

    with transaction.atomic():
        # --- Users: delegates spread over the 27 delegations, plus EEAS, SIAC and the secretariat.
        user_rows, memberships = [], []
        for index in range(volume.users):
            if index < volume.users - 30:
                organisation, role = delegations[index % len(delegations)], Role.HWPCI_DELEGATE
            else:
                organisation, role = [(eeas, Role.EEAS_DRAFTER), (siac, Role.SIAC_ANALYST), (secretariat, Role.SECRETARIAT)][index % 3]
            user_rows.append(
                {
                    "username": f"bench-{index:04d}",
                    "password": "!",
                    "first_name": "Bench",
                    "last_name": f"User {index}",
                    "email": f"bench-{index:04d}@cdt.invalid",
                    "is_active": True,
                    "date_joined": now,
                    "organisation_id": organisation.pk,
                    "clearance": int(Classification.RESTREINT_UE),
                }
            )
            memberships.append((organisation.pk, role))
        user_ids = _insert(User, user_rows, with_ids=True)
        through = User.groups.through
        _insert(
            through,
            [
                row
                for user_id, (organisation_id, role) in zip(user_ids, memberships)
                for row in (
                    {"user_id": user_id, "group_id": roles[role].pk},
                    {"user_id": user_id, "group_id": org_groups[organisation_id].pk},
                )
            ],
        )
        delegates = [user_id for user_id, (_, role) in zip(user_ids, memberships) if role == Role.HWPCI_DELEGATE]
        by_delegation: dict[int, list[int]] = {}
        for user_id, (organisation_id, role) in zip(user_ids, memberships):
            if role == Role.HWPCI_DELEGATE:
                by_delegation.setdefault(organisation_id, []).append(user_id)
        author = user_ids[0]

        # --- Cases in every step; a fifth are exercises.
        all_states = list(CaseState)
        case_rows, shared = [], []
        for index in range(volume.cases):
            brought_by = delegations[index % len(delegations)]
            state = all_states[rng.randrange(len(all_states))]
            is_shared = rng.random() < 0.8
            shared.append(is_shared)
            case_rows.append(
                {
                    "reference": f"CDT-{2020 + index % 7}-{index:05d}",
                    "kind": CaseKind.MALICIOUS_ACTIVITY,
                    "title": f"{rng.choice(['Wiper', 'Espionage', 'Ransomware', 'Supply-chain', 'DDoS'])} campaign {index}",
                    "summary": "Malicious cyber activity against critical entities in several Member States. " * 4,
                    "brought_by_id": brought_by.pk,
                    "brought_on": datetime.date(2020, 1, 1) + datetime.timedelta(days=(index * 7) % 2500),
                    "exercise": index % 5 == 0,
                    "state": state,
                    "classification": int(Classification.RESTREINT_UE),
                    "limite": True,
                    "tlp": int(Tlp.AMBER),
                    "releasable_to_all": True,
                    "originator_id": brought_by.pk,
                    "created_by_id": author,
                    "sectors": ["energy"],
                    "distribution": Distribution.HWPCI if is_shared else Distribution.RESTRICTED,
                }
            )
        case_ids = _insert(Case, case_rows, with_ids=True)

        # --- Need-to-know: the bringing delegation and the secretariat (view and change); most
        # cases distributed to HWPCI, the rest restricted to a few delegations and named officials.
        view_case = Permission.objects.get(codename=codename(Case, "view"), content_type__app_label="cases")
        change_case = Permission.objects.get(codename=codename(Case, "change"), content_type__app_label="cases")
        group_grants, user_grants = [], []
        for case_id, row, is_shared in zip(case_ids, case_rows, shared):
            for group in (org_groups[row["brought_by_id"]], org_groups[secretariat.pk]):
                group_grants += [(case_id, group.pk, view_case.pk), (case_id, group.pk, change_case.pk)]
            if not is_shared:
                for organisation in rng.sample(delegations, 4):
                    if organisation.pk != row["brought_by_id"]:
                        group_grants.append((case_id, org_groups[organisation.pk].pk, view_case.pk))
                for user_id in rng.sample(delegates, 3):
                    user_grants.append((case_id, user_id, view_case.pk))
        bulk_insert_values(CaseGroupObjectPermission, ["content_object_id", "group_id", "permission_id"], group_grants)
        bulk_insert_values(CaseUserObjectPermission, ["content_object_id", "user_id", "permission_id"], user_grants)

        # --- Transition log: six rows a case on average, along the process.
        transitions = []
        for number in range(volume.transitions):
            case_index = number % volume.cases
            step = number // volume.cases
            source, target = all_states[step % len(all_states)], all_states[(step + 1) % len(all_states)]
            transitions.append(
                (
                    case_ids[case_index],
                    f"to_{target}"[:40],
                    source,
                    target,
                    author,
                    now - datetime.timedelta(days=(volume.transitions - number) % 900, hours=step),
                    "",
                    "",
                )
            )
        bulk_insert_values(CaseTransition, ["case_id", "transition", "source", "target", "by_id", "at", "comment", "reason"], transitions)

        # --- Questions with a position for each of the 27 Member States.
        hwpci_body = CouncilBody.objects.get(code="HWPCI")
        question_count = max(1, volume.positions // len(states))
        question_rows = [
            {
                "case_id": case_ids[(index * 3) % volume.cases],
                "text": f"Adopt the options in note {index}?",
                "voting_rule": "unanimity",
                "body_id": hwpci_body.pk,
                "status": "open" if index % 4 else "decided",
                "put_by_id": author,
                "put_at": now - datetime.timedelta(days=index % 400),
                "classification": int(Classification.RESTREINT_UE),
            }
            for index in range(question_count)
        ]
        question_ids = _insert(Question, question_rows, with_ids=True)
        values = [value for value in PositionValue if value != PositionValue.NONE]
        positions = []
        for question_id in question_ids:
            for member_state_id in states:
                value = PositionValue.NONE if rng.random() < 0.2 else rng.choice(values)
                positions.append((question_id, member_state_id, value, "", "", False, None if value == PositionValue.NONE else author, now))
        bulk_insert_values(
            Position,
            ["question_id", "member_state_id", "value", "reserve", "declaration", "stated_orally", "recorded_by_id", "updated_at"],
            positions,
        )

        # --- Assessments, following the cases they inform.
        assessment_rows = [
            {
                "kind": "written",
                "source_id": siac.pk,
                "title": f"All-source assessment {index}",
                "body": "Technical characteristics, likely origin and intent. " * 10,
                "assessed_on": datetime.date(2025, 1, 1) + datetime.timedelta(days=index % 600),
                "confidence": "moderate",
                "recorded_by_id": author,
                "classification": int(Classification.RESTREINT_UE),
                "limite": True,
                "tlp": int(Tlp.AMBER),
                "releasable_to_all": True,
                "originator_id": siac.pk,
                "stix_id": "",
                "distribution": Distribution.WITH_CASES,
            }
            for index in range(volume.assessments)
        ]
        assessment_ids = _insert(Assessment, assessment_rows, with_ids=True)
        bulk_insert_values(
            Assessment.cases.through,
            ["assessment_id", "case_id"],
            [(assessment_id, case_ids[(index * 2) % volume.cases]) for index, assessment_id in enumerate(assessment_ids)],
        )

        # --- Response measures on cases.
        measure_types = list(MeasureType.objects.values_list("pk", flat=True))
        measure_states = list(MeasureState)
        _insert(
            ResponseMeasure,
            [
                {
                    "case_id": case_ids[(index * 5) % volume.cases],
                    "measure_type_id": measure_types[index % len(measure_types)],
                    "description": f"Measure {index}",
                    "state": measure_states[index % len(measure_states)],
                    "proposed_by_id": author,
                    "classification": int(Classification.RESTREINT_UE),
                }
                for index in range(volume.measures)
            ],
        )

        # --- Notifications: events about shared cases, ten recipients each.
        recipients_per_event = 10
        event_count = max(1, volume.notifications // recipients_per_event)
        kinds = [EventKind.CASE_STEP, EventKind.ASSESSMENT_ADDED, EventKind.POSITION_REQUESTED, EventKind.DECISION_ADOPTED]
        shared_ids = [case_id for case_id, is_shared in zip(case_ids, shared) if is_shared]
        references = {case_id: row["reference"] for case_id, row in zip(case_ids, case_rows)}
        event_rows = []
        for index in range(event_count):
            case_id = shared_ids[index % len(shared_ids)]
            event_rows.append(
                {
                    "kind": kinds[index % len(kinds)],
                    "case_id": case_id,
                    "classification": int(Classification.RESTREINT_UE),
                    "reference": references[case_id],
                    "marking": "RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER",
                    "link": f"/cases/{case_id}/",
                    "payload": {},
                    "created_at": now - datetime.timedelta(minutes=index),
                    "dispatched_at": now,
                }
            )
        event_ids = _insert(Event, event_rows, with_ids=True)
        notification_rows = []
        for event_id in event_ids:
            for recipient in rng.sample(delegates, recipients_per_event):
                notification_rows.append(
                    (event_id, recipient, Channel.IN_APP, "immediate", now, None if rng.random() < 0.7 else now, None, 0, "")
                )
        bulk_insert_values(
            Notification,
            ["event_id", "recipient_id", "channel", "mode", "created_at", "read_at", "sent_at", "attempts", "last_error"],
            notification_rows,
        )

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    everyone_sees = [case_id for case_id, is_shared in zip(case_ids, shared) if is_shared]
    visible_questions = set(everyone_sees)
    questions = [question_id for question_id, row in zip(question_ids, question_rows) if row["case_id"] in visible_questions]
    # One delegate of each delegation first, so 20 clients come from 20 delegations.
    ordered = [user_ids for _, user_ids in sorted(by_delegation.items())]
    clients = [ids[round_] for round_ in range(max(map(len, ordered))) for ids in ordered if round_ < len(ids)]
    counts = {
        "cases": len(case_ids),
        "transitions": len(transitions),
        "users": len(user_ids),
        "questions": len(question_ids),
        "positions": len(positions),
        "assessments": len(assessment_ids),
        "measures": volume.measures,
        "notifications": len(notification_rows),
        "case grants": len(group_grants) + len(user_grants),
    }
    return Seeded(delegates=clients, shared_case_ids=everyone_sees, question_ids=questions, counts=counts)
