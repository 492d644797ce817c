"""Several considerations of a deliberation rated and commented in one
call (the API's ``considerations`` action): what the EU did is often
entered afterwards, all ten of para 29 at once. Each entry is the single
step of :mod:`attribution.services`, with its permission, all in one
transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions, services
from .choices import Rating
from .models import AttributionDeliberation, Consideration


def considerations_record(*, by, deliberation: AttributionDeliberation, entries: list[dict]) -> list[Consideration]:
    """Rate and comment several considerations in one call (the ten of
    para 29 at once, when what was done is entered afterwards): each entry
    names its ``number`` and gives an ``assessment`` with its ``rating``
    (the EEAS, as :func:`consideration_assess`), a ``comment`` (as
    :func:`consideration_comment`), or both. All or nothing: a refusal
    (403) or a bad entry (400 naming ``considerations[i].field``) leaves
    every consideration as it was."""
    errors: dict[str, str] = {}
    numbers: set[int] = set()
    for index, entry in enumerate(entries):
        path = f"considerations[{index}]"
        number = entry.get("number")
        if number in numbers:
            errors[f"{path}.number"] = _("Consideration %(number)s is named twice.") % {"number": number}
        numbers.add(number)
        assesses = "assessment" in entry or "rating" in entry
        if assesses and not (entry.get("assessment") or "").strip():
            errors[f"{path}.assessment"] = _("Write the assessment.")
        if assesses and entry.get("rating") not in Rating.values:
            errors[f"{path}.rating"] = _("Supports, neutral or against.")
        if "comment" in entry and not (entry.get("comment") or "").strip():
            errors[f"{path}.comment"] = _("Write the comment.")
        if not assesses and "comment" not in entry:
            errors[path] = _("Give an assessment and its rating, a comment, or both.")
    if errors:
        raise ValidationError(errors)
    # The permission of each single step, asked before anything is written.
    if any("rating" in entry for entry in entries) and not permissions.may_assess_considerations(deliberation, by):
        raise PermissionDenied(_("The EEAS assesses the considerations."))
    if any("comment" in entry for entry in entries) and not permissions.may_comment_considerations(deliberation, by):
        raise PermissionDenied(_("Delegates comment on the considerations until the outcome is recorded."))
    with transaction.atomic():
        for index, entry in enumerate(entries):
            try:
                if "rating" in entry:
                    services.consideration_assess(
                        by=by, deliberation=deliberation, number=entry["number"], assessment=entry["assessment"], rating=entry["rating"]
                    )
                if "comment" in entry:
                    services.consideration_comment(by=by, deliberation=deliberation, number=entry["number"], text=entry["comment"])
            except ValidationError as error:
                raise ValidationError(
                    {f"considerations[{index}].{field}": messages for field, messages in error.message_dict.items()}
                ) from None
    return list(Consideration.objects.filter(deliberation=deliberation, number__in=numbers).order_by("number"))
