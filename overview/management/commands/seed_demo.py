"""Load the reference data and the demo scenario (idempotent): the accounts,
then every app's demo data, so the command lives above them all."""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from awareness.demo import seed_demo_feed
from awareness.models import taxii_collections_ensure
from cdt.accounts.demo import CLEARANCE_EXPIRY, DEMO_ACCOUNTS, demo_totp_key_base32, demo_totp_key_hex
from cdt.accounts.second_factor import requires_second_factor
from cdt.accounts.services import second_factor_register, user_upsert
from cdt.directory.models import Organisation
from cdt.directory.reference import load_reference_data
from measures.catalogue import catalogue_ensure
from overview.demo import CASES as DEMO_CASES
from overview.demo import seed_demo_cases


class Command(BaseCommand):
    help = "Create the demo accounts (password from CDT_DEMO_PASSWORD) on top of the reference data."

    def handle(self, *args: Any, **options: Any) -> None:
        password = settings.CDT_DEMO_PASSWORD
        rows = []
        with transaction.atomic():
            load_reference_data(apps)
            # Reference data of the other apps (migrations create them; a flushed database lacks them).
            taxii_collections_ensure()
            catalogue_ensure(apps)
            for account in DEMO_ACCOUNTS:
                organisation = Organisation.objects.get(code=account.organisation_code)
                user, created = user_upsert(
                    username=account.username,
                    password=password,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    email=f"{account.username}@demo.cdt.invalid",
                    organisation=organisation,
                    roles=account.roles,
                    clearance=account.clearance,
                    clearance_expires_on=CLEARANCE_EXPIRY,
                    is_staff=account.is_staff,
                )
                if requires_second_factor(user):
                    second_factor_register(user=user, key_hex=demo_totp_key_hex(user.username), name="Demo authenticator")
                rows.append((user, organisation, created))
        self.stdout.write(f"Demo accounts (password: {password}):")
        width = max(len(user.username) for user, _, _ in rows)
        for user, organisation, created in rows:
            self.stdout.write(
                f"  {user.username:<{width}}  {user.get_full_name()} — {organisation} — {', '.join(user.role_labels)}"
                + ("" if not created else "  (new)")
            )
        # The scenario's events fill the demo users' notification centres; their
        # e-mails are not printed (the console backend would flood the terminal).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            created_cases = seed_demo_cases(self.stdout)
            self.stdout.write(f"Demo cases: {created_cases} created ({len(DEMO_CASES)} in the scenario, at several steps of the process).")
            seed_demo_feed(self.stdout)
        needing = [user for user, _, _ in rows if requires_second_factor(user)]
        if needing:
            self.stdout.write(f"Second factor (TOTP) required for: {', '.join(user.username for user in needing)}.")
            self.stdout.write("  Current code: `make otp ACCOUNT=<username>` (or `.venv/bin/python manage.py demo_otp <username>`),")
            self.stdout.write("  or add the key to an authenticator app:")
            for user in needing:
                self.stdout.write(f"  {user.username:<{width}}  {demo_totp_key_base32(user.username)}")
