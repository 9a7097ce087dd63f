"""Turning evidence items and assessments into contributions the readiness engine folds.

The quality of a contribution says how far to trust it: manager-verified and
system-measured items fully, self-reported ones less; targets a person has
declared or confirmed fully, targets Ladder only suggested from text less; a
manager's rating more than a peer's, a peer's more than a self-assessment.

Sources decide independence: items of one kind from one system vouched for
the same way (all manager-verified review ratings from one HRIS, all
self-reported shipped work) are one source; each assessor is one, each
interview panel is one.

Assessments reach progression first-hand (``AssessmentCompleted``), where a
rating's level can be held against the *target's* required level. The
evidence service mirrors competency assessments into the portfolio as
derived ``assessment_result`` items; those are kept on record (they show up
behind a criterion, and their retraction is honoured) but carry no signal,
so no assessment counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ladder_contracts.events.assessment import (
    AssessorRole,
    CompetencyAssessmentOutcome,
    InterviewLoopOutcome,
)
from ladder_contracts.events.evidence import (
    EvidenceItem,
    EvidenceKind,
    KpiOutcome,
    MappingStatus,
    SourceOrigin,
    Verification,
)

from ladder_progression.domain.criteria import Target, TargetKind
from ladder_progression.domain.signals import Contribution

EVIDENCE = "evidence"
ASSESSMENT = "assessment"

_KPI_VALUE = {KpiOutcome.MET: 1.0, KpiOutcome.NOT_MET: 0.0, KpiOutcome.NOT_JUDGEABLE: None}


@dataclass(frozen=True)
class EvidenceWeighting:
    verification: dict[Verification, float] = field(
        default_factory=lambda: {
            Verification.SELF_REPORTED: 0.4,
            Verification.MANAGER_VERIFIED: 1.0,
            Verification.SYSTEM_MEASURED: 1.0,
        }
    )
    mapping: dict[MappingStatus, float] = field(
        default_factory=lambda: {MappingStatus.SUGGESTED: 0.5, MappingStatus.DECLARED: 1.0, MappingStatus.CONFIRMED: 1.0}
    )
    assessor: dict[AssessorRole, float] = field(
        default_factory=lambda: {AssessorRole.SELF: 0.4, AssessorRole.PEER: 0.8, AssessorRole.MANAGER: 1.0}
    )
    interview_panel: float = 1.0


def evidence_contributions(item: EvidenceItem, *, seen_at: datetime, weighting: EvidenceWeighting) -> list[Contribution]:
    """One contribution per target the item supports.

    An item dated after Ladder saw it counts from when it was seen, so a
    wrong clock upstream cannot make evidence fresher than its event.
    """
    occurred_at = min(item.occurred_at, seen_at)
    quality = weighting.verification[item.verification] * weighting.mapping[item.mapping]
    source = f"{item.kind.value}:{item.source.origin.value}:{item.source.system}:{item.verification.value}"
    judged = item.kpi_judgement
    mirrors_assessment = item.kind is EvidenceKind.ASSESSMENT_RESULT and item.source.origin is SourceOrigin.DERIVED

    def contribution(target: Target) -> Contribution:
        value: float | None = None if mirrors_assessment else item.strength
        if judged is not None and target.kind is TargetKind.KPI and target.id == judged.kpi_id:
            value = _KPI_VALUE[judged.outcome]
        return Contribution(item.evidence_id, EVIDENCE, target, source, occurred_at, quality, value=value)

    supports = item.supports
    targets = (
        [Target(TargetKind.COMPETENCY, i) for i in supports.competency_ids]
        + [Target(TargetKind.KPI, i) for i in supports.kpi_ids]
        + [Target(TargetKind.PROMOTION_CRITERION, i) for i in supports.promotion_criterion_ids]
    )
    return [contribution(target) for target in targets]


def competency_assessment_contributions(
    assessment_id: str, outcome: CompetencyAssessmentOutcome, *, completed_at: datetime, weighting: EvidenceWeighting
) -> list[Contribution]:
    source = f"assessment:{outcome.assessor_role.value}:{outcome.assessor_id}"
    quality = weighting.assessor[outcome.assessor_role]
    return [
        Contribution(
            assessment_id,
            ASSESSMENT,
            Target(TargetKind.COMPETENCY, rating.competency_id),
            source,
            completed_at,
            quality,
            level=rating.level,
        )
        for rating in outcome.ratings
    ]


def interview_contributions(
    assessment_id: str, outcome: InterviewLoopOutcome, *, completed_at: datetime, weighting: EvidenceWeighting
) -> list[Contribution]:
    """A panel's mean rating of a scorecard dimension counts for the competency of the same id, if any."""
    return [
        Contribution(
            assessment_id,
            ASSESSMENT,
            Target(TargetKind.COMPETENCY, dimension.dimension_id),
            f"interview:{assessment_id}",
            completed_at,
            weighting.interview_panel,
            value=(dimension.mean - 1.0) / 4.0,
        )
        for dimension in outcome.dimensions
    ]


def supersedes(newer: Contribution, older: Contribution) -> bool:
    """An assessor's later rating of a competency replaces their earlier one; ties go to the larger id."""
    return (newer.occurred_at, newer.item_id) > (older.occurred_at, older.item_id)
