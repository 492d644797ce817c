"""Who may record awareness material (seeing it follows the security rule)."""

from __future__ import annotations

from cdt.accounts.roles import Role, is_chair, is_delegate, is_eeas, is_secretariat


def may_record_assessment(user, kind: str) -> bool:
    """SIAC, the EUIBAs, the EEAS and Member States contribute assessments;
    oral briefings are recorded by the secretariat or the chair."""
    from .models import Assessment

    if kind == Assessment.Kind.ORAL_BRIEFING:
        return is_secretariat(user) or is_chair(user)
    return bool(user and user.is_authenticated) and (
        user.has_role(Role.SIAC_ANALYST) or user.has_role(Role.EUIBA_CONTRIBUTOR) or is_eeas(user) or is_delegate(user)
    )


def may_request_information(user) -> bool:
    return is_delegate(user)  # a delegate or the chair (a delegate of the Presidency)


def may_answer(user, request_for_information) -> bool:
    return bool(user and user.is_authenticated and user.organisation_id == request_for_information.addressed_to_id)
