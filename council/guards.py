"""Council guards on the case workflow."""

from django.utils.translation import gettext as _

from cases import guards


@guards.register("implement", "decision_adopted")
def decision_adopted(case) -> str | None:
    """Implementation needs an adopted decision or an HR discretionary act."""
    if case.decisions.filter(adopted=True).exists():
        return None
    return _("No adopted decision or HR discretionary act is recorded for this case.")
