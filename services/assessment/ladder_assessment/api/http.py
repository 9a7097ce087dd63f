"""HTTP routes of the assessment service: turn requests into commands, results into responses.

Writes need ``assessments:write`` (loops, competency assessments) or
``scorecards:submit`` (scorecards, as the interviewer themself). Everything
about a person (candidates, interviewers, employees, their scorecards and
outcomes) is readable only with ``people:read``; an interviewer may also read
their own kit with ``scorecards:submit``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status

from ladder_contracts.envelope import OpaqueId
from ladder_contracts.inputs.interviews import ScorecardSubmittedV1
from ladder_runtime.auth import Principal, Scopes, require_scopes
from ladder_runtime.service import ServiceRuntime, request_runtime

from ladder_assessment.api.models import (
    CalibrationView,
    CompetencyAssessmentRequest,
    CompetencyAssessmentView,
    InterviewKitView,
    KnownRole,
    LoopView,
    OpenLoopRequest,
    ScorecardReceipt,
    ScorecardView,
)
from ladder_assessment.domain.competency import CompetencyLevel
from ladder_assessment.domain.loop import PanelSeat, SubmissionResult
from ladder_assessment.domain.scorecard import SubmissionChannel
from ladder_assessment.handlers.competency import (
    RecordCompetencyAssessment,
    competency_assessment_by_id,
    record_competency_assessment,
)
from ladder_assessment.handlers.loops import (
    CloseInterviewLoop,
    OpenInterviewLoop,
    SubmitScorecard,
    close_interview_loop,
    interviewer_calibration,
    kit_for,
    loop_by_id,
    open_interview_loop,
    submit_scorecard,
)

router = APIRouter(prefix="/v1")

Runtime = Annotated[ServiceRuntime, Depends(request_runtime)]
LoopId = Annotated[OpaqueId, Path(description="Interview loop id")]
PersonId = Annotated[OpaqueId, Path(description="Opaque id of a person")]
AssessmentId = Annotated[OpaqueId, Path(description="Competency assessment id")]

CanReadPeople = Annotated[Principal, Depends(require_scopes(Scopes.PEOPLE_READ))]
CanWriteAssessments = Annotated[Principal, Depends(require_scopes(Scopes.ASSESSMENTS_WRITE))]
CanSubmitScorecards = Annotated[Principal, Depends(require_scopes(Scopes.SCORECARDS_SUBMIT))]
Authenticated = Annotated[Principal, Depends(require_scopes())]

REFUSALS = {
    401: {"description": "No bearer token, or an invalid one"},
    403: {"description": "The token lacks a scope, or its subject may not act here"},
    404: {"description": "The loop or assessment does not exist"},
    409: {"description": "Conflicts with what already happened (completed loop, reused id)"},
    422: {"description": "Refused content; the message names the field"},
}


# --- interview loops -------------------------------------------------------------------


@router.post(
    "/loops",
    tags=["interview loops"],
    response_model=LoopView,
    status_code=status.HTTP_201_CREATED,
    summary="Open an interview loop for a candidate against a pinned role version",
    responses={200: {"description": "The same request had already opened this loop"}, **REFUSALS},
)
async def open_loop(request: OpenLoopRequest, response: Response, runtime: Runtime, _: CanWriteAssessments) -> LoopView:
    async with runtime.unit_of_work() as uow:
        opened = await open_interview_loop(
            OpenInterviewLoop(
                loop_id=request.loop_id,
                candidate_id=request.candidate_id,
                role_id=request.role_id,
                role_version=request.role_version,
                seats=tuple(
                    PanelSeat(seat.interviewer_id, None if seat.dimension_ids is None else tuple(seat.dimension_ids))
                    for seat in request.panel
                ),
            ),
            uow,
        )
    if not opened.created:
        response.status_code = status.HTTP_200_OK
    return LoopView.of(opened.loop)


@router.get(
    "/loops/{loop_id}",
    tags=["interview loops"],
    response_model=LoopView,
    summary="A loop: its panel, who has submitted, and the outcome once completed",
    responses=REFUSALS,
)
async def get_loop(loop_id: LoopId, runtime: Runtime, _: CanReadPeople) -> LoopView:
    async with runtime.unit_of_work() as uow:
        return LoopView.of(await loop_by_id(loop_id, uow))


@router.get(
    "/loops/{loop_id}/scorecards",
    tags=["interview loops"],
    response_model=list[ScorecardView],
    summary="Every scorecard received for a loop, in arrival order, with the ones that count marked",
    responses=REFUSALS,
)
async def list_scorecards(loop_id: LoopId, runtime: Runtime, _: CanReadPeople) -> list[ScorecardView]:
    async with runtime.unit_of_work() as uow:
        loop = await loop_by_id(loop_id, uow)
    counted = {s.submission_id for s in loop.current_scorecards()}
    return [ScorecardView.of(s, counted=s.submission_id in counted) for s in loop.submissions]


@router.get(
    "/loops/{loop_id}/kits/{interviewer_id}",
    tags=["interview loops"],
    response_model=InterviewKitView,
    summary="An interviewer's kit: their dimensions with anchors, exercises, scenarios with answer strategies",
    responses=REFUSALS,
)
async def get_kit(
    loop_id: LoopId, interviewer_id: PersonId, runtime: Runtime, principal: Authenticated
) -> InterviewKitView:
    own_kit = principal.subject == interviewer_id and Scopes.SCORECARDS_SUBMIT in principal.scopes
    if not own_kit and Scopes.PEOPLE_READ not in principal.scopes:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"token lacks the required scope(s): {Scopes.PEOPLE_READ} "
            f"(or {Scopes.SCORECARDS_SUBMIT} as {interviewer_id!r}, for one's own kit)",
        )
    async with runtime.unit_of_work() as uow:
        return InterviewKitView.of(await kit_for(loop_id, interviewer_id, uow))


@router.post(
    "/loops/{loop_id}/close",
    tags=["interview loops"],
    response_model=LoopView,
    summary="Complete a loop now with the scorecards received so far; publishes AssessmentCompleted",
    responses=REFUSALS,
)
async def close_loop(loop_id: LoopId, runtime: Runtime, _: CanWriteAssessments) -> LoopView:
    async with runtime.unit_of_work() as uow:
        return LoopView.of(await close_interview_loop(CloseInterviewLoop(loop_id), uow))


@router.get(
    "/candidates/{candidate_id}/loops",
    tags=["interview loops"],
    response_model=list[LoopView],
    summary="A candidate's interview loops, oldest first",
    responses=REFUSALS,
)
async def candidate_loops(candidate_id: PersonId, runtime: Runtime, _: CanReadPeople) -> list[LoopView]:
    async with runtime.unit_of_work() as uow:
        return [LoopView.of(loop) for loop in await uow.loops.of_candidate(candidate_id)]


# --- scorecards ------------------------------------------------------------------------


@router.post(
    "/scorecards",
    tags=["scorecards"],
    response_model=ScorecardReceipt,
    status_code=status.HTTP_201_CREATED,
    summary="Submit your scorecard (the same contract as the interview.scorecards topic)",
    description="The token's subject must be the scorecard's interviewer and on the loop's panel. "
    "A repeated submission id changes nothing (200); a new scorecard replaces your earlier one "
    "until the loop completes.",
    responses={200: {"description": "Already received: nothing changed"}, **REFUSALS},
)
async def submit(
    scorecard: ScorecardSubmittedV1, response: Response, runtime: Runtime, principal: CanSubmitScorecards
) -> ScorecardReceipt:
    if scorecard.interviewer_id != principal.subject:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"interviewer_id: {scorecard.interviewer_id!r} is not the token's subject {principal.subject!r}; "
            "interviewers submit their own scorecards",
        )
    async with runtime.unit_of_work() as uow:
        received = await submit_scorecard(SubmitScorecard.from_contract(scorecard, SubmissionChannel.HTTP), uow)
    if received.result is SubmissionResult.DUPLICATE:
        response.status_code = status.HTTP_200_OK
    return ScorecardReceipt.of(received)


# --- calibration -----------------------------------------------------------------------


@router.get(
    "/interviewers/{interviewer_id}/calibration",
    tags=["calibration"],
    response_model=CalibrationView,
    summary="How an interviewer's ratings sit against the other panelists of their completed loops",
    responses=REFUSALS,
)
async def calibration(interviewer_id: PersonId, runtime: Runtime, _: CanReadPeople) -> CalibrationView:
    async with runtime.unit_of_work() as uow:
        return CalibrationView.of(await interviewer_calibration(interviewer_id, uow))


# --- competency assessments ------------------------------------------------------------


@router.post(
    "/competency-assessments",
    tags=["competency assessments"],
    response_model=CompetencyAssessmentView,
    status_code=status.HTTP_201_CREATED,
    summary="Record a self, manager or peer assessment of an employee's competencies; publishes AssessmentCompleted",
    description="The assessor is the token's subject: for 'self' it must be the person assessed, "
    "otherwise someone else.",
    responses={200: {"description": "The same request had already recorded this assessment"}, **REFUSALS},
)
async def record_assessment(
    request: CompetencyAssessmentRequest, response: Response, runtime: Runtime, principal: CanWriteAssessments
) -> CompetencyAssessmentView:
    async with runtime.unit_of_work() as uow:
        recorded = await record_competency_assessment(
            RecordCompetencyAssessment(
                assessment_id=request.assessment_id,
                person_id=request.person_id,
                role_id=request.role_id,
                role_version=request.role_version,
                assessor_role=request.assessor_role,
                assessor_id=principal.subject,
                ratings=tuple(CompetencyLevel(r.competency_id, r.level) for r in request.ratings),
                notes=request.notes,
            ),
            uow,
        )
    if not recorded.created:
        response.status_code = status.HTTP_200_OK
    return CompetencyAssessmentView.of(recorded.assessment)


@router.get(
    "/competency-assessments/{assessment_id}",
    tags=["competency assessments"],
    response_model=CompetencyAssessmentView,
    summary="One competency assessment",
    responses=REFUSALS,
)
async def get_assessment(assessment_id: AssessmentId, runtime: Runtime, _: CanReadPeople) -> CompetencyAssessmentView:
    async with runtime.unit_of_work() as uow:
        return CompetencyAssessmentView.of(await competency_assessment_by_id(assessment_id, uow))


@router.get(
    "/people/{person_id}/competency-assessments",
    tags=["competency assessments"],
    response_model=list[CompetencyAssessmentView],
    summary="A person's competency assessments, oldest first",
    responses=REFUSALS,
)
async def person_assessments(person_id: PersonId, runtime: Runtime, _: CanReadPeople) -> list[CompetencyAssessmentView]:
    async with runtime.unit_of_work() as uow:
        return [CompetencyAssessmentView.of(a) for a in await uow.competency_assessments.of_person(person_id)]


# --- role replica ----------------------------------------------------------------------


@router.get(
    "/roles",
    tags=["roles"],
    response_model=list[KnownRole],
    summary="Roles this service can assess against: the latest version of each received from RoleUpdated",
)
async def known_roles(runtime: Runtime) -> list[KnownRole]:
    async with runtime.unit_of_work() as uow:
        latest = await uow.roles.latest_versions()
    return [KnownRole(role_id=role_id, latest_version=version) for role_id, version in sorted(latest.items())]
