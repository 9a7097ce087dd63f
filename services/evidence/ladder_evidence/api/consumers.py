"""Kafka consumers of the evidence service: each turns an incoming contract into a command.

The kit has already decoded and validated the event, claimed it in the inbox
and opened the transaction; a domain error raised here dead-letters the event
with its message as the reason.
"""

from __future__ import annotations

from ladder_contracts import CloudEvent
from ladder_contracts.events.assessment import AssessmentCompletedV1, CompetencyAssessmentOutcome
from ladder_contracts.inputs.hr import EmployeeHiredV1, ReviewSubmittedV1
from ladder_contracts.inputs.privacy import PersonErasureRequestedV1

from ladder_evidence.handlers.capture import (
    AssessedCompetency,
    CaptureAssessment,
    CaptureReview,
    ReviewedCompetency,
    ReviewedKpi,
    capture_assessment,
    capture_review,
)
from ladder_evidence.handlers.people import ErasePerson, RecordHire, erase_person, record_hire
from ladder_evidence.store.uow import EvidenceUnitOfWork


async def on_employee_hired(event: CloudEvent[EmployeeHiredV1], uow: EvidenceUnitOfWork) -> None:
    hire = event.data
    await record_hire(
        RecordHire(
            person_id=hire.person_id,
            role_id=hire.role_id,
            role_version=hire.role_version,
            hr_system=hire.hr_system,
            manager_id=hire.manager_id,
            hired_at=hire.hired_at,
        ),
        uow,
    )


async def on_review_submitted(event: CloudEvent[ReviewSubmittedV1], uow: EvidenceUnitOfWork) -> None:
    review = event.data
    await capture_review(
        CaptureReview(
            review_id=review.review_id,
            person_id=review.person_id,
            reviewer_id=review.reviewer_id,
            submitted_at=review.submitted_at,
            scale=review.rating_scale,
            competencies=[ReviewedCompetency(r.competency_id, r.rating) for r in review.competency_ratings],
            kpis=[ReviewedKpi(r.kpi_id, r.rating, r.measured_value) for r in review.kpi_ratings],
            summary=review.summary,
            actor=event.source,
        ),
        uow,
    )


async def on_assessment_completed(event: CloudEvent[AssessmentCompletedV1], uow: EvidenceUnitOfWork) -> None:
    completed = event.data
    if not isinstance(completed.outcome, CompetencyAssessmentOutcome):
        return  # an interview loop assesses a candidate, whose hiring is not portfolio evidence
    await capture_assessment(
        CaptureAssessment(
            assessment_id=completed.assessment_id,
            person_id=completed.person_id,
            role_id=completed.role_id,
            role_version=completed.role_version,
            assessor_role=completed.outcome.assessor_role,
            ratings=[AssessedCompetency(r.competency_id, r.level) for r in completed.outcome.ratings],
            completed_at=completed.completed_at,
            actor=event.source,
        ),
        uow,
    )


async def on_erasure_requested(event: CloudEvent[PersonErasureRequestedV1], uow: EvidenceUnitOfWork) -> None:
    await erase_person(ErasePerson(request_id=event.data.request_id, person_id=event.data.person_id), uow)
