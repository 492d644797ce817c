"""Issue 25, point 5: what is read and who changes whom.

* A response that shows classified objects in a list (a page, an API list,
  the console's changelist), search results or an export writes ONE audit
  entry naming them, and none when every row shown is unclassified.
* Changes to accounts (clearance, roles, organisation, flags, direct
  permissions), a role's permissions and API tokens made in the console or
  by a service are entries of the hash chain, naming who made them.
* Four eyes: nobody changes their own clearance, roles, organisation or
  flags; the console offers the superuser flag and direct permissions to
  superusers only, and a superuser's account to superusers only.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import MultiWidget
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cases.models import Case
from cdt.accounts.models import ApiToken, User
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.accounts.services import api_token_issue
from cdt.directory.models import Organisation
from cdt.security.audit import audit_chain_reads, audit_verify
from cdt.security.markings import Classification
from cdt.security.models import AuditEntry

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

READ = AuditEntry.Action.READ


def reads_during(call) -> list[AuditEntry]:
    """The READ entries ``call`` writes, once the chainer has linked them
    (reads are queued, then chained: decision 0032)."""
    audit_chain_reads()
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = call()
    assert response.status_code == 200, response.content[:300]
    audit_chain_reads()
    return list(AuditEntry.objects.filter(id__gt=last, action=READ))


def named(entry: AuditEntry) -> set[tuple[str, str]]:
    return {tuple(pair) for pair in entry.details["objects"]}


@pytest.fixture
def classified_case(cast, open_case) -> Case:
    return open_case(title="Wiper attack on grid operators")  # RESTREINT UE


@pytest.fixture
def unclassified_case(cast, open_case) -> Case:
    return open_case(title="Wiper attack on grid operators", classification=Classification.UNCLASSIFIED)


# --- Lists, search results and the console's lists --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [reverse("case-list-page"), reverse("case-list"), "/search/?q=wiper", "/api/v1/search/?q=wiper"],
    ids=["page", "api", "search-page", "search-api"],
)
def test_a_list_of_classified_objects_writes_one_read_entry_naming_them(cast, signed_in, classified_case, open_case, url):
    other = open_case(title="Wiper attack on a second operator")
    entries = reads_during(lambda: signed_in["other_delegate"].get(url))
    assert len(entries) == 1, [entry.details for entry in entries]
    entry = entries[0]
    assert entry.actor == cast["other_delegate"] and entry.object_id == ""
    assert named(entry) == {("cases.case", str(classified_case.pk)), ("cases.case", str(other.pk))}
    assert entry.details["count"] == 2 and entry.details["path"] == url.split("?")[0]
    assert entry.details["classification"] == Classification.RESTREINT_UE
    assert audit_verify()[1] is None


@pytest.mark.parametrize(
    "url",
    [reverse("case-list-page"), reverse("case-list"), "/search/?q=wiper", "/api/v1/search/?q=wiper"],
    ids=["page", "api", "s", "s-api"],
)
def test_a_list_of_unclassified_objects_writes_no_entry(signed_in, unclassified_case, url):
    assert reads_during(lambda: signed_in["other_delegate"].get(url)) == []


def test_the_consoles_changelist_writes_one_read_entry(cast, signed_in, classified_case):
    entries = reads_during(lambda: signed_in["secretariat"].get(reverse("admin:cases_case_changelist")))
    assert [(entry.details["via"], named(entry)) for entry in entries] == [("admin", {("cases.case", str(classified_case.pk))})]


def test_a_console_csv_export_is_one_entry_naming_the_rows(cast, signed_in, classified_case):
    client = signed_in["secretariat"]  # signed in before counting
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.post(reverse("admin:cases_case_changelist"), {"action": "export_as_csv", "_selected_action": [classified_case.pk]})
    b"".join(response.streaming_content)
    entries = list(AuditEntry.objects.filter(id__gt=last).exclude(action=READ))
    assert [(entry.action, entry.details.get("ids")) for entry in entries] == [(AuditEntry.Action.EXPORT, [str(classified_case.pk)])]


# --- Who changes whom -----------------------------------------------------------------------------


def change_form_data(response) -> dict:
    """What the console's change form would post back unchanged."""
    form = response.context["adminform"].form
    data: dict = {"_save": "Save"}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            offered = {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
            data[name] = [str(item) for item in value if str(item) in offered]
        elif value is not None:
            data[name] = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return data


def user_page(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def last_entry_about(obj) -> AuditEntry:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).latest("id")


def test_a_clearance_change_in_the_console_is_in_the_hash_chain(cast, signed_in):
    client, delegate = signed_in["secretariat"], cast["delegate"]
    data = change_form_data(client.get(user_page(delegate)))
    data.update(clearance=str(int(Classification.CONFIDENTIEL_UE)), clearance_expires_on="2027-06-30")
    response = client.post(user_page(delegate), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    delegate.refresh_from_db()
    assert delegate.clearance == Classification.CONFIDENTIEL_UE
    entry = last_entry_about(delegate)
    assert entry.action == AuditEntry.Action.CHANGE and entry.actor == cast["secretariat"]
    assert entry.details == {
        "changes": {
            "clearance": [int(Classification.RESTREINT_UE), int(Classification.CONFIDENTIEL_UE)],
            "clearance_expires_on": [None, "2027-06-30"],
        }
    }
    assert audit_verify()[1] is None


def test_roles_and_organisation_changed_in_the_console_are_in_the_chain(cast, signed_in):
    client, delegate = signed_in["secretariat"], cast["delegate"]
    data = change_form_data(client.get(user_page(delegate)))
    chair_group = Group.objects.get(name=GROUP_NAMES[Role.PRESIDENCY_CHAIR])
    data.update(organisation=str(Organisation.objects.get(code="FR").pk), groups=[*data["groups"], str(chair_group.pk)])
    assert client.post(user_page(delegate), data).status_code == 302
    entries = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(delegate.pk), actor=cast["secretariat"])
    details = [entry.details for entry in entries]
    assert {"relation": "groups", "added": ["Presidency chair"]} in details
    assert {"relation": "groups", "added": ["Organisation: FR"]} in details
    assert {"relation": "groups", "removed": ["Organisation: DE"]} in details
    organisation = Organisation.objects.get
    assert {"changes": {"organisation": [organisation(code="DE").pk, organisation(code="FR").pk]}} in details
    assert audit_verify()[1] is None


def test_a_deactivation_and_a_group_change_by_a_service_are_recorded():
    user = User.objects.create_user("someone", password=PASSWORD, organisation=Organisation.objects.get(code="DE"))
    created = last_entry_about(user)
    assert created.action == AuditEntry.Action.CREATE and created.details["values"]["organisation"] == user.organisation_id
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.SIAC_ANALYST]))
    assert last_entry_about(user).details == {"relation": "groups", "added": ["SIAC analyst"]}
    user.is_superuser = True
    user.save()
    assert last_entry_about(user).details == {"changes": {"is_superuser": [False, True]}}
    user.last_login = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    user.save(update_fields=["last_login"])  # not a tracked field: no entry, no query
    assert last_entry_about(user).details == {"changes": {"is_superuser": [False, True]}}


def test_api_tokens_issued_and_revoked_are_in_the_chain(cast, signed_in):
    token, key = api_token_issue(user=cast["siac"], name="SIAC feed", scopes=["read"])
    issued = last_entry_about(token)
    assert issued.action == AuditEntry.Action.CREATE
    assert issued.details == {"user": "siac-analyst", "name": "SIAC feed", "key_prefix": key[:8], "scopes": ["read"]}
    assert key not in str(issued.details) and token.key_hash not in str(issued.details)
    signed_in["secretariat"].post(reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    revoked = last_entry_about(token)
    assert revoked.action == AuditEntry.Action.REVOKE and revoked.actor == cast["secretariat"]
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert audit_verify()[1] is None


# --- Four eyes ------------------------------------------------------------------------------------


SELF_LOCKED = ("is_superuser", "is_staff", "groups", "user_permissions", "organisation", "clearance", "clearance_expires_on")


def test_a_secretariat_member_cannot_change_their_own_clearance_roles_or_organisation(cast, signed_in):
    client, me = signed_in["secretariat"], cast["secretariat"]
    page = client.get(user_page(me))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not set(SELF_LOCKED) & set(form.fields), "shown read-only, never as an input"
    for attempt in (
        {"clearance": str(int(Classification.SECRET_UE))},
        {"organisation": str(Organisation.objects.get(code="DE").pk)},
        {"groups": [str(group.pk) for group in Group.objects.all()]},
        {"is_superuser": "on"},
        {"is_staff": "on"},
    ):
        data = {**change_form_data(page), **attempt}
        assert client.post(user_page(me), data).status_code == 403, attempt
    me.refresh_from_db()
    assert (me.clearance, me.organisation.code, me.is_superuser) == (Classification.RESTREINT_UE, "GSC", False)
    assert set(me.groups.values_list("name", flat=True)) == {"Council secretariat", "Organisation: GSC"}
    # Their own name is still theirs to correct.
    data = {**change_form_data(page), "first_name": "Gabriela"}
    assert client.post(user_page(me), data).status_code == 302
    assert User.objects.get(pk=me.pk).first_name == "Gabriela"


def test_the_superuser_flag_and_direct_permissions_are_not_offered_to_the_secretariat(cast, signed_in):
    client, delegate = signed_in["secretariat"], cast["delegate"]
    page = client.get(user_page(delegate))
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert "user_permissions" not in page.context["adminform"].form.fields
    assert 'name="is_superuser"' not in page.content.decode()
    permission = Permission.objects.get(codename="change_user")
    for attempt in ({"is_superuser": "on"}, {"user_permissions": [str(permission.pk)]}):
        assert client.post(user_page(delegate), {**change_form_data(page), **attempt}).status_code == 403
    delegate.refresh_from_db()
    assert not delegate.is_superuser and not delegate.user_permissions.exists()


def test_only_a_superuser_changes_a_superusers_account_or_a_roles_permissions(cast, signed_in, login_verified):
    from django.test import Client

    root = User.objects.create_superuser("root", password=PASSWORD, organisation=Organisation.objects.get(code="GSC"))
    client = signed_in["secretariat"]
    shown = client.get(user_page(root))  # view-only at most: never a form
    assert shown.status_code == 200 and not shown.context["has_change_permission"]
    assert client.post(user_page(root), {"username": "root", "is_active": ""}).status_code == 403
    assert client.get(reverse("admin:auth_user_password_change", args=[root.pk])).status_code == 403
    role = Group.objects.get(name=GROUP_NAMES[Role.SECRETARIAT])
    group_page = reverse("admin:auth_group_change", args=[role.pk])
    assert "permissions" not in client.get(group_page).context["adminform"].form.fields
    wider = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    assert client.post(group_page, {"name": role.name, "permissions": wider}).status_code == 403
    assert role.permissions.count() < len(wider)
    superuser = Client()
    login_verified(superuser, root)
    page = superuser.get(user_page(cast["delegate"]))
    assert {"is_superuser", "user_permissions"} <= set(page.context["adminform"].form.fields)


def as_request_of(user):
    """Run as if serving a request signed in as ``user`` (what the console
    and the API set for the length of a request)."""
    HistoricalRecords.context.request = SimpleNamespace(user=user, META={"REMOTE_ADDR": "10.0.0.9"}, path="/")


@pytest.fixture
def acting():
    yield as_request_of
    del HistoricalRecords.context.request


def test_no_service_lets_anyone_change_their_own_clearance_or_roles(cast, acting):
    me = cast["secretariat"]
    acting(me)
    me.clearance = Classification.SECRET_UE
    with pytest.raises(PermissionDenied), transaction.atomic():
        me.save()
    me.refresh_from_db()
    analysts = Group.objects.get(name=GROUP_NAMES[Role.SIAC_ANALYST])
    for change in (lambda: me.groups.add(analysts), lambda: analysts.user_set.add(me), me.groups.clear):
        with pytest.raises(PermissionDenied), transaction.atomic():
            change()
    assert User.objects.get(pk=me.pk).clearance == Classification.RESTREINT_UE
    assert set(me.groups.values_list("name", flat=True)) == {"Council secretariat", "Organisation: GSC"}
    # Another member may; the change names them, from their address.
    colleague = cast["delegate"]
    colleague.clearance = Classification.CONFIDENTIEL_UE
    colleague.save()
    entry = last_entry_about(colleague)
    assert (entry.actor, entry.ip_address) == (me, "10.0.0.9")
    assert entry.details == {"changes": {"clearance": [int(Classification.RESTREINT_UE), int(Classification.CONFIDENTIEL_UE)]}}
    assert audit_verify()[1] is None


def test_the_dashboard_writes_one_read_entry_naming_its_classified_rows(cast, signed_in, classified_case, unclassified_case):
    """The dashboard is a list too: its panels' classified rows are named in one entry."""
    from cdt.directory.models import CouncilBody
    from council.models import Question
    from council.services import question_put

    question_put(by=cast["chair"], case=classified_case, text="Adopt?", voting_rule="unanimity", body=CouncilBody.objects.get(code="HWPCI"))
    entries = reads_during(lambda: signed_in["other_delegate"].get("/"))
    assert [entry.details["via"] for entry in entries] == ["dashboard"]
    asked = Question.objects.get(case=classified_case)
    assert ("council.question", str(asked.pk)) in named(entries[0]) and entries[0].details["count"] == len(named(entries[0]))
