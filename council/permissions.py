"""Who may do what in Council deliberation. Seeing a question, decision or
procedure follows its case (the security model's rule, 404 otherwise);
these rules decide what a user who sees it may do."""

from __future__ import annotations

from cdt.accounts.roles import is_chair, is_delegate, is_eeas, is_secretariat


def may_chair_or_secretariat(user) -> bool:
    return is_chair(user) or is_secretariat(user)


def may_set_position(user, member_state) -> bool:
    """A delegate sets only their own Member State's position."""
    return is_delegate(user) and user.member_state.pk == member_state.pk


def may_record_oral_position(user) -> bool:
    """The chair and the secretariat record positions stated in a meeting."""
    return may_chair_or_secretariat(user)


def may_record_hr_act(user) -> bool:
    """An HR discretionary act is recorded by the EEAS (the HR's service) or the secretariat."""
    return is_eeas(user) or is_secretariat(user)


may_put_question = may_chair_or_secretariat
may_open_written_procedure = may_chair_or_secretariat
may_record_decision = may_chair_or_secretariat
may_manage_meetings = may_chair_or_secretariat


def may_decide(question, user) -> bool:
    """The question's ``decide`` transition (the state machine's signature)."""
    return may_record_decision(user)
