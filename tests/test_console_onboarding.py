"""Onboarding in one form (issue 28, point 10): the secretariat makes the
account with its role and clearance; the invitation e-mail carries a
one-time link to the first-login page, where the new user chooses a
password and is then sent to register an authenticator when their role or
clearance needs one. Refusals are form errors naming the field; nothing is
written. Sending again retires the earlier link; deactivation ends the
account's sessions. Each step is in the audit trail."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cdt.accounts.console_forms import user_has_language
from cdt.accounts.models import Invitation, User
from cdt.accounts.roles import GROUP_NAMES, Role
from cdt.directory.models import Organisation
from cdt.security.markings import Classification
from cdt.security.models import AuditEntry

pytestmark = pytest.mark.django_db

ONBOARD = reverse("console-onboard")
NEW_PASSWORD = "a-fresh-long-password-2027"


def form(**overrides):
    data = {
        "first_name": "Aino",
        "last_name": "Virtanen",
        "email": "Aino.Virtanen@formin.example.fi",
        "organisation": str(Organisation.objects.get(code="FI").pk),
        "role": Role.HWPCI_DELEGATE.value,
        "clearance": str(int(Classification.RESTREINT_UE)),
        "clearance_expires_on": (timezone.localdate() + datetime.timedelta(days=400)).strftime("%d/%m/%Y"),
    }
    return {**data, **overrides}


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/welcome/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def onboard(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(ONBOARD, form(**overrides))


def test_onboarding_end_to_end(cast, signed_in, django_capture_on_commit_callbacks):
    secretariat = signed_in["secretariat"]
    page = secretariat.get(ONBOARD).content.decode()
    fields = set(re.findall(r'name="([^"]+)"', page.split('data-testid="onboarding-form"')[1].split("</form>")[0]))
    expected = {"csrfmiddlewaretoken", "first_name", "last_name", "email", "organisation", "role", "clearance", "clearance_expires_on"}
    assert fields == expected | ({"language"} if user_has_language() else set())
    assert 'placeholder="dd/mm/yyyy"' in page  # day first, whatever the browser's locale

    response = onboard(secretariat, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == reverse("console-people")
    user = User.objects.get(username="aino.virtanen@formin.example.fi")
    assert user.email == user.username and user.get_full_name() == "Aino Virtanen"
    assert not user.has_usable_password() and user.is_active and not user.is_staff and not user.is_superuser
    assert user.organisation.code == "FI" and user.clearance == Classification.RESTREINT_UE
    assert user.roles == {Role.HWPCI_DELEGATE} and not user.user_permissions.exists()
    assert set(user.groups.values_list("name", flat=True)) == {GROUP_NAMES[Role.HWPCI_DELEGATE], "Organisation: FI"}

    # The invitation: one e-mail, to the address, with a link on the site's public address.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aino.virtanen@formin.example.fi"]
    link = link_in(message)
    assert link.startswith("http://127.0.0.1:8000/accounts/welcome/")  # CDT_SITE_URL
    assert "aino.virtanen@formin.example.fi" in message.body  # the sign-in name
    listed = secretariat.get(reverse("console-people"), {"q": "Virtanen"}).content.decode()
    assert "Invited; the link works until" in listed

    # The first login: the link opens the password form; the password is set; then home (no second factor needed).
    newcomer = Client()
    assert "Welcome, Aino Virtanen" in newcomer.get(path_of(link)).content.decode()
    done = newcomer.post(path_of(link), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("home")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert newcomer.get("/").status_code == 200  # signed in
    assert Invitation.objects.get(user=user).accepted_at is not None

    # Single use: the link now refuses, and sets nothing.
    again = Client()
    refused = again.get(path_of(link))
    assert refused.status_code == 400 and "expired or was used already" in refused.content.decode()
    assert again.post(path_of(link), {"new_password1": "x-other-pass-2027!", "new_password2": "x-other-pass-2027!"}).status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    signed = Client().post(reverse("login"), {"username": "aino.virtanen@formin.example.fi", "password": NEW_PASSWORD})
    assert signed.status_code == 302  # the sign-in page takes the new password

    # Audited: the account, its roles, the invitation, its acceptance.
    about_invitation = AuditEntry.objects.filter(object_type="accounts.invitation")
    assert about_invitation.filter(action=AuditEntry.Action.CREATE, actor=cast["secretariat"]).count() == 1
    assert about_invitation.filter(action=AuditEntry.Action.CHANGE, details__accepted=True).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="accounts.user", object_id=str(user.pk)).exists()
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk), details__relation="groups").exists()


def test_a_role_that_needs_a_second_factor_goes_on_to_register_one(signed_in, django_capture_on_commit_callbacks):
    onboard(
        signed_in["secretariat"],
        django_capture_on_commit_callbacks,
        email="analyst@siac.example.eu",
        organisation=str(Organisation.objects.get(code="SIAC").pk),
        role=Role.SIAC_ANALYST.value,
        clearance=str(int(Classification.CONFIDENTIEL_UE)),
    )
    newcomer = Client()
    done = newcomer.post(path_of(link_in(mail.outbox[-1])), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("otp-setup")
    assert newcomer.get("/").url.startswith("/accounts/second-factor/setup/")  # nothing else before it


def test_the_chair_role_brings_the_delegate_role_and_no_secretariat_account_is_made_here(signed_in, django_capture_on_commit_callbacks):
    client = signed_in["secretariat"]
    onboard(client, django_capture_on_commit_callbacks, email="chair@dfa.example.ie", role=Role.PRESIDENCY_CHAIR.value)
    assert User.objects.get(username="chair@dfa.example.ie").roles == {Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR}
    # Four eyes: a secretariat member cannot make a second secretariat account of their own.
    refused = onboard(
        client,
        django_capture_on_commit_callbacks,
        email="new@consilium.example.eu",
        organisation=str(Organisation.objects.get(code="GSC").pk),
        role=Role.SECRETARIAT.value,
    )
    assert refused.status_code == 400 and "role" in refused.context["form"].errors
    assert not User.objects.filter(username="new@consilium.example.eu").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"clearance_expires_on": "01/01/2020"}, "clearance_expires_on", "This date is in the past"),
        ({"clearance_expires_on": ""}, "clearance_expires_on", "Give the day the clearance expires."),
        ({"clearance_expires_on": "2027-31-12"}, "clearance_expires_on", "Enter the date as day/month/year"),
        ({"role": Role.EEAS_DRAFTER.value}, "organisation", "An EEAS drafter belongs to the EEAS."),
        ({"role": "superuser"}, "role", "Select a valid choice."),
        ({"email": "delegate-de@test.invalid"}, "email", "An account with this e-mail address exists already."),
        ({"first_name": ""}, "first_name", "This field is required."),
    ],
)
def test_refusals_are_form_errors_and_write_nothing(overrides, field, message, cast, signed_in, django_capture_on_commit_callbacks):
    client = signed_in["secretariat"]  # signed in (an audit entry) before counting
    written = AuditEntry.objects.exclude(action=AuditEntry.Action.READ)
    users, entries = User.objects.count(), written.count()
    response = onboard(client, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    body = response.content.decode()
    assert "Nothing was saved." in body and 'aria-invalid="true"' in body
    assert body.count("ecl-notification--error") == 1  # one summary of the problems, not one more of the page's own
    assert User.objects.count() == users and not Invitation.objects.exists() and not mail.outbox
    assert written.count() == entries


def test_a_day_first_date_is_read_day_first(signed_in, django_capture_on_commit_callbacks):
    onboard(signed_in["secretariat"], django_capture_on_commit_callbacks, clearance_expires_on="03/04/2030")
    assert User.objects.get(username="aino.virtanen@formin.example.fi").clearance_expires_on == datetime.date(2030, 4, 3)


def test_an_expired_link_is_refused_and_sending_again_retires_the_first(cast, signed_in, django_capture_on_commit_callbacks):
    client = signed_in["secretariat"]
    onboard(client, django_capture_on_commit_callbacks)
    user = User.objects.get(username="aino.virtanen@formin.example.fi")
    first = path_of(link_in(mail.outbox[-1]))

    Invitation.objects.filter(user=user).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert Client().get(first).status_code == 400
    assert "Invitation expired" in client.get(reverse("console-people"), {"q": "Virtanen"}).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(reverse("console-invitation-resend", args=[user.pk]), follow=True)
    assert "A new invitation is on its way" in resent.content.decode()
    assert len(mail.outbox) == 2
    second = path_of(link_in(mail.outbox[-1]))
    assert second != first
    assert Client().get(first).status_code == 400  # retired, though it has not expired by the token's clock
    assert Client().get(second).status_code == 200
    assert AuditEntry.objects.filter(object_type="accounts.invitation", details__again=True).count() == 1


def test_a_failed_sending_is_shown_not_raised(signed_in, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "tests.test_console_onboarding.BrokenBackend"
    response = onboard(signed_in["secretariat"], django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert "ConnectionRefusedError" in invitation.send_error
    listed = signed_in["secretariat"].get(reverse("console-people"), {"q": "Virtanen"}).content.decode()
    assert "The e-mail could not be sent: send it again." in listed


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_nobody_is_invited_twice_once_they_have_a_password(cast, signed_in):
    response = signed_in["secretariat"].post(reverse("console-invitation-resend", args=[cast["delegate"].pk]), follow=True)
    assert "has chosen a password already" in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_deactivating_ends_sessions_and_is_audited_with_its_reason(cast, signed_in):
    delegate_session = signed_in["delegate"]
    assert delegate_session.get("/").status_code == 200
    url = reverse("console-deactivate", args=[cast["delegate"].pk])
    refused = signed_in["secretariat"].post(url, {"reason": ""})
    assert refused.status_code == 400 and User.objects.get(pk=cast["delegate"].pk).is_active
    done = signed_in["secretariat"].post(url, {"reason": "Left the delegation on 30/06/2026."})
    assert done.status_code == 302
    assert not User.objects.get(pk=cast["delegate"].pk).is_active
    assert delegate_session.get("/").status_code == 302  # signed out
    entry = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(cast["delegate"].pk), details__deactivated=True).get()
    assert entry.actor == cast["secretariat"] and entry.details["reason"] == "Left the delegation on 30/06/2026."
    assert "Deactivated" in signed_in["secretariat"].get(reverse("console-people"), {"status": "deactivated"}).content.decode()


def test_nobody_deactivates_their_own_account(cast, signed_in):
    response = signed_in["secretariat"].post(reverse("console-deactivate", args=[cast["secretariat"].pk]), {"reason": "Testing."})
    assert response.status_code == 403 and "another secretariat member must" in response.content.decode()
    assert User.objects.get(pk=cast["secretariat"].pk).is_active


def test_the_service_refuses_anyone_but_the_secretariat(cast):
    from django.core.exceptions import PermissionDenied

    from cdt.accounts.onboarding import user_invite

    with pytest.raises(PermissionDenied):
        user_invite(
            by=cast["chair"],
            first_name="A",
            last_name="B",
            email="a@b.example",
            organisation=Organisation.objects.get(code="IE"),
            role=Role.HWPCI_DELEGATE,
        )
    assert not User.objects.filter(username="a@b.example").exists() and not Group.objects.filter(name="superuser").exists()


def test_two_onboardings_of_one_address_at_once_refuse_the_second(signed_in, django_capture_on_commit_callbacks, monkeypatch):
    """The second one's check ran before the first account was saved
    (simulated: the check says the address is free): 400, one account."""
    from cdt.accounts import console_forms, onboarding

    client = signed_in["secretariat"]
    assert onboard(client, django_capture_on_commit_callbacks).status_code == 302
    monkeypatch.setattr(onboarding, "email_in_use", lambda email: False)
    monkeypatch.setattr(console_forms, "email_in_use", lambda email: False)
    again = onboard(client, django_capture_on_commit_callbacks)
    assert again.status_code == 400
    assert User.objects.filter(email="aino.virtanen@formin.example.fi").count() == 1
