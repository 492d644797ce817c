"""The case and what hangs off it: the case itself (step, markings,
description), its transition log (:mod:`.case`); its own assessments (:mod:`.assessments`);
who asked to be let in (:mod:`.sharing`)."""

from .assessments import DIMENSIONS, SCORE, SIGNIFICANCE_FACTORS, ProportionalityAssessment, SignificanceAssessment
from .case import (
    OPEN_STATES,
    Case,
    CaseGroupObjectPermission,
    CaseKind,
    CaseState,
    CaseTransition,
    CaseUserObjectPermission,
    ClosureReason,
    Context,
    LegalQualification,
    Sector,
)
from .sharing import AccessRequest, AccessRequestStatus, AccessScope

__all__ = [
    "DIMENSIONS",
    "OPEN_STATES",
    "SCORE",
    "SIGNIFICANCE_FACTORS",
    "AccessRequest",
    "AccessRequestStatus",
    "AccessScope",
    "Case",
    "CaseGroupObjectPermission",
    "CaseKind",
    "CaseState",
    "CaseTransition",
    "CaseUserObjectPermission",
    "ClosureReason",
    "Context",
    "LegalQualification",
    "ProportionalityAssessment",
    "Sector",
    "SignificanceAssessment",
]
