"""Measures and their notes made directly, at a given state, for tests
about what happens there and for the bench's register; the demo and the
tests of the process walk :mod:`measures.services`."""

from __future__ import annotations

import datetime

import factory
from django.db.models import Model
from factory.django import DjangoModelFactory

from awareness.factories import ThreatActorFactory
from cases.factories import CaseFactory
from cdt.accounts.factories import UserFactory
from cdt.directory.factories import reference_data
from cdt.security.factories import MarkedFactory

from .models import (
    ImpactEvaluation,
    MeasureType,
    OptionsNote,
    OptionsNoteVersion,
    ResponseMeasure,
    StrategicNoteVersion,
    StrategicResponseNote,
)


def note_first_version(version_model: type[Model]) -> factory.PostGeneration:
    """Version 1 of a note, as creating it through its service saves it
    (``first_version=False``: none)."""

    def save(note, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted is not False:
            version_model.objects.create(note=note, number=note.version, title=note.title, content=note.content, saved_by=note.drafted_by)

    return factory.PostGeneration(save)


class ResponseMeasureFactory(DjangoModelFactory):
    """A démarche proposed on a case by the case's opener, at the case's classification."""

    class Meta:
        model = ResponseMeasure
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    measure_type = reference_data(MeasureType, slug="demarche")
    description = "Démarche by the High Representative to the State concerned."
    proposed_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")

    @factory.post_generation
    def actors(self, create: bool, extracted, **kwargs) -> None:
        """``actors=[...]``: the actors the measure concerns (none by default)."""
        if create and extracted:
            self.actors.set(extracted)


class ImpactEvaluationFactory(DjangoModelFactory):
    """The 3-month evaluation of a measure, due on 1 December 2026."""

    class Meta:
        model = ImpactEvaluation

    measure = factory.SubFactory(ResponseMeasureFactory)
    case = factory.SelfAttribute("measure.case")
    occasion = ImpactEvaluation.Occasion.INTERVAL
    months_after = 3
    due_on = datetime.date(2026, 12, 1)
    classification = factory.SelfAttribute("measure.classification")


class OptionsNoteFactory(DjangoModelFactory):
    """A draft options note on a case, with its first version."""

    class Meta:
        model = OptionsNote
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    title = "Options note"
    content = factory.LazyFunction(
        lambda: {"situation": "Wiper attack on two operators.", "assessment_refs": [], "options": [], "recommendation": ""}
    )
    drafted_by = factory.SelfAttribute("case.created_by")
    classification = factory.SelfAttribute("case.classification")
    first_version = note_first_version(OptionsNoteVersion)


class StrategicResponseNoteFactory(MarkedFactory):
    """A draft strategic response note on a threat actor, with its first version."""

    class Meta:
        model = StrategicResponseNote

    actor = factory.SubFactory(ThreatActorFactory)
    title = "Strategic response note"
    content = factory.LazyFunction(lambda: {"short_term_effects": "Disrupt the campaign."})
    drafted_by = factory.SubFactory(UserFactory)
    originator = factory.SelfAttribute("drafted_by.organisation")
    first_version = note_first_version(StrategicNoteVersion)
