"""Request and response bodies of the HTTP API (scorecards use the upstream contract itself).

Identifiers and enumerations reuse the contracts' types, so a bad id, rating
or level is refused with a 422 naming the field before any handler runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ladder_contracts.common import ExperienceLevel, Recommendation, RoleVersion, Slug
from ladder_contracts.envelope import OpaqueId
from ladder_contracts.events.assessment import AssessorRole, CompetencyRating, InterviewLoopOutcome, LoopCompletion
from ladder_contracts.inputs.interviews import MAX_NOTES_LENGTH
from ladder_contracts.role import InterviewExercise, Scenario

from ladder_assessment.domain.calibration import MIN_COMPARISONS, TENDENCY_THRESHOLD, Calibration, Tendency
from ladder_assessment.domain.competency import CompetencyAssessment
from ladder_assessment.domain.loop import MAX_PANEL_SIZE, InterviewLoop, LoopStatus, SubmissionResult
from ladder_assessment.domain.rubric import RATING_SCALE, InterviewKit, RubricSource
from ladder_assessment.domain.scorecard import ScorecardSubmission, SubmissionChannel
from ladder_assessment.handlers.loops import ScorecardReceived

Notes = Annotated[str, StringConstraints(max_length=MAX_NOTES_LENGTH)]
MAX_COMPETENCY_RATINGS = 200


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- interview loops -------------------------------------------------------------------


class PanelSeatRequest(Request):
    interviewer_id: OpaqueId = Field(description="Opaque id of the interviewer")
    dimension_ids: list[Slug] | None = Field(
        default=None, description="Dimensions this interviewer rates; omit for every dimension of the rubric"
    )


class OpenLoopRequest(Request):
    loop_id: OpaqueId | None = Field(
        default=None,
        description="Your own id for the loop (e.g. the ATS's), so upstream scorecards can name it; "
        "repeating the same request with it is safe. Omit to get a new one.",
    )
    candidate_id: OpaqueId = Field(description="Opaque id of the candidate")
    role_id: Slug = Field(description="Role to interview against")
    role_version: RoleVersion | None = Field(
        default=None, description="Role version to pin; omit for the latest version this service knows"
    )
    panel: list[PanelSeatRequest] = Field(min_length=1, max_length=MAX_PANEL_SIZE, description="The interviewers")


class PanelistView(BaseModel):
    interviewer_id: str
    dimension_ids: list[str] = Field(description="Dimensions this interviewer rates, in rubric order")
    submitted: bool = Field(description="Whether a scorecard of theirs has been received")


class LoopView(BaseModel):
    loop_id: str
    candidate_id: str
    role_id: str
    role_version: int = Field(description="The role version pinned at opening")
    rubric_ids: list[str] = Field(description="Dimension ids of the pinned rubric")
    status: LoopStatus
    opened_at: datetime
    panel: list[PanelistView]
    awaiting: list[str] = Field(description="Panelists without a scorecard yet")
    completion: LoopCompletion | None = None
    completed_at: datetime | None = None
    outcome: InterviewLoopOutcome | None = Field(default=None, description="As published in AssessmentCompleted")

    @classmethod
    def of(cls, loop: InterviewLoop) -> Self:
        awaiting = loop.awaiting()
        return cls(
            loop_id=loop.loop_id,
            candidate_id=loop.candidate_id,
            role_id=loop.role_id,
            role_version=loop.role_version,
            rubric_ids=list(loop.rubric_ids),
            status=loop.status,
            opened_at=loop.opened_at,
            panel=[
                PanelistView(
                    interviewer_id=p.interviewer_id,
                    dimension_ids=list(p.dimension_ids),
                    submitted=p.interviewer_id not in awaiting,
                )
                for p in loop.panel
            ],
            awaiting=awaiting,
            completion=loop.completion,
            completed_at=loop.completed_at,
            outcome=loop.outcome,
        )


# --- scorecards ------------------------------------------------------------------------


class ScorecardReceipt(BaseModel):
    submission_id: str
    loop_id: str
    interviewer_id: str
    result: SubmissionResult = Field(
        description="accepted: first scorecard; replaced: replaced your earlier one; duplicate: already received, "
        "nothing changed; outdated: older than your scorecard that counts, kept but not counted"
    )
    loop_status: LoopStatus
    awaiting: list[str] = Field(description="Panelists the loop still waits for")

    @classmethod
    def of(cls, received: ScorecardReceived) -> Self:
        return cls(
            submission_id=received.submission_id,
            loop_id=received.loop_id,
            interviewer_id=received.interviewer_id,
            result=received.result,
            loop_status=received.loop_status,
            awaiting=list(received.awaiting),
        )


class ScorecardView(BaseModel):
    submission_id: str
    interviewer_id: str
    ratings: dict[str, int]
    recommendation: Recommendation
    notes: str | None
    submitted_at: datetime
    received_at: datetime
    channel: SubmissionChannel
    counted: bool = Field(description="Whether this is the interviewer's scorecard that counts")

    @classmethod
    def of(cls, submission: ScorecardSubmission, *, counted: bool) -> Self:
        return cls(
            submission_id=submission.submission_id,
            interviewer_id=submission.interviewer_id,
            ratings=dict(submission.ratings),
            recommendation=submission.recommendation,
            notes=submission.notes,
            submitted_at=submission.submitted_at,
            received_at=submission.received_at,
            channel=submission.channel,
            counted=counted,
        )


# --- interview kit ---------------------------------------------------------------------


class KitDimension(BaseModel):
    id: str
    name: str
    meets: str | None = Field(description="Anchor: what 'Meets' looks like")
    exceeds_or_strong: str | None = Field(description="Anchor: what 'Exceeds' or 'Strong' looks like")
    concerns: str | None = Field(description="Anchor: common concerns")


class InterviewKitView(BaseModel):
    loop_id: str
    interviewer_id: str
    role_id: str
    role_version: int
    role_title: str
    rubric_source: RubricSource = Field(
        description="scorecard_dimensions, or competencies when the role has no scorecard dimensions"
    )
    rating_scale: dict[int, str] = Field(description="What each rating 1-5 means")
    recommendations: list[Recommendation] = Field(description="The overall recommendation scale")
    dimensions: list[KitDimension] = Field(description="The dimensions you rate, with their anchors")
    exercises: list[InterviewExercise]
    scenarios: list[Scenario] = Field(
        description="Scenarios with what a strong answer contains, where the role has them"
    )

    @classmethod
    def of(cls, kit: InterviewKit) -> Self:
        return cls(
            loop_id=kit.loop_id,
            interviewer_id=kit.interviewer_id,
            role_id=kit.role_id,
            role_version=kit.role_version,
            role_title=kit.role_title,
            rubric_source=kit.rubric_source,
            rating_scale=RATING_SCALE,
            recommendations=list(Recommendation),
            dimensions=[
                KitDimension(
                    id=d.id, name=d.name, meets=d.meets, exceeds_or_strong=d.exceeds_or_strong, concerns=d.concerns
                )
                for d in kit.dimensions
            ],
            exercises=list(kit.exercises),
            scenarios=list(kit.scenarios),
        )


# --- calibration -----------------------------------------------------------------------


class DimensionCalibrationView(BaseModel):
    dimension_id: str
    comparisons: int
    mean_deviation: float


class CalibrationView(BaseModel):
    interviewer_id: str
    panels: int = Field(description="Completed loops that counted a scorecard of theirs")
    panels_without_scorecard: int = Field(description="Completed loops they sat on without submitting")
    comparisons: int = Field(description="Ratings of theirs set against other panelists' ratings of the same dimension")
    mean_deviation: float | None = Field(
        description="Their rating minus the other panelists' mean, averaged; above 0: they rate higher"
    )
    mean_absolute_deviation: float | None
    tendency: Tendency
    tendency_rule: str = Field(description="How the tendency is read from the numbers")
    recommendation_agreement: float | None = Field(
        description="Share of panels where their hire/no-hire side matched the majority of the others"
    )
    dimensions: list[DimensionCalibrationView]

    @classmethod
    def of(cls, calibration: Calibration) -> Self:
        return cls(
            interviewer_id=calibration.interviewer_id,
            panels=calibration.panels,
            panels_without_scorecard=calibration.panels_without_scorecard,
            comparisons=calibration.comparisons,
            mean_deviation=calibration.mean_deviation,
            mean_absolute_deviation=calibration.mean_absolute_deviation,
            tendency=calibration.tendency,
            tendency_rule=(
                f"lenient when the mean deviation is at least +{TENDENCY_THRESHOLD}, severe when at most "
                f"-{TENDENCY_THRESHOLD}, in_line between; insufficient_data below {MIN_COMPARISONS} comparisons"
            ),
            recommendation_agreement=calibration.recommendation_agreement,
            dimensions=[
                DimensionCalibrationView(
                    dimension_id=d.dimension_id, comparisons=d.comparisons, mean_deviation=d.mean_deviation
                )
                for d in calibration.dimensions
            ],
        )


# --- competency assessments ------------------------------------------------------------


class CompetencyLevelRequest(Request):
    competency_id: Slug = Field(description="Competency id in the pinned role version")
    level: ExperienceLevel = Field(description="Level the person works at in this competency")


class CompetencyAssessmentRequest(Request):
    assessment_id: OpaqueId | None = Field(
        default=None, description="Your own id, which makes retrying the request safe; omit to get a new one"
    )
    person_id: OpaqueId = Field(description="Opaque id of the employee assessed")
    role_id: Slug = Field(description="The employee's role")
    role_version: RoleVersion | None = Field(default=None, description="Omit for the latest version this service knows")
    assessor_role: AssessorRole = Field(description="self, manager or peer; the assessor is the token's subject")
    ratings: list[CompetencyLevelRequest] = Field(min_length=1, max_length=MAX_COMPETENCY_RATINGS)
    notes: Notes | None = Field(default=None, description="Assessor's notes; never published")


class CompetencyAssessmentView(BaseModel):
    assessment_id: str
    person_id: str
    role_id: str
    role_version: int
    assessor_role: AssessorRole
    assessor_id: str
    ratings: list[CompetencyRating]
    notes: str | None
    completed_at: datetime

    @classmethod
    def of(cls, assessment: CompetencyAssessment) -> Self:
        return cls(
            assessment_id=assessment.assessment_id,
            person_id=assessment.person_id,
            role_id=assessment.role_id,
            role_version=assessment.role_version,
            assessor_role=assessment.assessor_role,
            assessor_id=assessment.assessor_id,
            ratings=[CompetencyRating(competency_id=r.competency_id, level=r.level) for r in assessment.ratings],
            notes=assessment.notes,
            completed_at=assessment.completed_at,
        )


# --- role replica ----------------------------------------------------------------------


class KnownRole(BaseModel):
    role_id: str
    latest_version: int
