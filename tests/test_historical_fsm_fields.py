"""``migrate`` renders the project's models again after each operation;
django-fsm's fields of those historical models must not each leave a
receiver on ``class_prepared`` (cdt/workflow/historical.py): on a fresh
database that was over half of the time ``migrate`` took."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import class_prepared


@pytest.mark.django_db
def test_rendering_the_migrations_models_leaves_no_fsm_receiver_behind():
    state = MigrationLoader(connection, ignore_no_migrations=True).project_state()
    before = len(class_prepared.receivers)
    historical = state.apps  # renders every model, cases.Case and its FSMField among them
    case = historical.get_model("cases", "Case")
    assert len(class_prepared.receivers) == before
    assert case._meta.get_field("state").__class__.__name__ == "FSMField"
