"""Onboarding in a real browser (under the CSP): the secretariat opens its
console from the menu, fills the one form, and the new delegate follows the
e-mailed link, chooses a password and lands signed in."""

import re

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from cdt.accounts.roles import Role
from cdt.accounts.services import second_factor_register
from tests.conftest import PASSWORD, TEST_TOTP_KEY, user_make
from tests.worlds import directory_ensure

pytestmark = pytest.mark.browser


@pytest.fixture
def secretariat(transactional_db):
    directory_ensure()  # after an earlier live-server test's flush
    user = user_make("gsc-console", "GSC", roles=(Role.SECRETARIAT,), is_staff=True)
    second_factor_register(user=user, key_hex=TEST_TOTP_KEY)
    return user


def code() -> str:
    return f"{TOTP(bytes.fromhex(TEST_TOTP_KEY)).token():06d}"


def test_the_secretariat_onboards_a_delegate_who_then_signs_in(page, browser, live_server, secretariat):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("gsc-console")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.locator("input[name=otp_token]").fill(code())
    page.locator("main form button[type=submit]").click()

    page.get_by_role("navigation").get_by_role("link", name="Console", exact=True).click()
    page.get_by_role("link", name="Onboard a delegate or official").click()
    page.get_by_label("First name").fill("Aino")
    page.get_by_label("Last name").fill("Virtanen")
    page.get_by_label("E-mail address").fill("aino.virtanen@formin.example.fi")
    page.get_by_label("Delegation or body").select_option(label="Finland")
    page.get_by_label("Role").select_option(label="HWPCI delegate")
    page.get_by_label("Security clearance").select_option(label="RESTREINT UE/EU RESTRICTED")
    page.get_by_label("Clearance expires on").fill("01/01/2020")
    page.get_by_role("button", name="Make the account and send the invitation").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()  # a past expiry is refused, on the form
    expect(page.locator("#id_clearance_expires_on_error")).to_contain_text("in the past")
    page.get_by_label("Clearance expires on").fill("31/12/2030")
    page.get_by_role("button", name="Make the account and send the invitation").click()
    expect(page.locator(".ecl-notification--success")).to_contain_text("invitation is on its way")

    link = re.search(r"https?://\S+(/accounts/welcome/\S+/)", mail.outbox[-1].body).group(1)
    newcomer = browser.new_context(locale="en-GB").new_page()
    newcomer.goto(f"{live_server.url}{link}")
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Welcome, Aino Virtanen")
    newcomer.locator("#id_new_password1").fill("a-fresh-long-password-2027")
    newcomer.get_by_label("New password confirmation").fill("a-fresh-long-password-2027")
    newcomer.get_by_role("button", name="Set my password").click()
    expect(newcomer.get_by_test_id("current-user")).to_contain_text("Aino Virtanen")
    newcomer.context.close()
    # No script error; the one 400 is the refused form (bad input answers 400, and Chromium logs it).
    assert [error for error in page.errors if "status of 400" not in error] == []
    assert sum("status of 400" in error for error in page.errors) == 1
