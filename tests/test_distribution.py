"""A case's distribution: who is in the loop follows the Council's process.

A case brought to the Council reaches HWPCI (every delegation, the
Presidency, the EEAS, SIAC, the secretariat); an originator may restrict it
to named recipients; the markings cut across both. Widening and narrowing
happen from the case (page and API), are audited and told to those who gain
access; a request for access never says whether its reference exists.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from cases import access_requests, sharing
from cases.factories import CaseFactory
from cases.models import AccessRequest, Case, CaseGroupObjectPermission
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.security.access import can_view, viewers_of
from cdt.security.grants import access_grant
from cdt.security.markings import Distribution, Tlp
from cdt.security.migration_helpers import distribution_from_grants, grants_from_distribution
from cdt.security.models import AuditEntry
from measures.models import OptionsNote
from notifications.models import Event, EventKind, Notification
from notifications.outbox import event_dispatch

from .cases_support import case_fields
from .distribution_support import opened, org, people  # noqa: F401  (people: a fixture)

pytestmark = pytest.mark.django_db


# --- The rule ---------------------------------------------------------------------------------


def test_a_case_brought_to_the_council_reaches_hwpci_and_nobody_else(people):
    case = opened(people)
    for name in ("chair", "delegate", "other_delegate", "outsider", "siac", "eeas", "secretariat"):
        assert can_view(people[name], case), name
    assert not can_view(people["cnect"], case)  # Commission services: when the case involves them (a share)
    assert set(viewers_of(case).values_list("username", flat=True)) >= {"chair-ie", "delegate-hu", "siac-analyst"}
    assert "cnect-staff" not in viewers_of(case).values_list("username", flat=True)


def test_the_markings_cut_across_the_distribution(people):
    red = opened(people, tlp=Tlp.RED)
    strict = opened(people, tlp=Tlp.AMBER_STRICT)
    for name in ("chair", "delegate", "siac", "secretariat"):
        assert not can_view(people[name], red), name  # TLP:RED: named officials only
        assert not can_view(people[name], strict), name  # AMBER+STRICT: inside the originator (the EEAS)
    assert can_view(people["eeas"], strict)
    sharing.case_share(case=red, by=people["eeas"], user=people["chair"], reason="Chair of HWPCI")
    assert can_view(people["chair"], red) and not can_view(people["delegate"], red)
    released = opened(people, releasable_to_all=False, releasable_to=[org("EEAS"), org("DE")])
    assert can_view(people["delegate"], released) and not can_view(people["other_delegate"], released)


def test_a_circulated_options_note_reaches_the_distribution(people, client):
    case = opened(people)
    note = OptionsNote.objects.create(
        case=case, title="Options on GRIDLOCK", content={"situation": "…"}, drafted_by=people["eeas"], classification=1
    )
    client.force_login(people["outsider"])  # Hungary: no grant, HWPCI only
    assert client.get(f"/api/v1/options-notes/{note.pk}/").status_code == 200
    client.force_login(people["cnect"])
    assert client.get(f"/api/v1/options-notes/{note.pk}/").status_code == 404


def test_a_request_for_information_brings_its_addressee_into_a_restricted_case(people, client):
    from awareness.services import rfi_ask

    case = opened(people, distribution=Distribution.RESTRICTED, shared_with=[org("IE")])
    assert not can_view(people["siac"], case) and can_view(people["chair"], case)
    import datetime

    rfi_ask(by=people["chair"], case=case, addressed_to=org("SIAC"), question="Who?", due_on=datetime.date(2026, 12, 20))
    assert can_view(people["siac"], case)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.GRANT, object_id=str(case.pk), details__group="Organisation: SIAC").get()
    assert entry.details["reason"] == "request for information"


# --- Widening and narrowing over the API --------------------------------------------------------


def test_restricted_case_is_404_outside_and_visible_after_sharing_then_narrowed(people, client):
    case = opened(people, distribution=Distribution.RESTRICTED)
    client.force_login(people["chair"])
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"organisation": "IE"}, content_type="application/json").status_code == 404
    client.force_login(people["eeas"])
    response = client.post(
        f"/api/v1/cases/{case.pk}/share/", {"organisation": "IE", "reason": "Presidency"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    lines = {(line["kind"], line["code"]): line for line in response.json()["access"]}
    assert lines[("organisation", "IE")]["users_with_access"] == 1 and lines[("originator", "EEAS")]["removable"] is False
    again = client.post(f"/api/v1/cases/{case.pk}/share/", {"organisation": "IE"}, content_type="application/json")
    assert again.status_code == 409
    client.force_login(people["chair"])
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    distribution = client.get(f"/api/v1/cases/{case.pk}/distribution/").json()
    assert distribution["distribution"] == "restricted" and distribution["may_narrow"] is False and distribution["may_distribute_to_hwpci"]
    # The chair may not narrow; the originator must give a reason.
    assert (
        client.post(f"/api/v1/cases/{case.pk}/unshare/", {"organisation": "IE", "reason": "x"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(people["eeas"])
    response = client.post(f"/api/v1/cases/{case.pk}/unshare/", {"organisation": "IE"}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(f"/api/v1/cases/{case.pk}/unshare/", {"organisation": "EEAS", "reason": "x"}, content_type="application/json")
    assert response.status_code == 400 and "organisation" in response.json()
    response = client.post(f"/api/v1/cases/{case.pk}/unshare/", {"role": "secretariat", "reason": "x"}, content_type="application/json")
    assert response.status_code == 400 and "role" in response.json()
    response = client.post(
        f"/api/v1/cases/{case.pk}/unshare/", {"organisation": "IE", "reason": "Need to know ended"}, content_type="application/json"
    )
    assert response.status_code == 200
    client.force_login(people["chair"])
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.REVOKE, object_id=str(case.pk), details__permission="view").last()
    assert entry.details == {"permission": "view", "user": None, "group": "Organisation: IE", "reason": "Need to know ended"}


def test_who_may_widen_and_narrow(people, client):
    case = opened(people, distribution=Distribution.RESTRICTED, shared_with=[org("DE")])
    client.force_login(people["delegate"])  # sees it, does not own it
    body = {"organisation": "FR"}
    assert client.post(f"/api/v1/cases/{case.pk}/share/", body, content_type="application/json").status_code == 403
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"hwpci": True}, content_type="application/json").status_code == 403
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {}, content_type="application/json").status_code == 403  # the right first
    client.force_login(people["eeas"])  # the originator: now the body is read
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {}, content_type="application/json").status_code == 400
    assert (
        client.post(f"/api/v1/cases/{case.pk}/share/", {"organisation": "FR", "hwpci": True}, content_type="application/json").status_code
        == 400
    )
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"organisation": "XX"}, content_type="application/json").status_code == 400
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"role": "siac_analyst"}, content_type="application/json").status_code in (
        400,
        403,
    )
    # The Presidency brings a case it sees to the whole of HWPCI.
    sharing.case_share(case=case, by=people["eeas"], organisation=org("IE"))
    client.force_login(people["chair"])
    response = client.post(
        f"/api/v1/cases/{case.pk}/share/", {"hwpci": True, "reason": "On the HWPCI agenda"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["distribution"] == "hwpci"
    assert Case.objects.get(pk=case.pk).distribution == Distribution.HWPCI
    assert client.post(f"/api/v1/cases/{case.pk}/share/", {"hwpci": True}, content_type="application/json").status_code == 409
    client.force_login(people["outsider"])
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    # The originator restricts it again, with a reason: Hungary loses it.
    client.force_login(people["eeas"])
    response = client.post(
        f"/api/v1/cases/{case.pk}/unshare/", {"hwpci": True, "reason": "Partner information"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["distribution"] == "restricted"
    assert not can_view(people["outsider"], Case.objects.get(pk=case.pk))
    assert can_view(people["chair"], Case.objects.get(pk=case.pk))  # its own grant stays


def test_sharing_tells_those_who_gain_access_and_only_them(people, celery_eager=None):
    case = opened(people, distribution=Distribution.RESTRICTED, shared_with=[org("DE")])
    Event.objects.all().delete()
    sharing.case_share(case=case, by=people["eeas"], organisation=org("FR"), reason="Affected")
    event = Event.objects.get(kind=EventKind.CASE_SHARED)
    assert set(event.payload["gained"]) == {people["other_delegate"].pk}
    event_dispatch(event_id=event.pk)
    assert set(Notification.objects.filter(event=event).values_list("recipient__username", flat=True)) == {"delegate-fr"}
    # Sharing with someone who already sees it tells nobody.
    Event.objects.all().delete()
    sharing.case_share(case=case, by=people["eeas"], user=people["delegate"])
    assert not Event.objects.filter(kind=EventKind.CASE_SHARED).exists()


def test_every_change_is_in_the_hash_chain(people):
    case = opened(people, distribution=Distribution.RESTRICTED)
    sharing.case_share(case=case, by=people["eeas"], hwpci=True, reason="HWPCI")
    sharing.case_unshare(case=case, by=people["eeas"], hwpci=True, reason="Back to named recipients")
    changes = AuditEntry.objects.filter(object_id=str(case.pk), details__has_key="distribution").order_by("id")
    assert [(entry.action, entry.details["distribution"]) for entry in changes] == [("grant", "hwpci"), ("revoke", "restricted")]
    call_command("verify_audit")


# --- Requests for access ----------------------------------------------------------------------------


def test_request_access_neither_confirms_nor_denies_existence(people, client):
    hidden = opened(people, distribution=Distribution.RESTRICTED)
    visible = opened(people)
    client.force_login(people["outsider"])
    answers = []
    for reference in (hidden.reference, "CDT-2026-9999", visible.reference):
        response = client.post(
            "/api/v1/access-requests/", {"reference": reference, "reason": "On the agenda of 12 December"}, content_type="application/json"
        )
        assert response.status_code == 202
        answers.append(response.json()["detail"])
    assert len(set(answers)) == 1 and answers[0].startswith("If a case with this reference exists")
    mine = client.get("/api/v1/access-requests/").json()["results"]
    assert {row["reference"] for row in mine} == {hidden.reference, "CDT-2026-9999", visible.reference}
    assert all(row["case"] is None for row in mine) and {row["status"] for row in mine} == {"pending"}
    # Only the hidden case's request reaches a decider; the others name no case.
    assert AccessRequest.objects.filter(case__isnull=False).get().case == hidden
    response = client.post("/api/v1/access-requests/", {"reference": "CDT-2026-9999", "reason": "again"}, content_type="application/json")
    assert response.status_code == 409
    response = client.post("/api/v1/access-requests/", {"reference": "", "reason": ""}, content_type="application/json")
    assert response.status_code == 400 and {"reference", "reason"} <= set(response.json())
    # The page answers the same words.
    page = client.post("/cases/access-requests/", {"reference": "CDT-2026-7777", "reason": "Agenda"}, follow=True)
    assert "If a case with this reference exists" in page.content.decode()


def test_the_originator_grants_or_declines_and_the_requester_is_told(people, client):
    case = opened(people, distribution=Distribution.RESTRICTED)
    first = access_requests.access_request_create(by=people["outsider"], reference=case.reference, reason="Hungarian victims")
    second = access_requests.access_request_create(by=people["other_delegate"], reference=case.reference.lower(), reason="Curious")
    requested = Event.objects.filter(kind=EventKind.ACCESS_REQUESTED, case=case)
    assert requested.count() == 2
    event_dispatch(event_id=requested.first().pk)
    told = set(Notification.objects.filter(event=requested.first()).values_list("recipient__username", flat=True))
    assert told == {"eeas-staff", "gsc-staff"}  # those who may decide
    # Strangers and the requester may not decide.
    client.force_login(people["chair"])
    assert (
        client.post(f"/api/v1/access-requests/{first.pk}/decide/", {"decision": "grant"}, content_type="application/json").status_code
        == 404
    )
    client.force_login(people["outsider"])
    assert (
        client.post(f"/api/v1/access-requests/{first.pk}/decide/", {"decision": "grant"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(people["eeas"])
    rows = client.get("/api/v1/access-requests/", {"mine": "false"}).json()["results"]
    assert {row["id"] for row in rows} == {first.pk, second.pk} and {row["case"] for row in rows} == {case.pk}
    response = client.post(f"/api/v1/access-requests/{second.pk}/decide/", {"decision": "decline"}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(
        f"/api/v1/access-requests/{second.pk}/decide/", {"decision": "decline", "reason": "Not affected"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    response = client.post(
        f"/api/v1/access-requests/{first.pk}/decide/", {"decision": "grant", "scope": "user"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "granted"
    assert (
        client.post(f"/api/v1/access-requests/{first.pk}/decide/", {"decision": "grant"}, content_type="application/json").status_code
        == 409
    )
    assert can_view(people["outsider"], case) and not can_view(people["other_delegate"], case)
    for access_request, username in ((first, "delegate-hu"), (second, "delegate-fr")):
        event = Event.objects.get(kind=EventKind.ACCESS_DECIDED, subject_id=access_request.pk)
        event_dispatch(event_id=event.pk)
        assert set(Notification.objects.filter(event=event).values_list("recipient__username", flat=True)) == {username}
    client.force_login(people["other_delegate"])
    row = client.get(f"/api/v1/access-requests/{second.pk}/").json()
    assert row["status"] == "declined" and row["decision_reason"] == "Not affected" and row["case"] is None
    assert AuditEntry.objects.filter(details__access_request=second.pk, details__decision="declined").exists()


# --- Pages ------------------------------------------------------------------------------------------


def test_the_share_panel_on_the_case_page(people, client, login_verified):
    case = opened(people, distribution=Distribution.RESTRICTED)
    access_requests.access_request_create(by=people["chair"], reference=case.reference, reason="Presidency")
    client.force_login(people["eeas"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'hx-get="/cases/{case.pk}/sharing/"' in page
    panel = client.get(f"/cases/{case.pk}/sharing/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in html and 'data-testid="access-request"' in html and "Presidency" in html
    response = client.post(f"/cases/{case.pk}/sharing/share/", {"reason": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "Choose exactly one" in response.content.decode()
    response = client.post(f"/cases/{case.pk}/sharing/share/", {"user": "nobody"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "No such user." in response.content.decode()
    response = client.post(f"/cases/{case.pk}/sharing/share/", {"organisation": "FR", "reason": "Affected"})
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.pk}/?tab=sharing#sharing")
    response = client.post(f"/cases/{case.pk}/sharing/share/", {"organisation": "LT", "reason": "Affected"}, HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200
        and 'data-testid="sharing-notice"' in response.content.decode()
        and 'data-code="LT"' in response.content.decode()
    )
    assert can_view(people["other_delegate"], case)
    request_id = AccessRequest.objects.get(case=case).pk
    other = opened(people, distribution=Distribution.RESTRICTED)
    foreign = access_requests.access_request_create(by=people["outsider"], reference=other.reference, reason="x").pk
    response = client.post(f"/cases/{case.pk}/access-requests/decide/", {"request": foreign, "decision": "grant"})
    assert response.status_code == 400 and "No such request on this case." in response.content.decode()
    response = client.post(
        f"/cases/{case.pk}/access-requests/decide/", {"request": request_id, "decision": "grant", "scope": "organisation"}
    )
    assert response.status_code == 302 and can_view(people["chair"], case)
    client.force_login(people["other_delegate"])  # sees the case, may not share it
    html = client.get(f"/cases/{case.pk}/sharing/").content.decode()
    assert 'data-testid="share-form"' not in html and 'data-code="FR"' in html
    assert client.post(f"/cases/{case.pk}/sharing/share/", {"organisation": "HU"}).status_code == 403
    client.force_login(people["outsider"])
    assert client.get(f"/cases/{case.pk}/sharing/").status_code == 404
    assert client.post(f"/cases/{case.pk}/sharing/share/", {"organisation": "HU"}).status_code == 404


def test_the_dashboard_lists_requests_to_decide(people, client, login_verified):
    case = opened(people, distribution=Distribution.RESTRICTED)
    access_requests.access_request_create(by=people["outsider"], reference=case.reference, reason="Agenda")
    client.force_login(people["eeas"])
    html = client.get("/").content.decode()
    panel = html.split('data-testid="panel-access-requests"', 1)[1].split("</article>", 1)[0]
    assert case.reference in panel and "(Hungary)" in panel
    client.force_login(people["delegate"])
    assert case.reference not in client.get("/").content.decode()


def test_opening_a_restricted_case_from_the_page(people, client):
    client.force_login(people["eeas"])
    fields = case_fields(brought_by=org("EEAS"))
    data = {
        **{name: value for name, value in fields.items() if name not in ("brought_by", "distribution", "limite", "releasable_to_all")},
        "brought_by": org("EEAS").pk,
        "brought_on": "2026-11-02",
        "limite": "on",
        "releasable_to_all": "on",
        "context": "peacetime",
        "legal_qualification": "unfriendly_act",
        "distribution": "restricted",
        "shared_with": [org("COM-CNECT").pk],
    }
    response = client.post("/cases/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.distribution == Distribution.RESTRICTED
    assert can_view(people["cnect"], case) and not can_view(people["delegate"], case)


def test_the_opening_form_shows_the_distribution_as_choices_a_user_can_see(people, client):
    """The page renders the distribution (HWPCI by default) and "Also in the
    loop"; a group of choices is a fieldset named by its legend. Radio
    buttons and checkboxes are ECL's: the input (which ECL hides) always
    has its label beside it, holding the box the user sees and clicks; a
    list of several choices is a group of checkboxes, not a two-row select."""
    client.force_login(people["eeas"])
    html = client.get("/cases/new/").content.decode()
    group = html.split(
        '<fieldset class="ecl-form-group cdt-field" id="id_distribution_group" aria-describedby="id_distribution_helptext">', 1
    )[1].split("</fieldset>", 1)[0]
    assert '<legend class="ecl-form-label">Distribution<span' in group and 'id="id_distribution_helptext"' in group
    assert (
        '<input type="radio" name="distribution" value="hwpci" class="ecl-radio__input" id="id_distribution_0" required checked>'
        '<label class="ecl-radio__label" for="id_distribution_0"><span class="ecl-radio__box">'
    ) in group
    assert '<input type="radio" name="distribution" value="restricted" class="ecl-radio__input" id="id_distribution_1" required>' in group
    assert '<legend class="ecl-form-label">Also in the loop</legend>' in html
    assert '<select name="shared_with"' not in html and 'name="shared_with" value="' in html
    single = html.split('name="releasable_to_all"', 1)[1].split("</div>", 1)[0]
    assert '<label class="ecl-checkbox__label" for="id_releasable_to_all"><span class="ecl-checkbox__box">' in single
    assert 'value="government" class="ecl-checkbox__input" id="id_sectors_2"><label class="ecl-checkbox__label" for="id_sectors_2">' in html
    assert html.count('class="ecl-checkbox__input"') == html.count('class="ecl-checkbox__label"')
    assert 'type="radio" name="distribution" value="hwpci" class="ecl-text-input' not in html


def test_the_share_panel_asks_for_its_refusals_to_be_shown_in_place(people, client, login_verified):
    """htmx swaps only 2xx answers: the panel's refusals are marked as
    fragments to swap (cdt.core.htmx, static/js/htmx-errors.js) and carry
    the reason in an error summary."""
    case = opened(people, distribution=Distribution.RESTRICTED)
    client.force_login(people["eeas"])
    response = client.post(f"/cases/{case.pk}/sharing/share/", {"reason": "x"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400 and html.startswith('<div id="sharing-panel" data-testid="sharing-panel">')
    assert response["CDT-Error-Fragment"] == "1"
    assert 'role="alert"' in html and "data-error-summary" in html and "Choose exactly one" in html


# --- Existing rows --------------------------------------------------------------------------------


def test_the_migration_gives_existing_cases_a_distribution_from_their_grants(people):
    delegates = Group.objects.get(name=GROUP_NAMES[Role.HWPCI_DELEGATE])
    everyone = CaseFactory(created_by=people["delegate"])
    access_grant(target=everyone, by=people["delegate"], group=delegates)
    named = CaseFactory(created_by=people["delegate"])
    before = {case.pk: set(viewers_of(case).values_list("username", flat=True)) for case in (everyone, named)}
    assert distribution_from_grants(apps, "cases", "Case") == 1
    everyone.refresh_from_db()
    named.refresh_from_db()
    assert everyone.distribution == Distribution.HWPCI and named.distribution == Distribution.RESTRICTED
    assert set(viewers_of(named).values_list("username", flat=True)) == before[named.pk]
    # Every delegate saw it before; now the EEAS and SIAC too (as the migration's docstring says).
    assert set(viewers_of(everyone).values_list("username", flat=True)) - before[everyone.pk] == {"eeas-staff", "siac-analyst"}
    # The role grant is gone (the distribution replaces it): restricting the case now does restrict it.
    assert not CaseGroupObjectPermission.objects.filter(content_object=everyone, group=delegates).exists()
    sharing.case_unshare(case=everyone, by=people["delegate"], hwpci=True, reason="National information")
    assert not can_view(people["outsider"], Case.objects.get(pk=everyone.pk))
    # Backwards: HWPCI-wide rows get their role grant back.
    Case.objects.filter(pk=everyone.pk).update(distribution=Distribution.HWPCI)
    assert grants_from_distribution(apps, "cases", "Case") == 1
    assert CaseGroupObjectPermission.objects.filter(content_object=everyone, group=delegates).exists()


def test_who_has_access_costs_the_same_whatever_the_number_of_grants(people, client, make_user):
    """The share panel's reads do not grow with the grants: one query per
    kind of line, not one per organisation, role or named official."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    delegates = Group.objects.get(name=GROUP_NAMES[Role.HWPCI_DELEGATE])
    small = opened(people, shared_with=[org("FR")])
    sharing.case_share(case=small, by=people["eeas"], user=make_user("named-small", "DE"))
    access_grant(target=small, by=people["eeas"], group=delegates)
    large = opened(people, shared_with=[org(code) for code in ("FR", "IE", "LT", "LV", "COM-CNECT")])
    for index in range(4):
        sharing.case_share(case=large, by=people["eeas"], user=make_user(f"named-{index}", "DE"))
    access_grant(target=large, by=people["eeas"], group=delegates)
    client.force_login(people["eeas"])
    counts = []
    for case in (small, large, small):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/cases/{case.pk}/distribution/").status_code == 200
        counts.append(len(captured))
    assert counts[1] == counts[2], counts
    lines = client.get(f"/api/v1/cases/{large.pk}/distribution/").json()["access"]
    assert {line["kind"] for line in lines} == {"distribution", "originator", "organisation", "role", "named_official"}


def test_the_requests_page_is_the_one_current_menu_entry(people, client):
    client.force_login(people["delegate"])
    html = client.get("/cases/access-requests/").content.decode()
    assert html.count('aria-current="page"') == 1 and re.search(r'href="/cases/access-requests/"[^>]*aria-current="page"', html)
