"""The factories (``<app>/factories.py``) make rows as the services leave
them: the same grants, the same positions board, the same first version,
the same considerations, the same groups. Tests, the demo and the bench
rely on that; a service that changes what it writes fails here until its
factory follows."""

import pytest
from django.test import Client
from django_fsm import FSMField

from attribution.choices import CONSIDERATIONS
from attribution.factories import (
    AttributionClaimFactory,
    AttributionDeliberationFactory,
    CommunicationPlanFactory,
    StatementFactory,
)
from attribution.services import deliberation_open
from awareness.factories import AssessmentFactory, RequestForInformationFactory, StixObjectFactory, ThreatActorFactory
from awareness.models import ThreatActor
from cases.factories import CaseFactory, CaseTransitionFactory, ProportionalityAssessmentFactory
from cases.models import CaseGroupObjectPermission, CaseState
from cases.services import case_open
from cdt.accounts.factories import ApiTokenFactory, UserFactory
from cdt.accounts.roles import Role
from cdt.directory.models import CouncilBody, MemberState, Organisation
from cdt.security.markings import Distribution
from council.factories import AgendaItemFactory, DecisionFactory, PositionFactory, QuestionFactory, WrittenProcedureFactory
from council.models import PositionValue
from council.services import question_put
from measures.factories import ImpactEvaluationFactory, OptionsNoteFactory, ResponseMeasureFactory, StrategicResponseNoteFactory
from measures.services import options_note_create
from notifications.factories import NotificationFactory
from tests.cases_support import case_at, case_fields

pytestmark = pytest.mark.django_db


def grants(case) -> set[tuple[str, str]]:
    """(group, permission) of every group grant on ``case``."""
    return set(CaseGroupObjectPermission.objects.filter(content_object=case).values_list("group__name", "permission__codename"))


def test_a_factory_case_has_the_opening_services_grants(cast):
    opened = case_open(by=cast["delegate"], **case_fields(distribution=Distribution.HWPCI))
    made = CaseFactory(created_by=cast["delegate"], distribution=Distribution.HWPCI)
    assert grants(made) == grants(opened) != set()
    assert grants(CaseFactory(created_by=cast["delegate"], opening_grants=False)) == set()


def test_a_factory_user_is_in_the_groups_user_upsert_gives(make_user):
    upserted = make_user("chair-by-service", "IE", roles=(Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR))
    made = UserFactory(organisation=Organisation.objects.get(code="IE"), roles=[Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR])
    assert set(made.groups.values_list("name", flat=True)) == set(upserted.groups.values_list("name", flat=True))
    assert made.roles == {Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR}
    assert not made.has_usable_password()


def test_a_factory_question_has_the_blank_board_question_put_gives(cast):
    case = CaseFactory(created_by=cast["delegate"])
    put = question_put(by=cast["chair"], case=case, text="Adopt?", voting_rule="unanimity", body=CouncilBody.objects.get(code="PSC"))
    made = QuestionFactory(case=case)
    assert list(made.positions.values_list("member_state__code", "value").order_by("member_state__code")) == list(
        put.positions.values_list("member_state__code", "value").order_by("member_state__code")
    )
    assert made.positions.count() == MemberState.objects.current().count() and made.classification == case.classification
    assert not QuestionFactory(case=case, positions=False).positions.exists()
    assert PositionFactory(question=QuestionFactory(case=case, positions=False)).value == PositionValue.SUPPORT


def test_a_factory_note_has_the_first_version_its_service_saves(cast):
    case = CaseFactory(created_by=cast["eeas"], state=CaseState.EXPLORATION)
    created = options_note_create(by=cast["eeas"], case=case, title="Options note", content={"situation": "s"})
    made = OptionsNoteFactory(case=case, title="Options note", content={"situation": "s"})
    fields = ("number", "title", "saved_by")
    assert list(made.versions.values(*fields)) == list(created.versions.values(*fields))
    assert made.versions.get().content == made.content
    statement = StatementFactory(case=case)
    assert list(statement.versions.values_list("number", "title")) == [(1, statement.title)]
    strategic = StrategicResponseNoteFactory()
    assert list(strategic.versions.values_list("number", "title")) == [(1, strategic.title)]
    assert not OptionsNoteFactory(case=case, first_version=False).versions.exists()


def test_a_factory_deliberation_has_the_considerations_opening_makes(cast):
    opened = deliberation_open(by=cast["chair"], case=case_at(CaseState.DELIBERATION, cast))
    made = AttributionDeliberationFactory(case=case_at(CaseState.DELIBERATION, cast))
    numbers = [number for number, _title in CONSIDERATIONS]
    assert list(made.considerations.values_list("number", flat=True)) == numbers
    assert list(opened.considerations.values_list("number", flat=True)) == numbers


def test_a_factory_token_signs_in_with_its_key(cast):
    ApiTokenFactory(user=cast["delegate"], key="fixed-demo-key-0123456789")
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Token fixed-demo-key-0123456789").status_code == 200
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Token fixed-demo-key-other").status_code == 401


def test_a_threat_actor_is_found_by_name_not_made_twice():
    first = ThreatActorFactory(name="Grey Tempest", state_sponsored=True)
    assert ThreatActorFactory(name="Grey Tempest") == first
    assert (first.kind, first.persistent) == (ThreatActor.Kind.STATE_SPONSORED, True)
    assert ThreatActor.objects.filter(name="Grey Tempest").count() == 1


@pytest.mark.parametrize(
    "factory_class",
    [
        CaseFactory,
        CaseTransitionFactory,
        ProportionalityAssessmentFactory,
        AssessmentFactory,
        RequestForInformationFactory,
        StixObjectFactory,
        QuestionFactory,
        DecisionFactory,
        WrittenProcedureFactory,
        AgendaItemFactory,
        ResponseMeasureFactory,
        ImpactEvaluationFactory,
        OptionsNoteFactory,
        StrategicResponseNoteFactory,
        AttributionClaimFactory,
        AttributionDeliberationFactory,
        StatementFactory,
        CommunicationPlanFactory,
        NotificationFactory,
    ],
)
def test_every_factory_makes_a_valid_row_on_its_own(directory, factory_class):
    row = factory_class()
    row.full_clean(exclude=[field.name for field in row._meta.fields if isinstance(field, FSMField)])  # as the services clean
