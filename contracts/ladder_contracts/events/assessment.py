"""Events published by the assessment service."""

from __future__ import annotations

from enum import StrEnum
from operator import attrgetter
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from ladder_contracts.common import (
    Count,
    ExperienceLevel,
    InterviewRating,
    RoleVersion,
    ShortNote,
    Slug,
    unique_by,
)
from ladder_contracts.envelope import AwareDatetime, Contract, EventData, OpaqueId

InterviewerIds = Annotated[list[OpaqueId], unique_by(lambda person: person, "interviewer id")]


class LoopCompletion(StrEnum):
    ALL_SUBMITTED = "all_submitted"
    """Every panelist submitted a scorecard."""
    CLOSED_EARLY = "closed_early"
    """The loop was closed explicitly before every panelist had submitted."""


class HiringSignal(StrEnum):
    HIRE = "hire"
    NO_HIRE = "no_hire"
    NEEDS_DISCUSSION = "needs_discussion"


class AssessorRole(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"


class DimensionAggregate(Contract):
    """The panel's ratings of one scorecard dimension."""

    dimension_id: Slug = Field(description="Scorecard dimension id in the pinned role version")
    mean: float = Field(ge=1, le=5, description="Mean rating on the 1-5 rubric")
    spread: float = Field(ge=0, le=2, description="Population standard deviation of the ratings")
    count: int = Field(ge=1, description="How many interviewers rated the dimension")


class RecommendationTally(Contract):
    """How many interviewers gave each overall recommendation."""

    strong_no: Count = Field(description="Count of strong_no")
    no: Count = Field(description="Count of no")
    yes: Count = Field(description="Count of yes")
    strong_yes: Count = Field(description="Count of strong_yes")

    @property
    def total(self) -> int:
        return self.strong_no + self.no + self.yes + self.strong_yes


class DecisionSignal(Contract):
    signal: HiringSignal = Field(description="What the panel's scorecards point to; the hiring decision stays human")
    rule: ShortNote = Field(description="The rule that produced the signal, stated so a reader can re-check it")


class DisagreementFlag(Contract):
    """A dimension on which interviewers' ratings differ by the service's disagreement threshold or more."""

    dimension_id: Slug = Field(description="Scorecard dimension id")
    min_rating: InterviewRating = Field(description="Lowest rating given")
    max_rating: InterviewRating = Field(description="Highest rating given")
    interviewer_ids: Annotated[InterviewerIds, Field(min_length=2)] = Field(
        description="Interviewers who gave the lowest or the highest rating"
    )

    @field_validator("max_rating")
    @classmethod
    def _above_min(cls, max_rating: int, info: ValidationInfo) -> int:
        min_rating = info.data.get("min_rating")
        if min_rating is not None and max_rating <= min_rating:
            raise ValueError(f"must be greater than min_rating ({min_rating}) for a disagreement")
        return max_rating


class InterviewLoopOutcome(Contract):
    """The aggregate of an interview loop's scorecards."""

    kind: Literal["interview_loop"] = Field(description="An interview loop of a candidate")
    completion: LoopCompletion = Field(description="How the loop came to an end")
    interviewer_ids: InterviewerIds = Field(description="Interviewers whose scorecards were counted")
    dimensions: Annotated[list[DimensionAggregate], unique_by(attrgetter("dimension_id"), "dimension id")] = Field(
        description="Per scorecard dimension: mean, spread and count of ratings"
    )
    recommendations: RecommendationTally = Field(description="Tally of overall recommendations")
    decision: DecisionSignal = Field(description="Decision signal and the rule that produced it")
    disagreements: Annotated[list[DisagreementFlag], unique_by(attrgetter("dimension_id"), "dimension id")] = Field(
        default=[], description="Dimensions where interviewers disagree"
    )

    @field_validator("dimensions")
    @classmethod
    def _counts_within_panel(
        cls, dimensions: list[DimensionAggregate], info: ValidationInfo
    ) -> list[DimensionAggregate]:
        panel = info.data.get("interviewer_ids")
        if panel is not None:
            for aggregate in dimensions:
                if aggregate.count > len(panel):
                    raise ValueError(
                        f"{aggregate.dimension_id}: count {aggregate.count} exceeds "
                        f"the {len(panel)} interviewers counted"
                    )
        return dimensions

    @field_validator("recommendations")
    @classmethod
    def _one_per_interviewer(cls, tally: RecommendationTally, info: ValidationInfo) -> RecommendationTally:
        panel = info.data.get("interviewer_ids")
        if panel is not None and tally.total != len(panel):
            raise ValueError(f"tally of {tally.total} does not match the {len(panel)} interviewers counted")
        return tally

    @field_validator("disagreements")
    @classmethod
    def _about_rated_dimensions(cls, flags: list[DisagreementFlag], info: ValidationInfo) -> list[DisagreementFlag]:
        rated = {aggregate.dimension_id for aggregate in info.data.get("dimensions") or ()}
        panel = set(info.data.get("interviewer_ids") or ())
        for flag in flags:
            if rated and flag.dimension_id not in rated:
                raise ValueError(f"{flag.dimension_id}: not among the aggregated dimensions")
            if panel and not panel.issuperset(flag.interviewer_ids):
                raise ValueError(f"{flag.dimension_id}: names interviewers whose scorecards were not counted")
        return flags


class CompetencyRating(Contract):
    competency_id: Slug = Field(description="Competency id in the pinned role version")
    level: ExperienceLevel = Field(description="Level the assessor sees the person working at, on the role's scale")


class CompetencyAssessmentOutcome(Contract):
    """A self, manager or peer assessment of an employee against the role's competencies."""

    kind: Literal["competency_assessment"] = Field(description="A competency assessment of an employee")
    assessor_role: AssessorRole = Field(description="Who assessed: the person themself, their manager or a peer")
    assessor_id: OpaqueId = Field(description="Opaque id of the assessor")
    ratings: Annotated[
        list[CompetencyRating], Field(min_length=1), unique_by(attrgetter("competency_id"), "competency id")
    ] = Field(description="One rating per assessed competency")


AssessmentOutcome = Annotated[
    InterviewLoopOutcome | CompetencyAssessmentOutcome,
    Field(discriminator="kind"),
]


class AssessmentCompletedV1(EventData):
    """An interview loop or a competency assessment has completed."""

    event_type = "ladder.assessment.completed"
    version = 1
    topic = "ladder.assessment-completed"
    subject_field = "assessment_id"

    assessment_id: OpaqueId = Field(description="The interview loop's or competency assessment's id")
    person_id: OpaqueId = Field(description="Opaque id of the assessed person: a candidate or an employee")
    role_id: Slug = Field(description="Role assessed against")
    role_version: RoleVersion = Field(description="Role version pinned when the assessment was opened")
    outcome: AssessmentOutcome = Field(
        description="The result; its kind tells interview loops and competency assessments apart"
    )
    completed_at: AwareDatetime = Field(description="When the assessment completed")

    @property
    def kind(self) -> str:
        return self.outcome.kind
