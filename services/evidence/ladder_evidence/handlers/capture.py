"""Command handlers that put evidence into a portfolio: from the API, HR reviews and assessments.

Each checks everything before writing anything (the person, the role version,
every id, every date), so a rejected input leaves no trace; the unit of work
commits the items and their EvidenceCaptured events together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ladder_contracts.common import ExperienceLevel
from ladder_contracts.events.assessment import AssessorRole
from ladder_contracts.events.evidence import (
    EvidenceKind,
    EvidenceSource,
    EvidenceTargets,
    KpiJudgement,
    SourceOrigin,
    Verification,
)
from ladder_contracts.inputs.hr import RatingScale

from ladder_evidence.domain import strength
from ladder_evidence.domain.errors import InvalidEvidence, ReferenceConflict
from ladder_evidence.domain.kpi_targets import judge_measurement
from ladder_evidence.domain.model import (
    EvidenceItem,
    new_evidence_id,
    require_not_in_future,
    require_verification_right,
    upstream_evidence_id,
)
from ladder_evidence.domain.roles import RoleAssignment
from ladder_evidence.domain.suggestions import mapped_by_default, suggest_targets, targets_of
from ladder_evidence.handlers.roles import current_role, pinned_role
from ladder_evidence.store.uow import EvidenceUnitOfWork

ASSESSMENT_SYSTEM = "ladder-assessment"

_ASSESSOR_VERIFICATION = {
    AssessorRole.SELF: Verification.SELF_REPORTED,
    AssessorRole.MANAGER: Verification.MANAGER_VERIFIED,
    # Verification has no "peer" state: a peer's view is a claim nobody accountable has checked.
    AssessorRole.PEER: Verification.SELF_REPORTED,
}


@dataclass(frozen=True)
class Measurement:
    kpi_id: str
    value: float
    unit: str | None = None
    """Unit of ``value``; None means the KPI target's own unit."""


@dataclass(frozen=True)
class CaptureEvidence:
    """One item entered through the API, by a person or an upstream system."""

    person_id: str
    kind: EvidenceKind
    occurred_at: datetime
    source: EvidenceSource
    supports: EvidenceTargets
    verification: Verification
    actor: str
    strength: float | None = None
    measurement: Measurement | None = None
    link: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Captured:
    item: EvidenceItem
    created: bool
    """False when the same upstream record had already been captured with the same content."""


@dataclass(frozen=True)
class ReviewedCompetency:
    competency_id: str
    rating: float


@dataclass(frozen=True)
class ReviewedKpi:
    kpi_id: str
    rating: float
    measured_value: float | None = None


@dataclass(frozen=True)
class CaptureReview:
    """A performance review from the HR platform: one item per rated competency or KPI."""

    review_id: str
    person_id: str
    reviewer_id: str
    submitted_at: datetime
    scale: RatingScale
    competencies: Sequence[ReviewedCompetency]
    kpis: Sequence[ReviewedKpi]
    summary: str | None
    actor: str


@dataclass(frozen=True)
class AssessedCompetency:
    competency_id: str
    level: ExperienceLevel


@dataclass(frozen=True)
class CaptureAssessment:
    """A completed competency assessment of an employee: one item per rated competency."""

    assessment_id: str
    person_id: str
    role_id: str
    role_version: int
    assessor_role: AssessorRole
    ratings: Sequence[AssessedCompetency]
    completed_at: datetime
    actor: str


async def capture_evidence(command: CaptureEvidence, uow: EvidenceUnitOfWork) -> Captured:
    now = datetime.now(UTC)
    assignment = await uow.people.require(command.person_id)
    role = await current_role(uow, assignment)
    require_not_in_future(command.occurred_at, now=now, field="occurred_at")
    require_verification_right(
        command.verification, origin=command.source.origin, actor=command.actor, assignment=assignment
    )
    role.check_targets(command.supports)

    supports, judgement = command.supports, None
    if command.measurement is not None:
        kpi = role.kpi(command.measurement.kpi_id, field="measurement.kpi_id")
        judgement = judge_measurement(kpi, command.measurement.value, command.measurement.unit, field="measurement.unit")
        if kpi.id not in supports.kpi_ids:
            supports = supports.model_copy(update={"kpi_ids": [*supports.kpi_ids, kpi.id]})
    item_strength = _strength_of(command.strength, judgement)

    suggestions = ()
    if supports.is_empty():
        if not command.summary:
            raise InvalidEvidence(
                "supports",
                "name at least one competency, KPI or promotion criterion, or give a summary to suggest them from",
            )
        suggestions = tuple(suggest_targets(command.summary, role.suggestion_candidates()))
        supports = targets_of(mapped_by_default(suggestions))

    reference = command.source.reference
    evidence_id = (
        upstream_evidence_id(command.source.system, reference, command.kind.value) if reference else new_evidence_id()
    )
    item = EvidenceItem.capture(
        evidence_id=evidence_id,
        person_id=command.person_id,
        role=role,
        kind=command.kind,
        source=command.source,
        occurred_at=command.occurred_at,
        supports=supports,
        strength=item_strength,
        verification=command.verification,
        actor=command.actor,
        at=now,
        kpi_judgement=judgement,
        suggestions=suggestions,
        link=command.link,
        summary=command.summary,
    )
    if reference and (existing := await uow.evidence.get(evidence_id)) is not None:
        # A retried request is answered with what it made the first time.
        if existing.person_id == item.person_id and not existing.is_restated_by(item):
            return Captured(existing, created=False)
        raise ReferenceConflict(evidence_id)
    uow.evidence.add(item)
    await uow.evidence.save(item)
    await uow.commit()
    return Captured(item, created=True)


async def capture_review(command: CaptureReview, uow: EvidenceUnitOfWork) -> list[EvidenceItem]:
    now = datetime.now(UTC)
    assignment = await uow.people.require(command.person_id)
    role = await current_role(uow, assignment)
    require_not_in_future(command.submitted_at, now=now, field="submitted_at")
    role.require_competencies([r.competency_id for r in command.competencies], field="competency_ratings.competency_id")
    role.require_kpis([r.kpi_id for r in command.kpis], field="kpi_ratings.kpi_id")

    source = EvidenceSource(origin=SourceOrigin.UPSTREAM, system=assignment.hr_system, reference=command.review_id)
    common = {
        "person_id": command.person_id,
        "role": role,
        "source": source,
        "occurred_at": command.submitted_at,
        "verification": _review_verification(command.reviewer_id, assignment),
        "actor": command.actor,
        "at": now,
        "summary": command.summary,
    }
    statements = [
        EvidenceItem.capture(
            evidence_id=upstream_evidence_id(source.system, command.review_id, f"competency:{rated.competency_id}"),
            kind=EvidenceKind.REVIEW_RATING,
            supports=EvidenceTargets(competency_ids=[rated.competency_id]),
            strength=strength.from_rating(rated.rating, command.scale),
            **common,
        )
        for rated in command.competencies
    ]
    for rated in command.kpis:
        # A rated KPI with its measured value is a measurement, judged against the target; else a rating.
        judgement = (
            judge_measurement(role.kpi(rated.kpi_id, field="kpi_ratings.kpi_id"), rated.measured_value)
            if rated.measured_value is not None
            else None
        )
        statements.append(
            EvidenceItem.capture(
                evidence_id=upstream_evidence_id(source.system, command.review_id, f"kpi:{rated.kpi_id}"),
                kind=EvidenceKind.KPI_MEASUREMENT if judgement else EvidenceKind.REVIEW_RATING,
                supports=EvidenceTargets(kpi_ids=[rated.kpi_id]),
                strength=strength.from_rating(rated.rating, command.scale),
                kpi_judgement=judgement,
                **common,
            )
        )
    items = await _accept_upstream(uow, statements, actor=command.actor, at=now)
    await uow.commit()
    return items


async def capture_assessment(command: CaptureAssessment, uow: EvidenceUnitOfWork) -> list[EvidenceItem]:
    now = datetime.now(UTC)
    await uow.people.require(command.person_id)  # employees only: candidates have no portfolio
    role = await pinned_role(uow, command.role_id, command.role_version)
    require_not_in_future(command.completed_at, now=now, field="completed_at")
    role.require_competencies([r.competency_id for r in command.ratings], field="outcome.ratings.competency_id")

    source = EvidenceSource(origin=SourceOrigin.DERIVED, system=ASSESSMENT_SYSTEM, reference=command.assessment_id)
    statements = [
        EvidenceItem.capture(
            evidence_id=upstream_evidence_id(ASSESSMENT_SYSTEM, command.assessment_id, f"competency:{rated.competency_id}"),
            person_id=command.person_id,
            role=role,
            kind=EvidenceKind.ASSESSMENT_RESULT,
            source=source,
            occurred_at=command.completed_at,
            supports=EvidenceTargets(competency_ids=[rated.competency_id]),
            strength=strength.from_level(
                rated.level, role.competency(rated.competency_id, field="outcome.ratings.competency_id").expected_level
            ),
            verification=_ASSESSOR_VERIFICATION[command.assessor_role],
            actor=command.actor,
            at=now,
        )
        for rated in command.ratings
    ]
    items = await _accept_upstream(uow, statements, actor=command.actor, at=now)
    await uow.commit()
    return items


async def _accept_upstream(
    uow: EvidenceUnitOfWork, statements: Sequence[EvidenceItem], *, actor: str, at: datetime
) -> list[EvidenceItem]:
    """New records are captured; a record sent again changes nothing, or corrects the item if it changed."""
    items = []
    for statement in statements:
        existing = await uow.evidence.get(statement.evidence_id)
        if existing is None:
            uow.evidence.add(statement)
            await uow.evidence.save(statement)
            items.append(statement)
        else:
            if existing.restate(statement, actor=actor, at=at):
                await uow.evidence.save(existing)
            items.append(existing)
    return items


def _review_verification(reviewer_id: str, assignment: RoleAssignment) -> Verification:
    # Only the manager on record verifies; a self-review or anyone else's review is a claim.
    return Verification.MANAGER_VERIFIED if reviewer_id == assignment.manager_id else Verification.SELF_REPORTED


def _strength_of(stated: float | None, judgement: KpiJudgement | None) -> float:
    if stated is not None:
        return stated
    if judgement is not None and (judged := strength.from_kpi_outcome(judgement.outcome)) is not None:
        return judged
    if judgement is not None:
        raise InvalidEvidence("strength", f"required: the KPI target cannot be judged ({judgement.reason})")
    raise InvalidEvidence("strength", "required, from 0 to 1, unless the item is a KPI measurement with a judgeable target")
