"""What every protected object gets from the security model, shown on the
test dossier: the ceiling on every input path, children never wider than
their parent, marking banners and no-store, audited reads, field-level
history, the admin console under the same rule, and no model-level
permissions on protected models."""

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from cdt.accounts.models import User
from cdt.accounts.roles import Role
from cdt.directory.models import Organisation
from cdt.security.access import can_view_child, visible_children
from cdt.security.audit import audit_chain_reads
from cdt.security.grants import access_grant
from cdt.security.markings import Classification, Tlp
from cdt.security.models import AuditEntry, Marked, MarkedChild
from tests.testapp.models import Dossier, DossierNote
from tests.testapp.services import dossier_create, dossier_note_add

pytestmark = pytest.mark.django_db


def org(code):
    return Organisation.objects.get(code=code)


@pytest.fixture
def dossier(delegate):
    return dossier_create(
        by=delegate,
        title="Dossier on APT-X",
        classification=Classification.RESTREINT_UE,
        limite=True,
        tlp=Tlp.AMBER,
        originator=org("DE"),
        releasable_to_all=True,
    )


def form_payload(**overrides):
    payload = {
        "title": "New dossier",
        "classification": str(int(Classification.RESTREINT_UE)),
        "limite": "on",
        "tlp": str(int(Tlp.GREEN)),
        "originator": str(org("DE").pk),
        "releasable_to_all": "on",
    }
    payload.update(overrides)
    return payload


# --- The ceiling, on every input path -------------------------------------------


def test_ceiling_on_the_form_path(client, delegate):
    client.force_login(delegate)
    response = client.post(reverse("test-dossier-new"), form_payload(classification=str(int(Classification.CONFIDENTIEL_UE))))
    assert response.status_code == 400
    assert "above RESTREINT UE/EU RESTRICTED, the highest level this system is accredited for" in response.content.decode()
    assert not Dossier.objects.exists()
    response = client.post(reverse("test-dossier-new"), form_payload())
    assert response.status_code == 302 and Dossier.objects.count() == 1


def test_ceiling_on_the_api_path(client, delegate):
    client.force_login(delegate)
    body = {
        "title": "API dossier",
        "classification": "CONFIDENTIEL_UE",
        "limite": True,
        "tlp": "AMBER",
        "originator": "DE",
        "releasable_to_all": True,
    }
    response = client.post("/api/v1/test-dossiers/", body, content_type="application/json")
    assert response.status_code == 400
    assert "accredited" in response.json()["classification"][0]
    assert not Dossier.objects.exists()
    response = client.post("/api/v1/test-dossiers/", {**body, "classification": "TRES_SECRET_UE"}, content_type="application/json")
    assert response.status_code == 400 and "classification" in response.json()
    response = client.post("/api/v1/test-dossiers/", {**body, "classification": "RESTREINT_UE"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["marking"] == "RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER"
    # Every marking is required: no default fills a forgotten one.
    response = client.post("/api/v1/test-dossiers/", {"title": "unmarked"}, content_type="application/json")
    assert response.status_code == 400
    assert {"classification", "limite", "tlp", "originator", "releasable_to_all"} <= set(response.json())
    assert Dossier.objects.count() == 1


def test_ceiling_on_the_admin_path(client, secretariat_user, login_verified, dossier):
    access_grant(target=dossier, by=secretariat_user, user=secretariat_user, action="change")
    access_grant(target=dossier, by=secretariat_user, user=secretariat_user)
    login_verified(client, secretariat_user)
    url = reverse("admin:testapp_dossier_change", args=[dossier.pk])
    payload = form_payload(title="Edited", classification=str(int(Classification.SECRET_UE)))
    response = client.post(url, payload)
    assert response.status_code == 200
    assert "accredited" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.classification == Classification.RESTREINT_UE and dossier.title == "Dossier on APT-X"


def test_ceiling_on_the_service_path_used_by_feeds(delegate):
    with pytest.raises(ValidationError, match="accredited"):
        dossier_create(
            by=delegate,
            title="x",
            classification=Classification.SECRET_UE,
            limite=False,
            tlp=Tlp.CLEAR,
            originator=org("SIAC"),
            releasable_to_all=True,
        )
    assert not Dossier.objects.exists()


# --- Children -------------------------------------------------------------------


def test_child_never_classified_below_its_parent(delegate, dossier):
    with pytest.raises(ValidationError, match="cannot be classified below"):
        dossier_note_add(by=delegate, dossier=dossier, text="too low", classification=Classification.UNCLASSIFIED)
    assert not DossierNote.objects.exists()


def test_child_is_never_more_visible_than_its_parent_and_may_be_narrower(delegate, make_user, dossier, settings):
    settings.CDT_MAX_CLASSIFICATION = "CONFIDENTIEL_UE"
    same = dossier_note_add(by=delegate, dossier=dossier, text="same level", classification=Classification.RESTREINT_UE)
    higher = dossier_note_add(by=delegate, dossier=dossier, text="narrower", classification=Classification.CONFIDENTIEL_UE)
    cleared = make_user("de-cleared", "DE", clearance=Classification.CONFIDENTIEL_UE)
    outsider = make_user("fr-cleared", "FR", clearance=Classification.CONFIDENTIEL_UE)
    notes = DossierNote.objects.order_by("pk")
    assert list(visible_children(notes, delegate)) == [same]  # RESTREINT: not the narrower note
    assert list(visible_children(notes, cleared)) == [same, higher]
    assert list(visible_children(notes, outsider)) == []  # no grant on the dossier: no note
    assert [can_view_child(u, n) for u in (delegate, cleared, outsider) for n in (same, higher)] == [True, False, True, True, False, False]


# --- Banners, caching, audited reads ------------------------------------------------


def test_detail_page_has_marking_banners_top_and_bottom_and_no_store(client, delegate, dossier):
    client.force_login(delegate)
    response = client.get(reverse("test-dossier-page", args=[dossier.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    banners = re.findall(r'data-testid="marking-(top|bottom)">\s*<strong>([^<]+)</strong>', html)
    assert banners == [
        ("top", "RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER"),
        ("bottom", "RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER"),
    ]
    assert html.index('data-testid="marking-top"') < html.index("Dossier on APT-X") < html.index('data-testid="marking-bottom"')
    assert "no-store" in response["Cache-Control"]


def test_list_page_carries_the_highest_marking_shown(client, delegate, dossier):
    dossier_create(
        by=delegate,
        title="Open one",
        classification=Classification.UNCLASSIFIED,
        limite=False,
        tlp=Tlp.GREEN,
        originator=org("DE"),
        releasable_to_all=True,
    )
    client.force_login(delegate)
    html = client.get(reverse("test-dossier-list-page")).content.decode()
    assert html.count("RESTREINT UE/EU RESTRICTED · LIMITE · TLP:AMBER") == 2


def test_reads_of_classified_objects_are_audited_on_every_path(client, delegate, dossier, secretariat_user, login_verified):
    open_dossier = dossier_create(
        by=delegate,
        title="Open one",
        classification=Classification.UNCLASSIFIED,
        limite=False,
        tlp=Tlp.GREEN,
        originator=org("DE"),
        releasable_to_all=True,
    )
    client.force_login(delegate)
    client.get(reverse("test-dossier-page", args=[dossier.pk]), REMOTE_ADDR="10.1.2.3")
    client.get(f"/api/v1/test-dossiers/{dossier.pk}/")
    client.get(reverse("test-dossier-page", args=[open_dossier.pk]))
    access_grant(target=dossier, by=secretariat_user, user=secretariat_user)
    login_verified(client, secretariat_user)
    assert client.get(reverse("admin:testapp_dossier_change", args=[dossier.pk])).status_code == 200
    audit_chain_reads()  # reads are queued, then chained (decision 0032)
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ).order_by("id")
    assert [(r.actor_name, r.object_id, r.details.get("via")) for r in reads] == [
        (delegate.username, str(dossier.pk), None),
        (delegate.username, str(dossier.pk), "api"),
        (secretariat_user.username, str(dossier.pk), "admin"),
    ]
    assert reads[0].ip_address == "10.1.2.3" and reads[0].details["path"] == f"/test-dossiers/{dossier.pk}/"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id=str(open_dossier.pk)).exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


# --- Field-level history ------------------------------------------------------------


def test_changes_have_field_level_history_and_reach_the_audit_trail(client, secretariat_user, login_verified, dossier):
    access_grant(target=dossier, by=secretariat_user, user=secretariat_user)
    access_grant(target=dossier, by=secretariat_user, user=secretariat_user, action="change")
    login_verified(client, secretariat_user)
    url = reverse("admin:testapp_dossier_change", args=[dossier.pk])
    response = client.post(url, form_payload(title="Dossier on APT-X (renamed)", tlp=str(int(Tlp.AMBER_STRICT))))
    assert response.status_code == 302, response.content.decode()[:2000]
    latest, previous = dossier.history.order_by("-history_id")[:2]
    assert latest.history_user == secretariat_user
    assert sorted(change.field for change in latest.diff_against(previous).changes) == ["title", "tlp"]
    change = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE, object_type="testapp.dossier", object_id=str(dossier.pk)).get()
    assert change.actor == secretariat_user and change.details["fields"] == ["title", "tlp"]
    assert client.get(reverse("admin:testapp_dossier_history", args=[dossier.pk])).status_code == 200


# --- The admin console under the same rule ------------------------------------------


def test_admin_shows_the_secretariat_only_what_its_grants_allow(client, secretariat_user, login_verified, delegate, dossier):
    login_verified(client, secretariat_user)
    changelist = client.get(reverse("admin:testapp_dossier_changelist"))
    assert changelist.status_code == 200 and "Dossier on APT-X" not in changelist.content.decode()
    assert "0 dossiers" in changelist.content.decode()
    response = client.get(reverse("admin:testapp_dossier_change", args=[dossier.pk]))
    missing = client.get(reverse("admin:testapp_dossier_change", args=[dossier.pk + 999]))
    assert response.status_code == missing.status_code == 302  # "does not exist", identically
    assert client.get(reverse("admin:testapp_dossier_history", args=[dossier.pk])).status_code == 404
    access_grant(target=dossier, by=secretariat_user, user=secretariat_user)
    assert "Dossier on APT-X" in client.get(reverse("admin:testapp_dossier_changelist")).content.decode()
    # Viewing is not changing: without a change grant the form is read-only.
    page = client.get(reverse("admin:testapp_dossier_change", args=[dossier.pk])).content.decode()
    assert 'name="title"' not in page
    # A delegate never reaches the console.
    client.force_login(delegate)
    assert client.get(reverse("admin:testapp_dossier_changelist")).status_code == 302


# --- No model-level permissions on protected models ------------------------------------


def protected_models():
    return [model for model in apps.get_models() if issubclass(model, (Marked, MarkedChild))]


def test_nobody_holds_a_model_level_permission_on_a_protected_model(make_user):
    call_command("seed_demo", stdout=io.StringIO())
    make_user("secretariat-2", "GSC", roles=(Role.SECRETARIAT,), is_staff=True)
    models = protected_models()
    assert Dossier in models and DossierNote in models
    content_types = ContentType.objects.get_for_models(*models).values()
    permissions = Permission.objects.filter(content_type__in=content_types)
    assert permissions.exists()
    holders = [g.name for g in Group.objects.filter(permissions__in=permissions)]
    holders += [u.username for u in User.objects.filter(user_permissions__in=permissions)]
    assert holders == [], f"model-level permissions on protected models held by {holders}"


def test_protected_models_declare_direct_permission_tables():
    from cdt.security.access import permission_models

    for model in protected_models():
        if issubclass(model, Marked):
            permission_models(model)  # raises if a protected model relies on guardian's generic tables
