"""One interviewer's scorecard as the assessment service keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ladder_contracts.common import Recommendation


class SubmissionChannel(StrEnum):
    HTTP = "http"
    TOPIC = "topic"


@dataclass(frozen=True, slots=True)
class ScorecardSubmission:
    submission_id: str
    interviewer_id: str
    ratings: Mapping[str, int]
    """Rating 1-5 per dimension id."""
    recommendation: Recommendation
    notes: str | None
    submitted_at: datetime
    """When the interviewer submitted, as the submitting tool says; the latest one counts."""
    received_at: datetime
    channel: SubmissionChannel

    def same_scorecard_as(self, other: ScorecardSubmission) -> bool:
        """Equal content: a redelivery, whichever channel or envelope it came in."""
        return (
            self.interviewer_id == other.interviewer_id
            and dict(self.ratings) == dict(other.ratings)
            and self.recommendation == other.recommendation
            and self.notes == other.notes
            and self.submitted_at == other.submitted_at
        )
