"""Print the current second-factor code of a demo account, so the demo is
usable without a phone. Refuses anything but a demo account whose device
still has the published demo key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cdt.accounts.demo import DEMO_USERNAMES, demo_totp_key_hex


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (demo keys only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if username not in DEMO_USERNAMES:
            raise CommandError(f"{username} is not a demo account")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True, key=demo_totp_key_hex(username)).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator (run manage.py seed_demo)")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
