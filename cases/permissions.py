"""Who may do what on a case: one place, used by the state machine
(``permission=`` on each transition), the pages and the API.

The roles are the actors of the step-by-step process (revised implementing
guidelines 2023, para 24: HWPCI, the EEAS, the Commission services, SIAC),
with the Presidency chairing HWPCI; the role checks themselves live in
:mod:`cdt.accounts.roles`. Seeing the case at all is the security model's business (404 otherwise); these rules only decide what a
user who sees it may trigger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cdt.accounts.roles import Role, is_chair, is_delegate, is_eeas, is_secretariat
from cdt.security.types import AnyUser, is_signed_in

if TYPE_CHECKING:
    from .models import Case

#: A transition's role rule, as django-fsm calls it: ``(case, user) -> bool``.
TransitionRule = Callable[["Case", AnyUser], bool]


def may_open_case(user: AnyUser) -> bool:
    """Delegates and the EEAS bring activities to the Council (step 1); the
    partner liaison logs partner requests."""
    return is_delegate(user) or is_eeas(user) or bool(is_signed_in(user) and user.has_role(Role.PARTNER_LIAISON))


def may_assess(user: AnyUser) -> bool:
    """Who records proportionality and significance assessments on a case
    they can see: delegates, EEAS, SIAC and Commission contributors."""
    return (
        is_delegate(user)
        or is_eeas(user)
        or bool(is_signed_in(user) and (user.has_role(Role.SIAC_ANALYST) or user.has_role(Role.COMMISSION_CONTRIBUTOR)))
    )


# --- Transition permissions: (case, user) -> bool, as django-fsm calls them ---


def may_share_awareness(case: Case, user: AnyUser) -> bool:
    return is_chair(user) or is_eeas(user)


def may_explore_response(case: Case, user: AnyUser) -> bool:
    return is_delegate(user) or is_eeas(user)


def may_chair(case: Case, user: AnyUser) -> bool:
    return is_chair(user)


def may_implement(case: Case, user: AnyUser) -> bool:
    return is_chair(user) or is_secretariat(user)


def may_involve_partners(case: Case, user: AnyUser) -> bool:
    return is_eeas(user)


def may_evaluate(case: Case, user: AnyUser) -> bool:
    return is_chair(user) or is_eeas(user)


def may_revisit(case: Case, user: AnyUser) -> bool:
    return is_delegate(user)  # any delegate with access (a request); the chair is a delegate


def may_close(case: Case, user: AnyUser) -> bool:
    return is_chair(user) or is_secretariat(user)


def may_reopen(case: Case, user: AnyUser) -> bool:
    return is_secretariat(user)
