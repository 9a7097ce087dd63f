"""Events upstream interview tools (an ATS, a form tool) publish and Ladder consumes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ladder_contracts.common import InterviewRating, Recommendation, Slug
from ladder_contracts.envelope import AwareDatetime, EventData, OpaqueId

MAX_NOTES_LENGTH = 4000


class ScorecardSubmittedV1(EventData):
    """One interviewer's scorecard for an interview loop. The HTTP API accepts the same contract."""

    event_type = "interview.scorecard.submitted"
    version = 1
    topic = "interview.scorecards"
    published = False
    subject_field = "loop_id"

    submission_id: OpaqueId = Field(description="Idempotency key: the same submission id counts once")
    loop_id: OpaqueId = Field(description="Interview loop the scorecard belongs to")
    interviewer_id: OpaqueId = Field(description="Opaque id of the interviewer")
    ratings: Annotated[dict[Slug, InterviewRating], Field(min_length=1)] = Field(
        description="Rating 1-5 per scorecard dimension id the interviewer covers"
    )
    recommendation: Recommendation = Field(description="Overall recommendation")
    notes: Annotated[str, StringConstraints(max_length=MAX_NOTES_LENGTH)] | None = Field(
        default=None, description="Interviewer's notes; stay in the assessment service, never republished"
    )
    submitted_at: AwareDatetime = Field(description="When the interviewer submitted")
