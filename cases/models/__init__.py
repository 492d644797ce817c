"""The case and what hangs off it: the case itself (step, markings,
description), its transition log and its own assessments (:mod:`.case`);
who asked to be let in (:mod:`.sharing`)."""

from .case import (
    DIMENSIONS,
    OPEN_STATES,
    SCORE,
    SIGNIFICANCE_FACTORS,
    Case,
    CaseGroupObjectPermission,
    CaseKind,
    CaseState,
    CaseTransition,
    CaseUserObjectPermission,
    ClosureReason,
    Context,
    LegalQualification,
    ProportionalityAssessment,
    Sector,
    SignificanceAssessment,
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
