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


def may_correct_registry(user) -> bool:
    """The EEAS and SIAC keep the threat-actor registry right (names,
    aliases, sponsoring State, persistence): they are the ones who assess
    actors; the secretariat keeps the console."""
    return bool(user and user.is_authenticated) and (is_eeas(user) or user.has_role(Role.SIAC_ANALYST))


def may_link_assessment(user, assessment) -> bool:
    """Linking an assessment to a case may widen who reads it (one that
    follows its cases reaches every reader of each), so only those who may
    share it decide: its originator's organisation and the Council
    secretariat."""
    return bool(user and user.is_authenticated) and (is_secretariat(user) or user.organisation_id == assessment.originator_id)


def may_configure_feed_clients(user) -> bool:
    """The Council secretariat sets what feed clients' bundles do not say, as in the console."""
    return is_secretariat(user)
