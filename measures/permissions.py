"""Who may do what with measures (seeing them follows the case: 404 otherwise).
Used by the state machine (``permission=``), the services, pages and API.
Who drafts and comments on the notes is the drafting app's rule
(``drafting.permissions``)."""

from __future__ import annotations

from cdt.accounts.roles import Role, is_chair, is_delegate, is_eeas, is_secretariat


def may_propose(case, user) -> bool:
    """Delegates (the chair is one) and the EEAS propose measures on a case they see."""
    return is_delegate(user) or is_eeas(user)


def may_select(measure, user) -> bool:
    """The chair puts a measure to the Council for decision."""
    return is_chair(user)


def may_override_escalation(measure, user) -> bool:
    return is_chair(user)


def may_record_agreement(measure, user) -> bool:
    """Agreement, suspension, lifting, expiry follow Council decisions: the chair or the secretariat records them."""
    return is_chair(user) or is_secretariat(user)


def may_implement(measure, user) -> bool:
    """The EEAS, the chair, the secretariat, or the implementing organisation itself."""
    if is_eeas(user) or is_chair(user) or is_secretariat(user):
        return True
    return bool(user and user.is_authenticated and measure.implementing_actor_id and user.organisation_id == measure.implementing_actor_id)


def may_withdraw(measure, user) -> bool:
    return is_chair(user) or bool(user and user.is_authenticated and measure.proposed_by_id == user.pk)


def may_evaluate(measure, user) -> bool:
    """Impact evaluations: the EEAS and the chair, with SIAC's input (step 8)."""
    return is_eeas(user) or is_chair(user) or bool(user and user.is_authenticated and user.has_role(Role.SIAC_ANALYST))


def may_record_note_approval(note, user) -> bool:
    return is_chair(user) or is_secretariat(user)
