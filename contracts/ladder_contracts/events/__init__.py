"""Events Ladder publishes, one module per publishing service."""

from ladder_contracts.envelope import EventData
from ladder_contracts.events.assessment import AssessmentCompletedV1
from ladder_contracts.events.evidence import EvidenceCapturedV1, EvidenceCorrectedV1, EvidenceRetractedV1
from ladder_contracts.events.privacy import PersonErasedV1
from ladder_contracts.events.progression import PromotionReadinessChangedV1
from ladder_contracts.events.roles import RoleUpdatedV1

ALL: list[type[EventData]] = [
    RoleUpdatedV1,
    AssessmentCompletedV1,
    EvidenceCapturedV1,
    EvidenceCorrectedV1,
    EvidenceRetractedV1,
    PersonErasedV1,
    PromotionReadinessChangedV1,
]

__all__ = [
    "ALL",
    "AssessmentCompletedV1",
    "EvidenceCapturedV1",
    "EvidenceCorrectedV1",
    "EvidenceRetractedV1",
    "PersonErasedV1",
    "PromotionReadinessChangedV1",
    "RoleUpdatedV1",
]
