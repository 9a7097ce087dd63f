"""Interview loop commands (``handler(command, uow)``) and the read-side questions asked of loops.

Scorecards from the HTTP API and from the upstream topic become the same
:class:`SubmitScorecard` command and go through :func:`submit_scorecard`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ladder_contracts.common import Recommendation
from ladder_contracts.inputs.interviews import ScorecardSubmittedV1

from ladder_assessment.domain.calibration import Calibration, calibrate
from ladder_assessment.domain.errors import IdAlreadyUsed, LoopNotFound
from ladder_assessment.domain.loop import InterviewLoop, LoopStatus, PanelSeat, SubmissionResult
from ladder_assessment.domain.rubric import InterviewKit, interview_kit, rubric_of
from ladder_assessment.domain.scorecard import ScorecardSubmission, SubmissionChannel
from ladder_assessment.handlers.common import new_assessment_id, pinned_role
from ladder_assessment.store.uow import AssessmentUnitOfWork


# --- open ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenInterviewLoop:
    candidate_id: str
    role_id: str
    seats: tuple[PanelSeat, ...]
    role_version: int | None = None
    """None: the latest version in the service's replica."""
    loop_id: str | None = None
    """The caller's own id (an ATS's loop id, so its scorecards can name it); None: a new one."""


@dataclass(frozen=True)
class LoopOpened:
    loop: InterviewLoop
    created: bool
    """False when the same request had already opened this loop."""


async def open_interview_loop(command: OpenInterviewLoop, uow: AssessmentUnitOfWork) -> LoopOpened:
    if command.loop_id is not None:
        existing = await uow.loops.get(command.loop_id)
        if existing is not None:
            if existing.matches_opening(
                candidate_id=command.candidate_id,
                role_id=command.role_id,
                role_version=command.role_version,
                seats=command.seats,
            ):
                return LoopOpened(existing, created=False)
            raise IdAlreadyUsed("loop_id", command.loop_id, "another interview loop")
        # One id names one assessment on the AssessmentCompleted topic, whatever its kind.
        if await uow.competency_assessments.exists(command.loop_id):
            raise IdAlreadyUsed("loop_id", command.loop_id, "a competency assessment")
    version, role = await pinned_role(uow, command.role_id, command.role_version)
    loop = InterviewLoop.open(
        loop_id=command.loop_id or new_assessment_id("loop"),
        candidate_id=command.candidate_id,
        role_id=role.id,
        role_version=version,
        rubric=rubric_of(role, version),
        seats=command.seats,
        at=datetime.now(UTC),
    )
    await uow.loops.add(loop)
    await uow.commit()
    return LoopOpened(loop, created=True)


# --- submit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitScorecard:
    submission_id: str
    loop_id: str
    interviewer_id: str
    ratings: Mapping[str, int]
    recommendation: Recommendation
    notes: str | None
    submitted_at: datetime
    channel: SubmissionChannel

    @classmethod
    def from_contract(cls, scorecard: ScorecardSubmittedV1, channel: SubmissionChannel) -> SubmitScorecard:
        return cls(
            submission_id=scorecard.submission_id,
            loop_id=scorecard.loop_id,
            interviewer_id=scorecard.interviewer_id,
            ratings=dict(scorecard.ratings),
            recommendation=scorecard.recommendation,
            notes=scorecard.notes,
            submitted_at=scorecard.submitted_at,
            channel=channel,
        )


@dataclass(frozen=True)
class ScorecardReceived:
    submission_id: str
    loop_id: str
    interviewer_id: str
    result: SubmissionResult
    loop_status: LoopStatus
    awaiting: tuple[str, ...]


async def submit_scorecard(command: SubmitScorecard, uow: AssessmentUnitOfWork) -> ScorecardReceived:
    loop = await uow.loops.get(command.loop_id, for_update=True)
    if loop is None:
        raise LoopNotFound(command.loop_id)
    used_in = await uow.loops.loop_of_submission(command.submission_id)
    if used_in is not None and used_in != loop.loop_id:
        raise IdAlreadyUsed("submission_id", command.submission_id, "a scorecard of another interview loop")
    result = loop.submit(
        ScorecardSubmission(
            submission_id=command.submission_id,
            interviewer_id=command.interviewer_id,
            ratings=dict(command.ratings),
            recommendation=command.recommendation,
            notes=command.notes,
            submitted_at=command.submitted_at,
            received_at=datetime.now(UTC),
            channel=command.channel,
        )
    )
    await uow.loops.save(loop)
    await uow.commit()
    return ScorecardReceived(
        submission_id=command.submission_id,
        loop_id=loop.loop_id,
        interviewer_id=command.interviewer_id,
        result=result,
        loop_status=loop.status,
        awaiting=tuple(loop.awaiting()),
    )


# --- close -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CloseInterviewLoop:
    loop_id: str


async def close_interview_loop(command: CloseInterviewLoop, uow: AssessmentUnitOfWork) -> InterviewLoop:
    loop = await uow.loops.get(command.loop_id, for_update=True)
    if loop is None:
        raise LoopNotFound(command.loop_id)
    loop.close(at=datetime.now(UTC))
    await uow.loops.save(loop)
    await uow.commit()
    return loop


# --- questions -------------------------------------------------------------------------


async def loop_by_id(loop_id: str, uow: AssessmentUnitOfWork) -> InterviewLoop:
    loop = await uow.loops.get(loop_id)
    if loop is None:
        raise LoopNotFound(loop_id)
    return loop


async def kit_for(loop_id: str, interviewer_id: str, uow: AssessmentUnitOfWork) -> InterviewKit:
    """The interviewer's kit, from the role version the loop pinned (never a later one)."""
    loop = await loop_by_id(loop_id, uow)
    panelist = loop.panelist(interviewer_id)
    version, role = await pinned_role(uow, loop.role_id, loop.role_version)
    return interview_kit(
        loop_id=loop.loop_id,
        interviewer_id=interviewer_id,
        covered=panelist.dimension_ids,
        role=role,
        role_version=version,
    )


async def interviewer_calibration(interviewer_id: str, uow: AssessmentUnitOfWork) -> Calibration:
    return calibrate(interviewer_id, await uow.loops.completed_with_panelist(interviewer_id))
