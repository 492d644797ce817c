"""Who may do what with attribution, statements and communication plans.
Seeing any of them follows the case (404 otherwise); these rules decide what
a user who sees them may do. Used by the state machines (``permission=``),
the services, the pages and the API."""

from __future__ import annotations

from cdt.accounts.roles import Role, is_chair, is_delegate, is_eeas, is_secretariat

from .choices import Basis, DeliberationStatus


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def may_record_claim(user, *, basis: str, member_state=None) -> bool:
    """A Member State's national attribution is recorded by its own delegate
    (or the secretariat); technical, partner and industry attributions by the
    EEAS, SIAC or the secretariat."""
    if is_secretariat(user):
        return True
    if basis == Basis.NATIONAL:
        return is_delegate(user) and member_state is not None and user.member_state.pk == member_state.pk
    return is_eeas(user) or (_signed_in(user) and user.has_role(Role.SIAC_ANALYST))


def may_open_deliberation(user) -> bool:
    """The chair, the secretariat or the EEAS start the deliberation on a coordinated attribution."""
    return is_chair(user) or is_secretariat(user) or is_eeas(user)


def may_assess_considerations(deliberation, user) -> bool:
    """The EEAS assesses and rates the considerations of para 29."""
    return is_eeas(user)


def may_comment_considerations(deliberation, user) -> bool:
    """Delegates (and the EEAS, answering) comment while the deliberation is not concluded."""
    return (is_delegate(user) or is_eeas(user)) and deliberation.status != DeliberationStatus.CONCLUDED


def may_refer(deliberation, user) -> bool:
    """The chair or the secretariat put the question to the Council."""
    return is_chair(user) or is_secretariat(user)


def may_conclude(deliberation, user) -> bool:
    return is_chair(user) or is_secretariat(user)


def may_publish(statement, user) -> bool:
    """The EEAS (the HR's and spokesperson's service) or the secretariat record publication."""
    return is_eeas(user) or is_secretariat(user)


def may_record_alignment(statement, user) -> bool:
    return is_eeas(user) or is_secretariat(user)


def may_draft_plan(plan, user) -> bool:
    """The EEAS's strategic communication division drafts and runs the plan."""
    return is_eeas(user)


def may_agree_plan(plan, user) -> bool:
    return is_chair(user) or is_secretariat(user)


def may_commit_to_amplify(plan, user, member_state) -> bool:
    """A delegate commits their own Member State to amplify the communication."""
    return is_delegate(user) and user.member_state.pk == member_state.pk
