"""Events the HR platform (HRIS) publishes and Ladder consumes."""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Annotated, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ladder_contracts.common import Name, RoleVersion, ShortNote, Slug, SystemName, unique_by
from ladder_contracts.envelope import AwareDatetime, Contract, EventData, OpaqueId


class EmployeeHiredV1(EventData):
    """A person was hired into a role; Ladder starts their progression track."""

    event_type = "hr.employee.hired"
    version = 1
    topic = "hr.hires"
    published = False
    subject_field = "person_id"

    person_id: OpaqueId = Field(description="Opaque id of the employee")
    role_id: Slug = Field(description="Ladder role id the person was hired into")
    role_version: RoleVersion | None = Field(
        default=None, description="Role version hired against; null means the latest known version"
    )
    hired_at: AwareDatetime = Field(description="Start of employment in the role")
    manager_id: OpaqueId | None = Field(default=None, description="Opaque id of the person's manager")
    team_id: OpaqueId | None = Field(default=None, description="Opaque id of the person's team")
    hr_system: SystemName = Field(description="Name of the HR system that emitted the event")


class ReviewPeriod(Contract):
    starts_on: date = Field(description="First day of the review period")
    ends_on: date = Field(description="Last day of the review period")
    label: Name | None = Field(default=None, description="The HR system's name for the period, e.g. '2025-H1'")

    @field_validator("ends_on")
    @classmethod
    def _not_before_start(cls, ends_on: date, info: ValidationInfo) -> date:
        starts_on = info.data.get("starts_on")
        if starts_on is not None and ends_on < starts_on:
            raise ValueError(f"is before starts_on ({starts_on})")
        return ends_on


class RatingScale(Contract):
    lowest: int = Field(default=1, ge=0, description="Lowest rating on the scale")
    highest: int = Field(default=5, le=100, description="Highest rating on the scale")

    @field_validator("highest")
    @classmethod
    def _above_lowest(cls, highest: int, info: ValidationInfo) -> int:
        lowest = info.data.get("lowest")
        if lowest is not None and highest <= lowest:
            raise ValueError(f"must be greater than lowest ({lowest})")
        return highest

    def contains(self, value: float) -> bool:
        return self.lowest <= value <= self.highest


class CompetencyReviewRating(Contract):
    competency_id: Slug = Field(description="Competency id in the person's role")
    rating: float = Field(description="Rating on the review's scale")


class KpiReviewRating(Contract):
    kpi_id: Slug = Field(description="KPI id in the person's role")
    rating: float = Field(description="Rating on the review's scale")
    measured_value: float | None = Field(default=None, description="The KPI's measured value over the period, if known")


class ReviewSubmittedV1(EventData):
    """A performance review was submitted; each rated competency or KPI becomes evidence."""

    event_type = "hr.review.submitted"
    version = 1
    topic = "hr.reviews"
    published = False
    subject_field = "person_id"

    review_id: OpaqueId = Field(description="Id of the review in the HR system")
    person_id: OpaqueId = Field(description="Opaque id of the reviewed employee")
    reviewer_id: OpaqueId = Field(description="Opaque id of the reviewer")
    period: ReviewPeriod = Field(description="The period the review covers")
    submitted_at: AwareDatetime = Field(description="When the review was submitted")
    rating_scale: RatingScale = Field(default_factory=RatingScale, description="Scale of every rating in the review")
    competency_ratings: Annotated[
        list[CompetencyReviewRating], unique_by(attrgetter("competency_id"), "competency id")
    ] = Field(default=[], description="Ratings per competency")
    kpi_ratings: Annotated[list[KpiReviewRating], unique_by(attrgetter("kpi_id"), "KPI id")] = Field(
        default=[], description="Ratings per KPI"
    )
    summary: ShortNote | None = Field(default=None, description="Short summary; Ladder never republishes it")

    @field_validator("competency_ratings", "kpi_ratings")
    @classmethod
    def _on_the_scale(
        cls, ratings: list[CompetencyReviewRating] | list[KpiReviewRating], info: ValidationInfo
    ) -> list[CompetencyReviewRating] | list[KpiReviewRating]:
        scale: RatingScale | None = info.data.get("rating_scale")
        if scale is not None:
            for index, item in enumerate(ratings):
                if not scale.contains(item.rating):
                    raise ValueError(f"[{index}].rating {item.rating} is off the scale {scale.lowest}-{scale.highest}")
        return ratings

    @model_validator(mode="after")
    def _rates_something(self) -> Self:
        if not (self.competency_ratings or self.kpi_ratings):
            raise ValueError("a review needs at least one competency or KPI rating")
        return self
