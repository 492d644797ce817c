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
register, and services are covered by the test suite. Their values are the
factories' (``<app>/factories.py``, as the tests build rows): each model's
factory builds one row, which every bulk row shares, and the seed states
only what varies from row to row (a factory build a row would make seeding
several seconds slower).
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models.expressions import DatabaseDefault
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
    options_notes: int = 2_000
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


def _row(factory_class, **shared: Any) -> dict[str, Any]:
    """A row of ``factory_class``'s model as the factory builds it (its
    declarations, ``shared`` over them, the model's defaults for the rest;
    ``auto_now`` fields: now), column by attribute name, saved nowhere."""
    built = factory_class.build(**shared)
    now = timezone.now()
    row = {}
    for field in built._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(built, field.attname)
        if isinstance(value, DatabaseDefault):
            continue  # the database fills it
        if value is None and (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
            value = now
        row[field.attname] = value
    return row


def _insert(factory_class, rows: list[dict], *, with_ids: bool = False, **shared: Any) -> list[int]:
    """COPY ``rows`` (attribute → value) into ``factory_class``'s model;
    what a row leaves out is the factory's (:func:`_row`)."""
    if not rows:
        return []
    like = _row(factory_class, **shared)
    values = [tuple(row.get(column, value) for column, value in like.items()) for row in rows]
    return bulk_insert_values(factory_class._meta.model, list(like), values, with_ids=with_ids)


def _insert_values(factory_class, columns: list[str], values: list[tuple], **shared: Any) -> None:
    """COPY value tuples for ``columns`` (the tables of hundreds of
    thousands of rows); every other column is the factory's (:func:`_row`)."""
    like = _row(factory_class, **shared)
    rest = {column: value for column, value in like.items() if column not in columns}
    tail = tuple(rest.values())
    bulk_insert_values(factory_class._meta.model, [*columns, *rest], [row + tail for row in values])


def seed(volume: Volume = Volume()) -> Seeded:
    from awareness.factories import AssessmentFactory
    from awareness.models import Assessment
    from cases.factories import CaseFactory, CaseTransitionFactory
    from cases.models import Case, CaseGroupObjectPermission, CaseState, CaseUserObjectPermission
    from cdt.accounts.factories import UserFactory
    from cdt.accounts.models import User
    from cdt.accounts.roles import Role
    from cdt.accounts.services import role_groups_ensure
    from cdt.directory.models import CouncilBody, MemberState, Organisation
    from cdt.directory.reference import load_reference_data
    from cdt.security.access import codename
    from cdt.security.grants import organisation_group
    from cdt.security.markings import Classification, Distribution
    from council.factories import PositionFactory, QuestionFactory
    from council.models import PositionValue
    from measures.catalogue import catalogue_ensure
    from measures.choices import MeasureState
    from measures.factories import OptionsNoteFactory, ResponseMeasureFactory
    from measures.models import MeasureType
    from notifications.factories import EventFactory, NotificationFactory
    from notifications.models import EventKind

    rng = random.Random(SEED)
    now = timezone.now()
    load_reference_data(apps)
    catalogue_ensure(apps)
    roles = role_groups_ensure()
    delegations = list(Organisation.objects.filter(kind=Organisation.Kind.DELEGATION).order_by("code"))
    states = {ms.pk: ms for ms in MemberState.objects.current()}
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
                    "last_name": f"User {index}",
                    "email": f"bench-{index:04d}@cdt.invalid",
                    "organisation_id": organisation.pk,
                }
            )
            memberships.append((organisation.pk, role))
        user_ids = _insert(UserFactory, user_rows, with_ids=True, first_name="Bench", date_joined=now)
        bulk_insert_values(
            User.groups.through,
            ["user_id", "group_id"],
            [
                row
                for user_id, (organisation_id, role) in zip(user_ids, memberships)
                for row in ((user_id, roles[role].pk), (user_id, org_groups[organisation_id].pk))
            ],
        )
        delegates = [user_id for user_id, (_, role) in zip(user_ids, memberships) if role == Role.HWPCI_DELEGATE]
        by_delegation: dict[int, list[int]] = {}
        for user_id, (organisation_id, role) in zip(user_ids, memberships):
            if role == Role.HWPCI_DELEGATE:
                by_delegation.setdefault(organisation_id, []).append(user_id)
        author = User.objects.get(pk=user_ids[0])

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
                    "title": f"{rng.choice(['Wiper', 'Espionage', 'Ransomware', 'Supply-chain', 'DDoS'])} campaign {index}",
                    "brought_by_id": brought_by.pk,
                    "brought_on": datetime.date(2020, 1, 1) + datetime.timedelta(days=(index * 7) % 2500),
                    "exercise": index % 5 == 0,
                    "state": state,
                    "originator_id": brought_by.pk,
                    "distribution": Distribution.HWPCI if is_shared else Distribution.RESTRICTED,
                }
            )
        case_ids = _insert(
            CaseFactory,
            case_rows,
            with_ids=True,
            reference="",
            created_by=author,
            summary="Malicious cyber activity against critical entities in several Member States. " * 4,
            sectors=["energy"],
        )

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
                    now - datetime.timedelta(days=(volume.transitions - number) % 900, hours=step),
                )
            )
        _insert_values(CaseTransitionFactory, ["case_id", "transition", "source", "target", "at"], transitions, case=None, by=author)

        # --- Questions with a position for each of the 27 Member States.
        hwpci_body = CouncilBody.objects.get(code="HWPCI")
        question_count = max(1, volume.positions // len(states))
        question_rows = [
            {
                "case_id": case_ids[(index * 3) % volume.cases],
                "text": f"Adopt the options in note {index}?",
                "status": "open" if index % 4 else "decided",
                "put_at": now - datetime.timedelta(days=index % 400),
            }
            for index in range(question_count)
        ]
        question_ids = _insert(
            QuestionFactory,
            question_rows,
            with_ids=True,
            case=None,
            body=hwpci_body,
            put_by=author,
            classification=Classification.RESTREINT_UE,
        )
        values = [value for value in PositionValue if value != PositionValue.NONE]
        positions = []
        for question_id in question_ids:
            for member_state_id in states:
                value = PositionValue.NONE if rng.random() < 0.2 else rng.choice(values)
                positions.append((question_id, member_state_id, value, None if value == PositionValue.NONE else author.pk))
        _insert_values(
            PositionFactory,
            ["question_id", "member_state_id", "value", "recorded_by_id"],
            positions,
            question=None,
            member_state=None,
            recorded_by=None,
        )

        # --- Assessments, following the cases they inform.
        assessment_rows = [
            {
                "title": f"All-source assessment {index}",
                "assessed_on": datetime.date(2025, 1, 1) + datetime.timedelta(days=index % 600),
            }
            for index in range(volume.assessments)
        ]
        assessment_ids = _insert(
            AssessmentFactory,
            assessment_rows,
            with_ids=True,
            source=siac,
            body="Technical characteristics, likely origin and intent. " * 10,
            recorded_by=author,
            distribution=Distribution.WITH_CASES,
        )
        bulk_insert_values(
            Assessment.cases.through,
            ["assessment_id", "case_id"],
            [(assessment_id, case_ids[(index * 2) % volume.cases]) for index, assessment_id in enumerate(assessment_ids)],
        )

        # --- Response measures on cases.
        measure_types = list(MeasureType.objects.values_list("pk", flat=True))
        measure_states = list(MeasureState)
        _insert(
            ResponseMeasureFactory,
            [
                {
                    "case_id": case_ids[(index * 5) % volume.cases],
                    "measure_type_id": measure_types[index % len(measure_types)],
                    "description": f"Measure {index}",
                    "state": measure_states[index % len(measure_states)],
                }
                for index in range(volume.measures)
            ],
            case=None,
            proposed_by=author,
            classification=Classification.RESTREINT_UE,
        )

        # --- Options notes on cases (the notes list of the API).
        _insert(
            OptionsNoteFactory,
            [
                {"case_id": case_ids[(index * 5 + 1) % volume.cases], "title": f"Options note {index}", "version": 1 + index % 3}
                for index in range(volume.options_notes)
            ],
            case=None,
            drafted_by=author,
            classification=Classification.RESTREINT_UE,
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
                    "reference": references[case_id],
                    "link": f"/cases/{case_id}/",
                    "created_at": now - datetime.timedelta(minutes=index),
                }
            )
        event_ids = _insert(
            EventFactory, event_rows, with_ids=True, case=None, classification=Classification.RESTREINT_UE, dispatched_at=now
        )
        notification_rows = []
        for event_id in event_ids:
            for recipient in rng.sample(delegates, recipients_per_event):
                notification_rows.append((event_id, recipient, None if rng.random() < 0.7 else now))
        _insert_values(
            NotificationFactory,
            ["event_id", "recipient_id", "read_at"],
            notification_rows,
            event=None,
            recipient=None,
            created_at=now,
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
        "options notes": volume.options_notes,
        "notifications": len(notification_rows),
        "case grants": len(group_grants) + len(user_grants),
    }
    return Seeded(delegates=clients, shared_case_ids=everyone_sees, question_ids=questions, counts=counts)
