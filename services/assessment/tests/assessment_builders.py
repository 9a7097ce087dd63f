"""Small builders for the assessment domain's unit tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from ladder_contracts.common import ExperienceLevel, Recommendation, SourceShape
from ladder_contracts.role import (
    Competency,
    InterviewExercise,
    LevelBehaviour,
    Role,
    RoleSource,
    Scenario,
    ScorecardDimension,
)

from ladder_assessment.domain.loop import InterviewLoop, PanelSeat
from ladder_assessment.domain.rubric import rubric_of
from ladder_assessment.domain.scorecard import ScorecardSubmission, SubmissionChannel

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def role(*dimensions: str, competencies: tuple[str, ...] = ("python",), role_id: str = "ml-engineer") -> Role:
    return Role(
        id=role_id,
        title="ML Engineer",
        scorecard_dimensions=[
            ScorecardDimension(
                id=d, name=d.title(), meets=f"{d} meets", exceeds_or_strong=f"{d} strong", concerns=f"{d} concerns"
            )
            for d in dimensions
        ],
        competencies=[
            Competency(
                id=c,
                name=c.title(),
                expected_level=ExperienceLevel.MID,
                behaviours=[LevelBehaviour(level=ExperienceLevel.MID, behaviour=f"{c} at mid")],
                strong_performance=f"{c} done well",
            )
            for c in competencies
        ],
        interview_exercises=[InterviewExercise(id="case-study", title="Case study (90 minutes)")],
        scenarios=[Scenario(id="outage", prompt="The model is down.", answer_strategy="Check the data first.")],
        source=RoleSource(
            file_name="r.txt", shape=SourceShape.ROLE_PROFILE_TEXT, sha256=hashlib.sha256(role_id.encode()).hexdigest()
        ),
    )


def open_loop(
    *seats: PanelSeat | str, dimensions=("coding", "design", "communication"), candidate="cand-1", loop_id="loop-1"
) -> InterviewLoop:
    return InterviewLoop.open(
        loop_id=loop_id,
        candidate_id=candidate,
        role_id="ml-engineer",
        role_version=1,
        rubric=rubric_of(role(*dimensions), 1),
        seats=[seat if isinstance(seat, PanelSeat) else PanelSeat(seat) for seat in seats],
        at=T0,
    )


def scorecard(
    interviewer: str,
    ratings: dict[str, int],
    recommendation: Recommendation = Recommendation.YES,
    *,
    submission_id: str | None = None,
    minutes: int = 0,
    notes: str | None = None,
) -> ScorecardSubmission:
    at = T0 + timedelta(hours=1, minutes=minutes)
    return ScorecardSubmission(
        submission_id=submission_id or f"{interviewer}-{minutes}",
        interviewer_id=interviewer,
        ratings=ratings,
        recommendation=recommendation,
        notes=notes,
        submitted_at=at,
        received_at=at,
        channel=SubmissionChannel.HTTP,
    )
