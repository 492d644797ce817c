"""Who may speak for whom: the organisations a user may name as the one a
record comes from — a case's ``brought_by``, an assessment's ``source`` (the
``originator`` is never named: the services set it to the recorder's own
organisation).

Every reader takes these fields as that organisation's word: a delegate who
could post an assessment as SIAC's, or bring a case in another Member
State's name, would be forging it. The rule (decision record 0026):

- everyone may name their own organisation (the default when they name none);
- the Council secretariat and the EEAS may name any organisation, when they
  say so: the secretariat keeps the record of HWPCI's meetings and relays
  contributions; the EEAS hosts SIAC (an oral SIAC briefing it notes) and
  brings partners' requests to the Council;
- the international partner liaison may name the partners it logs requests
  from (partner states and international organisations);
- whoever may record an oral briefing (the chair, the secretariat: see
  :func:`awareness.permissions.may_record_assessment`) names who gave it: the
  record of an oral briefing is by nature a note of someone else's words.

One place, used by the services (the API and the pages end there) and by
the forms' choices (which offer only what the user may name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cdt.accounts.roles import EEAS_CODE, Role
from cdt.directory.models import Organisation

from .types import AnyUser, is_signed_in

if TYPE_CHECKING:
    from django.db.models import QuerySet

#: Partners the partner liaison logs requests from.
PARTNER_KINDS = (Organisation.Kind.PARTNER_STATE, Organisation.Kind.INTERNATIONAL_ORGANISATION)


def speaks_for_others(user: AnyUser) -> bool:
    """The Council secretariat and the EEAS record on another organisation's
    behalf (when they name it)."""
    if not is_signed_in(user):
        return False
    organisation = user.organisation
    return user.has_role(Role.SECRETARIAT) or (organisation is not None and organisation.code == EEAS_CODE)


def claimable_organisations(user: AnyUser, *, oral_briefing: bool = False) -> QuerySet[Organisation]:
    """The organisations ``user`` may name as a record's author: the form
    choices, and the set :func:`may_claim` checks against."""
    organisations = Organisation.objects.order_by("kind", "name")
    if not is_signed_in(user):
        return organisations.none()
    if oral_briefing or speaks_for_others(user):
        return organisations
    if user.has_role(Role.PARTNER_LIAISON):
        return organisations.filter(pk=user.organisation_id or 0) | organisations.filter(kind__in=PARTNER_KINDS)
    return organisations.filter(pk=user.organisation_id or 0)


def may_claim(user: AnyUser, organisation: Organisation, *, oral_briefing: bool = False) -> bool:
    if is_signed_in(user) and organisation.pk == user.organisation_id:
        return True  # no query for the usual case: one's own organisation
    return claimable_organisations(user, oral_briefing=oral_briefing).filter(pk=organisation.pk).exists()


def claim_check(user: AnyUser, organisation: Organisation, *, field: str, oral_briefing: bool = False) -> None:
    """Refuse (``ValidationError`` naming ``field``, hence 400 or a form
    error) a claim ``user`` may not make; nothing has been written yet."""
    if may_claim(user, organisation, oral_briefing=oral_briefing):
        return
    own = getattr(getattr(user, "organisation", None), "code", None)
    raise ValidationError(
        {
            field: _(
                "You may not speak for %(organisation)s: name your own organisation (%(own)s). "
                "Only the Council secretariat and the EEAS record on another organisation's behalf."
            )
            % {"organisation": organisation.code, "own": own or "—"}
        }
    )
