"""Print a new API token for a user: ``manage.py issue_token USERNAME [--scope S ...]``.

Only the token is printed on standard output, so scripts can capture it.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cdt.accounts.models import User
from cdt.accounts.scopes import DEFAULT_SCOPES, SCOPES
from cdt.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it (shown once; stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=sorted(SCOPES),
            help=f"repeatable; default: {' '.join(DEFAULT_SCOPES)}",
        )
        parser.add_argument("--name", default="command line", help="client name shown in the admin")
        parser.add_argument("--expires-days", type=int, default=None, help="expire after this many days")

    def handle(self, *args: Any, username: str, scopes: list[str] | None, name: str, expires_days: int | None, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            _, key = api_token_issue(user=user, name=name, scopes=scopes or DEFAULT_SCOPES, expires_at=expires_at)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(key)
