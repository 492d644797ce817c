"""The secretariat grants a delegation access to a case in the console, in
a real browser (under the CSP), and the delegate then finds it; the same
console in French."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cases.sharing import case_unshare
from cdt.accounts.models import User
from cdt.directory.models import Organisation
from cdt.security.access import visible_to
from cdt.security.models import AuditEntry

from .test_accessibility import sign_in
from .test_case_flow import demo  # noqa: F401  (the demo fixture)

pytestmark = pytest.mark.browser


def test_secretariat_grants_a_delegation_access_in_the_console(page, browser, live_server, demo):
    # Setup: the demo distributes most cases to HWPCI; restrict one, so only
    # its opener's delegation (Germany) and the secretariat have need-to-know.
    case = Case.objects.get(title__startswith="Wiper attack")
    case_unshare(case=case, by=User.objects.get(username="delegate-de"), hwpci=True, reason="National information")
    assert not visible_to(Case.objects.filter(pk=case.pk), User.objects.get(username="delegate-ee")).exists()
    outsider = browser.new_context(locale="en-GB")
    estonia = outsider.new_page()
    sign_in(estonia, live_server, "delegate-ee")
    assert estonia.goto(f"{live_server.url}/cases/{case.pk}/").status == 404  # not yet: as if it did not exist

    sign_in(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/admin/cases/case/")
    page.locator(f'input[name="_selected_action"][value="{case.pk}"]').check()  # click 1: the case
    page.locator("select[name=action]").select_option("grant_delegation_access")
    page.locator("button[name=index]").click()
    page.locator("select[name=organisation]").select_option(value=str(Organisation.objects.get(code="EE").pk))
    page.locator("input[name=apply]").click()  # click 2: the delegation
    expect(page.locator("ul.messagelist")).to_contain_text("Estonia")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT, object_id=str(case.pk)).exists()

    assert estonia.goto(f"{live_server.url}/cases/{case.pk}/").status == 200
    expect(estonia.get_by_test_id("marking-top")).to_contain_text("RESTREINT UE")
    outsider.close()

    page.goto(f"{live_server.url}/admin/cases/case/", wait_until="load")
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.goto(f"{live_server.url}/admin/cases/case/")
    expect(page.locator("select[name=action]")).to_contain_text("Donner accès à une délégation")
    assert page.errors == []
