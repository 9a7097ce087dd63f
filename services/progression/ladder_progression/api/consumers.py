"""Kafka consumers: each turns one contract into a command for its handler.

Domain times come from the events themselves (``captured_at``,
``completed_at``, ...), never from the clock, so a replay computes the same.
"""

from __future__ import annotations

from typing import Any

from ladder_contracts import CloudEvent
from ladder_contracts.events import (
    AssessmentCompletedV1,
    EvidenceCapturedV1,
    EvidenceCorrectedV1,
    EvidenceRetractedV1,
    RoleUpdatedV1,
)
from ladder_contracts.inputs import EmployeeHiredV1, PersonErasureRequestedV1
from ladder_runtime.consumer import Subscription

from ladder_progression.domain.track import Cause
from ladder_progression.handlers.assessments import RecordAssessment, record_assessment
from ladder_progression.handlers.evidence import RecordEvidence, RetractEvidence, record_evidence, retract_evidence
from ladder_progression.handlers.privacy import ErasePerson, erase
from ladder_progression.handlers.roles import RecordRoleVersion, record_role_version
from ladder_progression.handlers.tracks import StartTrack, start_track
from ladder_progression.store.uow import ProgressionUnitOfWork


def _cause(event: CloudEvent[Any], at) -> Cause:
    return Cause(event.id, event.type, at)


async def on_role_updated(event: CloudEvent[RoleUpdatedV1], uow: ProgressionUnitOfWork) -> None:
    await record_role_version(RecordRoleVersion(event), uow)


async def on_employee_hired(event: CloudEvent[EmployeeHiredV1], uow: ProgressionUnitOfWork) -> None:
    hire = event.data
    await start_track(
        StartTrack(
            person_id=hire.person_id,
            role_id=hire.role_id,
            hired_at=hire.hired_at,
            team_id=hire.team_id,
            manager_id=hire.manager_id,
            cause=_cause(event, hire.hired_at),
        ),
        uow,
    )


async def on_evidence_captured(event: CloudEvent[EvidenceCapturedV1], uow: ProgressionUnitOfWork) -> None:
    item = event.data
    await record_evidence(RecordEvidence(item, item.captured_at, _cause(event, item.captured_at)), uow)


async def on_evidence_corrected(event: CloudEvent[EvidenceCorrectedV1], uow: ProgressionUnitOfWork) -> None:
    item = event.data
    await record_evidence(RecordEvidence(item, item.corrected_at, _cause(event, item.corrected_at)), uow)


async def on_evidence_retracted(event: CloudEvent[EvidenceRetractedV1], uow: ProgressionUnitOfWork) -> None:
    data = event.data
    await retract_evidence(RetractEvidence(data.evidence_id, data.person_id, _cause(event, data.retracted_at)), uow)


async def on_assessment_completed(event: CloudEvent[AssessmentCompletedV1], uow: ProgressionUnitOfWork) -> None:
    data = event.data
    await record_assessment(
        RecordAssessment(
            assessment_id=data.assessment_id,
            person_id=data.person_id,
            outcome=data.outcome,
            completed_at=data.completed_at,
            cause=_cause(event, data.completed_at),
        ),
        uow,
    )


async def on_erasure_requested(event: CloudEvent[PersonErasureRequestedV1], uow: ProgressionUnitOfWork) -> None:
    await erase(ErasePerson(request_id=event.data.request_id, person_id=event.data.person_id), uow)


SUBSCRIPTIONS = [
    Subscription(RoleUpdatedV1, on_role_updated),
    Subscription(EmployeeHiredV1, on_employee_hired),
    Subscription(EvidenceCapturedV1, on_evidence_captured),
    Subscription(EvidenceCorrectedV1, on_evidence_corrected),
    Subscription(EvidenceRetractedV1, on_evidence_retracted),
    Subscription(AssessmentCompletedV1, on_assessment_completed),
    Subscription(PersonErasureRequestedV1, on_erasure_requested),
]
