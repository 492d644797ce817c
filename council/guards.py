"""Council guards on the case workflow."""

from django.utils.translation import gettext as _

from cases import guards


@guards.register("implement", "decision_adopted")
def decision_adopted(case) -> str | None:
    """Implementation needs an adopted decision or an HR discretionary act."""
    if case.decisions.filter(adopted=True).exists():
        return None
    return _("No adopted decision or HR discretionary act is recorded for this case.")


@guards.register("implement", "legal_acts_recorded")
def legal_acts_recorded(case) -> str | None:
    """A horizontal act (the framework, its prolongation) is its legal acts:
    implementing it needs the adopted decision's acts recorded (number,
    CELEX, Official Journal). Other cases may rest on an HR act or a
    decision without a legal act of its own."""
    if not case.is_horizontal or case.decisions.filter(adopted=True, legal_acts__isnull=False).exists():
        return None
    return _("No legal act is recorded for the adopted decision of this horizontal act.")
