"""The one access rule: explicit cases, and a property test that the SQL
filter (visible_to) and the Python predicate (can_view) always agree."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from cdt.accounts.models import User
from cdt.accounts.roles import Role
from cdt.directory.models import Organisation
from cdt.security.access import can_view, viewers_of, visible_to
from cdt.security.grants import access_grant, access_revoke, organisation_group
from cdt.security.markings import Classification, Tlp
from cdt.security.models import AuditEntry
from tests.testapp.models import Dossier

pytestmark = pytest.mark.django_db


def make_dossier(originator="EEAS", classification=Classification.UNCLASSIFIED, tlp=Tlp.AMBER, releasable_to=None, title="dossier"):
    dossier = Dossier.objects.create(
        title=title,
        classification=classification,
        limite=True,
        tlp=tlp,
        originator=Organisation.objects.get(code=originator),
        releasable_to_all=releasable_to is None,
    )
    if releasable_to:
        dossier.releasable_to.set(Organisation.objects.filter(code__in=releasable_to))
    return dossier


def sees(user, dossier) -> bool:
    in_sql = visible_to(Dossier.objects.all(), user).filter(pk=dossier.pk).exists()
    assert in_sql == can_view(user, dossier), "SQL and Python forms of the rule disagree"
    return in_sql


@pytest.fixture
def eeas(make_user):
    return make_user("eeas-user", "EEAS", roles=(Role.EEAS_DRAFTER,))


def test_no_grant_no_view(delegate):
    assert not sees(delegate, make_dossier())


def test_superuser_gets_nothing_without_a_grant(make_user):
    admin = make_user("root", "GSC", roles=(Role.SECRETARIAT,), is_staff=True)
    admin.is_superuser = True
    admin.save()
    assert not sees(admin, make_dossier())


def test_personal_and_delegation_grants(delegate, make_user, eeas):
    dossier = make_dossier()
    colleague = make_user("delegate-de-2", "DE")
    access_grant(target=dossier, by=eeas, group=organisation_group(delegate.organisation))
    assert sees(delegate, dossier) and sees(colleague, dossier)
    assert not sees(make_user("delegate-fr-x", "FR"), dossier)
    # Moving to another delegation ends the access that came with the old one.
    colleague.organisation = Organisation.objects.get(code="FR")
    colleague.save()
    assert not sees(User.objects.get(pk=colleague.pk), dossier)
    access_revoke(target=dossier, by=eeas, group=organisation_group(delegate.organisation))
    assert not sees(delegate, dossier)


def test_role_group_grant_reaches_all_delegates(delegate, make_user, eeas):
    dossier = make_dossier()
    access_grant(target=dossier, by=eeas, group=Group.objects.get(name="HWPCI delegate"))
    assert sees(delegate, dossier) and sees(make_user("delegate-ee-x", "EE"), dossier)
    assert not sees(make_user("siac-x", "SIAC", roles=(Role.SIAC_ANALYST,)), dossier)


def test_clearance_and_its_expiry(make_user, eeas):
    with override_settings(CDT_MAX_CLASSIFICATION="SECRET_UE"):
        dossier = make_dossier(classification=Classification.CONFIDENTIEL_UE)
    restricted = make_user("restricted", "DE", clearance=Classification.RESTREINT_UE)
    confidential = make_user("confidential", "DE", clearance=Classification.CONFIDENTIEL_UE)
    expired = make_user("expired", "DE", clearance=Classification.SECRET_UE, clearance_expires_on=datetime.date(2020, 1, 1))
    for user in (restricted, confidential, expired):
        access_grant(target=dossier, by=eeas, user=user)
    assert sees(confidential, dossier)
    assert not sees(restricted, dossier)
    assert not sees(expired, dossier)


def test_releasability_is_enforced(delegate, make_user, eeas):
    dossier = make_dossier(releasable_to=["FR", "EEAS"])
    french = make_user("fr-delegate", "FR")
    for user in (delegate, french):
        access_grant(target=dossier, by=eeas, user=user)
    assert sees(french, dossier)
    assert not sees(delegate, dossier)


def test_amber_strict_is_narrower_than_amber(delegate, make_user, eeas):
    amber = make_dossier(tlp=Tlp.AMBER, originator="FR")
    strict = make_dossier(tlp=Tlp.AMBER_STRICT, originator="FR")
    french = make_user("fr-delegate", "FR")
    for dossier in (amber, strict):
        access_grant(target=dossier, by=eeas, group=Group.objects.get(name="HWPCI delegate"))
    assert sees(delegate, amber) and sees(french, amber)
    assert sees(french, strict), "grant holders in the originator's organisation see AMBER+STRICT"
    assert not sees(delegate, strict), "a group grant outside the originator does not open AMBER+STRICT"
    access_grant(target=strict, by=eeas, user=delegate)
    assert sees(delegate, strict), "a named recipient does"


def test_red_is_for_named_recipients_only(delegate, eeas):
    red = make_dossier(tlp=Tlp.RED, originator="DE")
    access_grant(target=red, by=eeas, group=organisation_group(delegate.organisation))
    assert not sees(delegate, red)
    access_grant(target=red, by=eeas, user=delegate)
    assert sees(delegate, red)


def test_inactive_user_sees_nothing(delegate, eeas):
    dossier = make_dossier()
    access_grant(target=dossier, by=eeas, user=delegate)
    delegate.is_active = False
    assert not sees(delegate, dossier)


def test_grants_and_revocations_are_audited(delegate, eeas):
    dossier = make_dossier()
    access_grant(target=dossier, by=eeas, user=delegate)
    access_revoke(target=dossier, by=eeas, user=delegate)
    entries = AuditEntry.objects.filter(object_type=dossier._meta.label_lower, object_id=str(dossier.pk))
    actions = list(entries.values_list("action", "actor_name"))
    # The creation comes from the field-level history (no request user here).
    assert actions == [("create", ""), ("grant", "eeas-user"), ("revoke", "eeas-user")]


def test_visible_to_is_one_query(delegate, eeas, django_assert_num_queries):
    for index in range(5):
        access_grant(target=make_dossier(title=f"d{index}"), by=eeas, user=delegate)
    user = User.objects.select_related("organisation").get(pk=delegate.pk)
    with django_assert_num_queries(1):
        assert len(list(visible_to(Dossier.objects.all(), user))) == 5


# --- ceiling -----------------------------------------------------------------


def test_above_ceiling_is_refused_with_a_clear_error():
    dossier = make_dossier()
    dossier.classification = Classification.CONFIDENTIEL_UE
    with pytest.raises(ValidationError) as error:
        dossier.full_clean()
    assert "above RESTREINT UE/EU RESTRICTED" in str(error.value.message_dict["classification"])
    with override_settings(CDT_MAX_CLASSIFICATION="SECRET_UE"):
        dossier.full_clean()


def test_top_secret_is_refused_whatever_the_setting():
    dossier = make_dossier()
    dossier.classification = Classification.TRES_SECRET_UE
    with override_settings(CDT_MAX_CLASSIFICATION="TRES_SECRET_UE"), pytest.raises(ValidationError):
        dossier.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(classification=Classification.TRES_SECRET_UE)


# --- property test ------------------------------------------------------------
# Few organisations and dense grants, so the examples land on the boundaries
# (originator vs not, group vs personal grant) rather than on empty sets.

ORGANISATIONS = ["DE", "FR", "EEAS"]
users_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "organisation": st.sampled_from(ORGANISATIONS),
            "clearance": st.sampled_from(list(Classification)[:4]),
            "expired": st.booleans(),
            "delegate": st.booleans(),
        }
    ),
    min_size=1,
    max_size=4,
)
dossiers_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "classification": st.sampled_from(list(Classification)[:4]),
            "tlp": st.sampled_from(list(Tlp)),
            "originator": st.sampled_from(ORGANISATIONS),
            "releasable_to": st.one_of(st.none(), st.lists(st.sampled_from(ORGANISATIONS), min_size=1, max_size=2, unique=True)),
        }
    ),
    min_size=1,
    max_size=4,
)
grants_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(["user", "organisation", "delegates"]), st.integers(0, 3)),
    min_size=1,
    max_size=10,
)


class VisibleToMatchesCanView(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        from django.apps import apps

        from cdt.accounts.services import role_groups_ensure
        from cdt.directory.reference import load_reference_data

        load_reference_data(apps)
        cls.delegates = role_groups_ensure()[Role.HWPCI_DELEGATE]
        cls.organisations = {code: Organisation.objects.get(code=code) for code in ORGANISATIONS}
        cls.organisation_groups = {code: organisation_group(org) for code, org in cls.organisations.items()}

    @hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(users=users_strategy, dossiers=dossiers_strategy, grants=grants_strategy)
    def test_sql_and_python_agree(self, users, dossiers, grants):
        made_users = []
        for index, spec in enumerate(users):
            user = User.objects.create(
                username=f"u{index}",
                organisation=self.organisations[spec["organisation"]],
                clearance=spec["clearance"],
                clearance_expires_on=datetime.date(2020, 1, 1) if spec["expired"] else None,
            )  # the post_save signal puts the user in their organisation's group
            if spec["delegate"]:
                user.groups.add(self.delegates)
            made_users.append(user)
        with override_settings(CDT_MAX_CLASSIFICATION="SECRET_UE"):
            made = [
                make_dossier(spec["originator"], spec["classification"], spec["tlp"], spec["releasable_to"], f"d{index}")
                for index, spec in enumerate(dossiers)
            ]
        for dossier_index, kind, user_index in grants:
            dossier = made[dossier_index % len(made)]
            user = made_users[user_index % len(made_users)]
            if kind == "user":
                access_grant(target=dossier, by=None, user=user)
            elif kind == "organisation":
                access_grant(target=dossier, by=None, group=self.organisation_groups[user.organisation.code])
            else:
                access_grant(target=dossier, by=None, group=self.delegates)
        for user in made_users:
            user = User.objects.get(pk=user.pk)
            in_sql = set(visible_to(Dossier.objects.all(), user).values_list("pk", flat=True))
            in_python = {dossier.pk for dossier in made if can_view(user, dossier)}
            self.assertEqual(in_sql, in_python)
        # The same rule read the other way: who may see this object
        # (notification recipient lists).
        for dossier in made:
            recipients = set(viewers_of(dossier, User.objects.filter(pk__in=[u.pk for u in made_users])).values_list("pk", flat=True))
            self.assertEqual(recipients, {u.pk for u in made_users if can_view(User.objects.get(pk=u.pk), dossier)})
