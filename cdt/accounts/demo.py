"""The demo accounts created by ``manage.py seed_demo`` (and so by ``make run``).

Usernames are fixed: operators' scripts and integration tests rely on them.
Ireland holds the Presidency from July to December 2026, so ``chair-ie``
chairs HWPCI on today's date.
"""

from __future__ import annotations

import datetime
import hashlib
from base64 import b32encode
from dataclasses import dataclass

from cdt.security.markings import Classification

from .roles import Role

CLEARANCE_EXPIRY = datetime.date(2028, 6, 30)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    organisation_code: str
    roles: tuple[Role, ...]
    clearance: Classification = Classification.RESTREINT_UE
    is_staff: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("delegate-de", "Katrin", "Vogel", "DE", (Role.HWPCI_DELEGATE,)),
    DemoAccount("delegate-fr", "Julien", "Marchand", "FR", (Role.HWPCI_DELEGATE,)),
    DemoAccount("delegate-ee", "Kadri", "Tamm", "EE", (Role.HWPCI_DELEGATE,)),
    DemoAccount("chair-ie", "Siobhán", "Murphy", "IE", (Role.HWPCI_DELEGATE, Role.PRESIDENCY_CHAIR)),
    DemoAccount("eeas-drafter", "Elena", "Rossi", "EEAS", (Role.EEAS_DRAFTER,)),
    DemoAccount("siac-analyst", "Pieter", "de Vries", "SIAC", (Role.SIAC_ANALYST,), Classification.CONFIDENTIEL_UE),
    DemoAccount("secretariat", "Marta", "Nowak", "GSC", (Role.SECRETARIAT,), is_staff=True),
)


def demo_totp_key_hex(username: str) -> str:
    """The published second-factor key of a demo account (20 bytes, hex).
    Deterministic so the demo survives a database reset; never used for a
    real account (``demo_otp`` refuses any device whose key differs)."""
    return hashlib.sha1(f"cdt-demo-totp:{username}".encode()).hexdigest()


def demo_totp_key_base32(username: str) -> str:
    """The same key as an authenticator app wants it typed."""
    return b32encode(bytes.fromhex(demo_totp_key_hex(username))).decode()


DEMO_USERNAMES = frozenset(account.username for account in DEMO_ACCOUNTS)
