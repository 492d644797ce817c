"""Each user has a language (issue 28): signing in sets the interface to
it, the switch in the header and the profile page change it, and e-mails
and digests are written in it whatever language the worker (or the
request that caused them) speaks. Also: the EU logo, the reference names
and the references of notifications follow the reader's language."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cdt.directory.models import CouncilBody, MemberState, Organisation
from measures.models import MeasureType
from notifications.factories import EventFactory, NotificationFactory
from notifications.mail import digests_send, notification_send
from notifications.models import Channel, Deadline, DeadlineKind, Mode

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_new_user_speaks_the_default_language(delegate):
    assert delegate.language == settings.LANGUAGE_CODE


def test_signing_in_sets_the_interface_to_the_users_language(client, delegate):
    delegate.language = "fr"
    delegate.save(update_fields=["language"])
    response = client.post(reverse("login"), {"username": delegate.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr"' in body and "Dossiers" in body


def test_a_language_chosen_before_signing_in_is_the_users_and_signing_out_forgets_it(client, delegate):
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("login")})  # the switch on the sign-in page
    response = client.post(reverse("login"), {"username": delegate.username, "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    delegate.refresh_from_db()
    assert delegate.language == "fr"
    response = client.post(reverse("logout"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    other = delegate.__class__.objects.get(pk=delegate.pk)
    other.language = "en"
    other.save(update_fields=["language"])
    response = client.post(reverse("login"), {"username": delegate.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"  # the browser's language is not a choice


def test_the_switch_and_the_profile_change_the_users_language(client, delegate):
    client.force_login(delegate)
    profile = client.get(reverse("profile")).content.decode()
    assert 'data-testid="profile-language"' in profile and '<option value="en" selected>' in profile
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("profile")})
    assert response.status_code == 302 and response.url == reverse("profile")
    delegate.refresh_from_db()
    assert delegate.language == "fr"
    assert '<option value="fr" selected>' in client.get(reverse("profile")).content.decode()
    client.post(reverse("set_language"), {"language": "xx", "next": reverse("profile")})  # not offered: nothing changes
    delegate.refresh_from_db()
    assert delegate.language == "fr"


def test_the_switch_still_works_signed_out(client, delegate):
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("login")})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert "Se connecter" in client.get(reverse("login")).content.decode()


def _email_to(user):
    notification = NotificationFactory(recipient=user, channel=Channel.EMAIL, mode=Mode.IMMEDIATE)
    mail.outbox.clear()
    assert notification_send(notification_id=notification.pk)
    (message,) = mail.outbox
    return message


@pytest.mark.parametrize(
    ("worker", "recipient", "expected", "foreign"),
    [("en", "fr", "Ouvrir dans CDT", "Open in CDT"), ("fr", "en", "Open in CDT", "Ouvrir dans CDT")],
)
def test_an_email_is_in_the_recipients_language_not_the_workers(make_user, worker, recipient, expected, foreign):
    user = make_user("mail-reader", "FR")
    user.language = recipient
    user.save(update_fields=["language"])
    with translation.override(worker):
        message = _email_to(user)
        assert translation.get_language() == worker  # the worker's own language is left as it was
    assert expected in message.body and foreign not in message.body
    kind = "Dossier passé à une autre étape" if recipient == "fr" else "Case moved to another step"
    assert message.subject.endswith(kind)


def test_a_digest_is_in_the_recipients_language(make_user):
    user = make_user("digest-reader", "FR")
    user.language = "fr"
    user.save(update_fields=["language"])
    NotificationFactory.create_batch(2, recipient=user, channel=Channel.EMAIL, mode=Mode.DIGEST)
    mail.outbox.clear()
    with translation.override("en"):
        assert digests_send(day=datetime.date(2026, 12, 8)) == 1
    (message,) = mail.outbox
    assert "Ouvrir dans CDT" in message.body and "Open in CDT" not in message.body


def test_reference_names_follow_the_language(directory):
    germany = MemberState.objects.get(code="DE")
    psc = CouncilBody.objects.get(code="PSC")
    delegation = Organisation.objects.get(code="DE")
    listing = MeasureType.objects.get(slug="cyber-sanctions-listing")
    with translation.override("fr"):
        assert str(germany) == "Allemagne" and psc.acronym == "COPS" and str(psc) == "COPS — Comité politique et de sécurité"
        assert (
            str(delegation) == "Allemagne"
            and delegation.full_name == "Représentation permanente de l'Allemagne auprès de l'Union européenne"
        )
        assert str(CouncilBody.objects.get(code="HWPCI")).endswith("Groupe horizontal «\u00a0Questions cyber\u00a0»")
        assert listing.display_name.startswith("Mesures restrictives") and "gel des avoirs" in listing.display_description
    with translation.override("en"):
        assert str(germany) == "Germany" and str(psc) == "PSC — Political and Security Committee" and str(delegation) == "Germany"
        assert listing.display_name == listing.name


def test_a_name_the_secretariat_entered_is_kept_and_an_empty_one_falls_back(directory):
    from django.apps import apps

    from cdt.directory.reference import french_names_load

    germany = MemberState.objects.get(code="DE")
    germany.name_fr = "République fédérale d'Allemagne"
    germany.save(update_fields=["name_fr"])
    MemberState.objects.filter(code="FR").update(name_fr="")
    assert french_names_load(apps) == 1  # France filled again, Germany left as entered
    germany.refresh_from_db()
    assert germany.name_fr == "République fédérale d'Allemagne" and MemberState.objects.get(code="FR").name_fr == "France"
    MemberState.objects.filter(code="FR").update(name_fr="")
    with translation.override("fr"):
        assert str(MemberState.objects.get(code="FR")) == "France"  # the English, never blank


def test_references_of_notifications_and_deadlines_are_shown_in_the_readers_language(cast, open_case):
    from django.contrib.contenttypes.models import ContentType

    from measures.models import ImpactEvaluation

    case = open_case()
    with translation.override("en"):  # written while English was active
        event = EventFactory(
            case=case,
            reference=f"{case.reference} · impact evaluation",
            subject_type=ContentType.objects.get_for_model(ImpactEvaluation),
            subject_id=1,
        )
        deadline = Deadline.objects.create(
            kind=DeadlineKind.EVALUATION,
            case=case,
            subject_type=event.subject_type,
            subject_id=1,
            due_at=event.created_at,
            reference=event.reference,
            link="/",
        )
    with translation.override("fr"):
        assert event.reference_label == f"{case.reference} · évaluation d'impact"
        assert deadline.title.endswith(f"{case.reference} · évaluation d'impact")
    with translation.override("en"):
        assert event.reference_label == f"{case.reference} · impact evaluation"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_eu_logo_is_the_pages_language(client, language):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    logo = f"vendor/ecl/images/logo/standard-version/positive/logo-eu--{language}.svg"
    assert f"/static/{logo}" in body and finders.find(logo)
