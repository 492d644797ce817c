"""No "Constraint “…” is violated." reaches a user (issue 28, point 10):
every check constraint and every conditional unique constraint says in
plain words what is wrong (Django's model validation shows that message in
every form and in the admin); the plain unique constraints keep Django's
"… with this … already exists." or say it better."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse

from cdt.directory.models import MemberState, Organisation, PresidencyTerm
from measures.models import MeasureType

#: Constraints no form or admin page can reach, and why.
UNREACHABLE = {
    # Classified.classification's validator refuses anything above the accreditation ceiling (at most
    # SECRET UE) first, and Django does not validate a constraint on a field that already has an error.
    "never_top_secret": "the classification ceiling's validator answers first",
}


def constraints():
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            yield model, constraint


def needs_a_message(constraint) -> bool:
    if isinstance(constraint, models.CheckConstraint):
        return True
    return isinstance(constraint, models.UniqueConstraint) and (constraint.condition is not None or bool(constraint.expressions))


def test_every_check_constraint_says_what_is_wrong():
    missing = [
        f"{model._meta.label}.{constraint.name}"
        for model, constraint in constraints()
        if needs_a_message(constraint)
        and not any(part in constraint.name for part in UNREACHABLE)
        and constraint.violation_error_message == constraint.default_violation_error_message
    ]
    assert not missing, f"give these a violation_error_message in plain words: {missing}"
    assert any(needs_a_message(constraint) for _model, constraint in constraints())


@pytest.mark.django_db
def test_the_admin_says_it_in_words(secretariat_user, login_verified, client):
    """Three the secretariat's admin reached with the raw message: a
    Presidency ending before it starts, a delegation without its Member
    State, an escalation level off the scale."""
    login_verified(client, secretariat_user)
    term = PresidencyTerm.objects.order_by("-starts_on").first()
    response = client.post(
        reverse("admin:directory_presidencyterm_change", args=[term.pk]),
        {"member_state": term.member_state_id, "starts_on": "2031-01-01", "ends_on": "2030-12-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "A Presidency term ends after the day it starts." in body
    assert "is violated" not in body

    response = client.post(
        reverse("admin:directory_organisation_add"), {"code": "XX-DEL", "name": "A delegation", "kind": "delegation", "short_name": ""}
    )
    body = response.content.decode()
    assert "A Member State delegation names its Member State" in body and "is violated" not in body
    assert not Organisation.objects.filter(code="XX-DEL").exists()

    measure_type = MeasureType.objects.order_by("pk").first()
    data = {key: value for key, value in model_to_dict(measure_type).items() if value is not None}
    data.update({"escalation_level": 11, "leads": "[]"})
    response = client.post(reverse("admin:measures_measuretype_change", args=[measure_type.pk]), data)
    body = response.content.decode()
    assert "The escalation level is a whole number from 1 to 10." in body and "is violated" not in body
    assert MeasureType.objects.get(pk=measure_type.pk).escalation_level != 11


@pytest.mark.django_db
def test_model_validation_gives_the_plain_message(directory):
    term = PresidencyTerm(
        member_state=MemberState.objects.get(code="FR"), starts_on=datetime.date(2040, 7, 1), ends_on=datetime.date(2040, 1, 1)
    )
    with pytest.raises(Exception) as refused:
        term.validate_constraints()
    assert "A Presidency term ends after the day it starts." in str(refused.value)
