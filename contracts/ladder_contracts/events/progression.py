"""Events published by the progression service."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from ladder_contracts.common import (
    CeType,
    CriterionKind,
    CriterionStatus,
    EventId,
    ReadinessBand,
    RoleVersion,
    Slug,
    UnitInterval,
)
from ladder_contracts.envelope import AwareDatetime, Contract, EventData, OpaqueId

MAX_TOP_GAPS = 10


class ReadinessGap(Contract):
    """A criterion of the target role the person does not fully meet yet."""

    criterion_id: Slug = Field(description="Id of the criterion within its role (promotion criterion, competency, ...)")
    kind: CriterionKind = Field(description="What the criterion is drawn from")
    status: CriterionStatus = Field(description="How far the evidence meets it")


class PromotionReadinessChangedV1(EventData):
    """A person's readiness for their target role crossed a band or moved by more than the configured step."""

    event_type = "ladder.promotion-readiness.changed"
    version = 1
    topic = "ladder.promotion-readiness"
    subject_field = "person_id"

    person_id: OpaqueId = Field(description="Opaque id of the person")
    current_role_id: Slug = Field(description="The person's current role")
    current_role_version: RoleVersion = Field(description="Version of the current role the readiness was computed on")
    target_role_id: Slug = Field(description="The role readiness is measured for")
    target_role_version: RoleVersion | None = Field(
        default=None, description="Version of the target role; null when the target has no blueprint yet"
    )
    previous_band: ReadinessBand | None = Field(default=None, description="Band before; null on the first evaluation")
    new_band: ReadinessBand = Field(description="Band now")
    previous_score: UnitInterval | None = Field(
        default=None, validate_default=True, description="Score before; null on the first evaluation"
    )
    new_score: UnitInterval = Field(description="Overall readiness score now, 0 to 1")
    top_gaps: Annotated[list[ReadinessGap], Field(max_length=MAX_TOP_GAPS)] = Field(
        default=[], description="The most important unmet criteria, most important first"
    )
    caused_by_event_id: EventId = Field(description="CloudEvents id of the event that caused the recomputation")
    caused_by_event_type: CeType = Field(description="CloudEvents type of that event")
    computed_at: AwareDatetime = Field(description="When readiness was computed")

    @field_validator("previous_score")
    @classmethod
    def _with_previous_band(cls, score: float | None, info: ValidationInfo) -> float | None:
        if "previous_band" in info.data and (score is None) != (info.data["previous_band"] is None):
            raise ValueError("must be set exactly when previous_band is set")
        return score
