"""The Council secretariat's admin console: granting and withdrawing a
delegation's access from the case list, workflow transitions as list
actions, CSV export of lists (under the access rule, formula-safe), the
clearance-expiry filter, the reference data it maintains, and its titles."""

import csv
import datetime
import io

import pytest
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseState, CaseTransition
from cdt.accounts.models import ApiToken, User
from cdt.core.admin import csv_cell
from cdt.directory.models import CouncilBody, MemberState, Organisation, PopulationShare, PresidencyTerm
from cdt.security.access import can_view
from cdt.security.models import AuditEntry
from council.models import AgendaItem, Meeting
from measures.models import MeasureType, ResponseMeasure

from .cases_support import satisfy_guards, walk_to

pytestmark = pytest.mark.django_db

CASES = reverse("admin:cases_case_changelist")


def org(code):
    return Organisation.objects.get(code=code)


def post_action(client, action, objects, follow=False, **extra):
    return client.post(CASES, {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}, follow=follow)


def shown_messages(response):
    return [(message.level, str(message)) for message in response.context["messages"]]


def actions_for(model, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return admin.site._registry[model].get_actions(request)


# --- 1. A delegation's access in two clicks -------------------------------------


def test_grant_a_delegation_access_in_two_clicks(cast, open_case, signed_in):
    case = open_case()
    outsider = cast["outsider"]  # the Hungarian delegation has no grant
    assert not can_view(outsider, case)
    client = signed_in["secretariat"]

    page = post_action(client, "grant_delegation_access", [case])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/cdt/delegation_access.html"
    content = page.content.decode().split('<div id="content"')[1]
    assert case.reference in content and f'value="{org("HU").pk}"' in content
    assert "<script" not in content and "style=" not in content  # CSP: nothing inline

    done = post_action(client, "grant_delegation_access", [case], follow=True, organisation=org("HU").pk, apply="1")
    assert done.redirect_chain[-1][0].startswith(CASES)
    assert shown_messages(done) == [(messages.SUCCESS, "Hungary now has access to 1 case.")]
    assert can_view(User.objects.get(pk=outsider.pk), case)
    assert signed_in["outsider"].get(reverse("case-page", args=[case.pk])).status_code == 200
    grant = AuditEntry.objects.filter(action=AuditEntry.Action.GRANT, object_id=str(case.pk)).last()
    assert grant.actor == cast["secretariat"] and grant.details == {"permission": "view", "user": None, "group": "Organisation: HU"}

    again = post_action(client, "grant_delegation_access", [case], follow=True, organisation=org("HU").pk, apply="1")
    assert shown_messages(again) == [(messages.INFO, "Hungary already had access; nothing changed.")]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT, object_id=str(case.pk), details__group="Organisation: HU").count() == 1

    post_action(client, "withdraw_delegation_access", [case], organisation=org("HU").pk, apply="1")
    assert not can_view(User.objects.get(pk=outsider.pk), case)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVOKE, object_id=str(case.pk)).count() == 1  # view only: HU never had change


def test_a_missing_or_unknown_organisation_grants_nothing(cast, open_case, signed_in):
    case = open_case()
    client = signed_in["secretariat"]
    grants = AuditEntry.objects.filter(action=AuditEntry.Action.GRANT).count()
    for value, error in (("", "This field is required."), ("999999", "Select a valid choice.")):
        response = post_action(client, "grant_delegation_access", [case], organisation=value, apply="1")
        assert response.status_code == 200
        assert error in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT).count() == grants
    assert not can_view(cast["outsider"], case)


def test_only_cases_the_secretariat_sees_are_granted(cast, open_case, signed_in):
    visible = open_case()
    hidden = open_case(title="German eyes only", releasable_to=["DE"])  # not releasable to the secretariat's organisation
    post_action(signed_in["secretariat"], "grant_delegation_access", [visible, hidden], organisation=org("HU").pk, apply="1")
    granted = set(AuditEntry.objects.filter(action=AuditEntry.Action.GRANT, actor=cast["secretariat"]).values_list("object_id", flat=True))
    assert granted == {str(visible.pk)}


def test_every_protected_list_offers_it_even_for_all_rows_selected(secretariat_user, login_verified, client, make_user):
    from cdt.security.grants import access_grant
    from cdt.security.markings import Classification, Tlp
    from tests.testapp.services import dossier_create

    author = make_user("author-de")
    dossiers = [
        dossier_create(
            by=author,
            title=f"Dossier {n}",
            classification=Classification.RESTREINT_UE,
            limite=True,
            tlp=Tlp.AMBER,
            originator=org("DE"),
            releasable_to_all=True,
        )
        for n in (1, 2)
    ]
    for dossier in dossiers:
        access_grant(target=dossier, by=secretariat_user, user=secretariat_user)
    login_verified(client, secretariat_user)
    url = reverse("admin:testapp_dossier_changelist")
    ticked = {"action": "grant_delegation_access", "_selected_action": [dossiers[0].pk], "select_across": "1"}  # "select all 2"
    assert 'name="select_across" value="1"' in client.post(url, ticked).content.decode()
    client.post(url, {**ticked, "organisation": org("FR").pk, "apply": "1"})
    french = make_user("delegate-fr-2", "FR")
    assert all(can_view(french, dossier) for dossier in dossiers)


def test_children_of_protected_objects_offer_no_grant(cast):
    assert {"grant_delegation_access", "withdraw_delegation_access"} <= set(actions_for(Case, cast["secretariat"]))
    assert "grant_delegation_access" not in actions_for(ResponseMeasure, cast["secretariat"])  # follows its case


# --- 2. Workflow transitions as list actions -------------------------------------


def test_an_allowed_transition_moves_the_case_and_logs_it(cast, open_case, signed_in):
    case = satisfy_guards(walk_to(open_case(), CaseState.DECISION, cast), "implement", cast)
    response = post_action(signed_in["secretariat"], "transition_implement", [case], follow=True)
    case.refresh_from_db()
    assert case.state == CaseState.IMPLEMENTATION
    assert CaseTransition.objects.filter(case=case, transition="implement", by=cast["secretariat"]).exists()
    assert (messages.SUCCESS, "1 case moved on.") in shown_messages(response)


def test_forbidden_transitions_leave_the_case_and_say_why(cast, open_case, signed_in):
    case = open_case()
    client = signed_in["secretariat"]
    wrong_role = post_action(client, "transition_share_awareness", [case], follow=True)  # the chair's or the EEAS's
    wrong_step = post_action(client, "transition_implement", [case], follow=True)
    case.refresh_from_db()
    assert case.state == CaseState.STARTED and not CaseTransition.objects.filter(case=case).exists()
    [(level, text)] = shown_messages(wrong_role)
    assert level == messages.ERROR and text.startswith(case.reference) and "You may not" in text
    [(level, text)] = shown_messages(wrong_step)
    assert level == messages.ERROR and "from which “Implement” is not possible" in text


def test_only_transitions_needing_no_input_are_actions(cast):
    actions = actions_for(Case, cast["secretariat"])
    assert {"transition_share_awareness", "transition_implement", "transition_sustain"} <= set(actions)
    assert not {"transition_close", "transition_revisit", "transition_reopen"} & set(actions)


# --- 3. CSV export ------------------------------------------------------------------


def test_csv_export_has_visible_rows_only_and_neutralises_formulas(cast, open_case, signed_in):
    formula = open_case(title="=cmd|' /C calc'!A0")
    hidden = open_case(title="German eyes only", releasable_to=["DE"])
    response = post_action(signed_in["secretariat"], "export_as_csv", [formula, hidden])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="cases-{timezone.localdate():%Y%m%d}.csv"'
    header, *rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header[:4] == ["Reference", "Title", "Kind", "Step"]
    assert [row[:2] for row in rows] == [[formula.reference, "'=cmd|' /C calc'!A0"]]
    assert rows[0][3] == "1 · Start discussions" and "German eyes only" not in str(rows)
    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert export.actor == cast["secretariat"] and export.details["count"] == 1 and export.details["ids"] == [str(formula.pk)]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1", "'+33 1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Plain", "Plain"),
        ("<b>a</b>=b", "a=b"),
    ],
)
def test_csv_cells_cannot_start_a_formula(value, cell):
    assert csv_cell(value) == cell


# --- 4. Expiring clearances ----------------------------------------------------------


def test_users_by_clearance_expiry(make_user, secretariat_user, login_verified, client):
    today = timezone.localdate()
    for name, days in (("expired", -1), ("soon", 10), ("quarter", 60), ("later", 200)):
        make_user(f"clear-{name}", clearance_expires_on=today + datetime.timedelta(days=days))
    login_verified(client, secretariat_user)

    def listed(value):
        response = client.get(reverse("admin:accounts_user_changelist"), {"clearance_expires": value})
        assert response.status_code == 200
        return {user.username for user in response.context["cl"].result_list if user.username.startswith("clear-")}

    assert listed("expired") == {"clear-expired"}
    assert listed("30") == {"clear-soon"}
    assert listed("90") == {"clear-soon", "clear-quarter"}
    assert listed("later") == {"clear-later"}
    assert "clear-expired" not in {user.username for user in User.objects.filter(clearance_expires_on__isnull=True)}


# --- 5. What the console maintains, searchable -----------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        User,
        Group,
        ApiToken,
        MemberState,
        PopulationShare,
        PresidencyTerm,
        CouncilBody,
        Organisation,
        MeasureType,
        Meeting,
        AgendaItem,
        Case,
    ],
)
def test_maintained_models_are_registered_and_searchable(model, secretariat_user, login_verified, client):
    assert admin.site.is_registered(model) and admin.site._registry[model].search_fields
    login_verified(client, secretariat_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url, {"q": "de"}).status_code == 200


def test_agenda_items_on_cases_the_user_cannot_see_are_left_out(cast, open_case, signed_in):
    visible, hidden = open_case(), open_case(title="German eyes only", releasable_to=["DE"])
    meeting = Meeting.objects.create(body=CouncilBody.objects.get(code="HWPCI"), starts_at=timezone.now(), created_by=cast["chair"])
    for number, case in enumerate((visible, hidden), start=1):
        AgendaItem.objects.create(meeting=meeting, order=number, title=f"Item on {case.reference}", case=case)
    response = signed_in["secretariat"].get(reverse("admin:council_agendaitem_changelist"), {"q": "Item on"})
    assert [item.case for item in response.context["cl"].result_list] == [visible]
    request = RequestFactory().get("/admin/")
    request.user = cast["secretariat"]
    field = admin.site._registry[AgendaItem].formfield_for_foreignkey(AgendaItem._meta.get_field("case"), request)
    assert list(field.queryset) == [visible]  # nor can an item be put on a hidden case


def test_the_case_list_pages_by_fifty_and_counts_once():
    case_admin = admin.site._registry[Case]
    assert case_admin.list_per_page == 50 and case_admin.show_full_result_count is False


# --- 6. The console's titles -----------------------------------------------------------


def test_the_console_is_titled_in_the_users_language(secretariat_user, login_verified, client):
    login_verified(client, secretariat_user)
    assert "CDT — Council secretariat console" in client.get("/admin/").content.decode()
    french = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "CDT — Console du secrétariat du Conseil" in french
