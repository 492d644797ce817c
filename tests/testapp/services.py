"""Writes on the test dossier, in the shape every domain service follows:
keyword-only, one transaction, validated, access granted; creations and
changes reach the audit trail through the field-level history."""

from __future__ import annotations

from django.db import transaction

from cdt.security.grants import access_grant, organisation_group

from .models import Dossier, DossierNote


def dossier_create(
    *, by, title: str, classification: int, limite: bool, tlp: int, originator, releasable_to_all: bool, releasable_to=()
) -> Dossier:
    with transaction.atomic():
        dossier = Dossier(
            title=title,
            classification=classification,
            limite=limite,
            tlp=tlp,
            originator=originator,
            releasable_to_all=releasable_to_all,
        )
        dossier.full_clean()
        dossier._history_user = by  # field-level history, and through it the audit trail
        dossier.save()
        dossier.releasable_to.set(releasable_to)
        if by.organisation_id:
            access_grant(target=dossier, by=by, group=organisation_group(by.organisation))
    return dossier


def dossier_note_add(*, by, dossier: Dossier, text: str, classification: int) -> DossierNote:
    with transaction.atomic():
        note = DossierNote(dossier=dossier, text=text, classification=classification)
        note.full_clean()
        note._history_user = by
        note.save()
    return note
