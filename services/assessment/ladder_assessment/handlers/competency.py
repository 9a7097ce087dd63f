"""Competency assessment commands: ``handler(command, uow)``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ladder_contracts.events.assessment import AssessorRole

from ladder_assessment.domain.competency import CompetencyAssessment, CompetencyLevel
from ladder_assessment.domain.errors import CompetencyAssessmentNotFound, IdAlreadyUsed
from ladder_assessment.handlers.common import new_assessment_id, pinned_role
from ladder_assessment.store.uow import AssessmentUnitOfWork


@dataclass(frozen=True)
class RecordCompetencyAssessment:
    person_id: str
    role_id: str
    assessor_role: AssessorRole
    assessor_id: str
    ratings: tuple[CompetencyLevel, ...]
    notes: str | None = None
    role_version: int | None = None
    """None: the latest version in the service's replica."""
    assessment_id: str | None = None
    """The caller's own id, which makes a retried request safe; None: a new one."""


@dataclass(frozen=True)
class CompetencyAssessmentRecorded:
    assessment: CompetencyAssessment
    created: bool
    """False when the same request had already recorded this assessment."""


async def record_competency_assessment(
    command: RecordCompetencyAssessment, uow: AssessmentUnitOfWork
) -> CompetencyAssessmentRecorded:
    if command.assessment_id is not None:
        existing = await uow.competency_assessments.get(command.assessment_id)
        if existing is not None:
            if existing.matches_request(
                person_id=command.person_id,
                role_id=command.role_id,
                role_version=command.role_version,
                assessor_role=command.assessor_role,
                assessor_id=command.assessor_id,
                ratings=command.ratings,
                notes=command.notes,
            ):
                return CompetencyAssessmentRecorded(existing, created=False)
            raise IdAlreadyUsed("assessment_id", command.assessment_id, "another competency assessment")
        # One id names one assessment on the AssessmentCompleted topic, whatever its kind.
        if await uow.loops.exists(command.assessment_id):
            raise IdAlreadyUsed("assessment_id", command.assessment_id, "an interview loop")
    version, role = await pinned_role(uow, command.role_id, command.role_version)
    assessment = CompetencyAssessment.record(
        assessment_id=command.assessment_id or new_assessment_id("competency"),
        person_id=command.person_id,
        role=role,
        role_version=version,
        assessor_role=command.assessor_role,
        assessor_id=command.assessor_id,
        ratings=command.ratings,
        notes=command.notes,
        at=datetime.now(UTC),
    )
    await uow.competency_assessments.add(assessment)
    await uow.commit()
    return CompetencyAssessmentRecorded(assessment, created=True)


async def competency_assessment_by_id(assessment_id: str, uow: AssessmentUnitOfWork) -> CompetencyAssessment:
    assessment = await uow.competency_assessments.get(assessment_id)
    if assessment is None:
        raise CompetencyAssessmentNotFound(assessment_id)
    return assessment
