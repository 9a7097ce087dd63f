"""The interview loop aggregate: a candidate, a pinned role version, a panel, and their scorecards.

Rules it keeps:

* The rubric is the pinned role version's, copied at opening; a later role
  version never changes an open loop.
* Each panelist covers a subset of the rubric and rates exactly that subset,
  1-5, with one overall recommendation.
* A submission id counts once. A panelist's newer scorecard replaces their
  earlier one until the loop completes; after that nothing changes.
* The loop completes when every panelist has a scorecard, or when it is
  closed with at least one; completing raises ``AssessmentCompleted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from ladder_contracts.events.assessment import AssessmentCompletedV1, InterviewLoopOutcome, LoopCompletion

from ladder_assessment.domain.errors import (
    IdAlreadyUsed,
    InvalidPanel,
    InvalidScorecard,
    LoopAlreadyCompleted,
    NothingToAggregate,
    NotOnPanel,
)
from ladder_assessment.domain.rubric import HIGHEST_RATING, LOWEST_RATING, Rubric
from ladder_assessment.domain.scorecard import ScorecardSubmission
from ladder_assessment.domain.scoring import loop_outcome

MAX_PANEL_SIZE = 20
CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of our clock a submitting tool's clock may run; beyond it a scorecard is refused, because
a future submitted_at would outrank every later resubmission."""


class LoopStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class SubmissionResult(StrEnum):
    ACCEPTED = "accepted"
    """The interviewer's first scorecard in this loop."""
    REPLACED = "replaced"
    """Replaced the interviewer's earlier scorecard."""
    DUPLICATE = "duplicate"
    """This submission was already received; nothing changed."""
    OUTDATED = "outdated"
    """Older than the interviewer's scorecard that counts: kept on record, not counted."""


@dataclass(frozen=True, slots=True)
class PanelSeat:
    """A seat as requested: ``dimension_ids`` None means the whole rubric."""

    interviewer_id: str
    dimension_ids: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Panelist:
    interviewer_id: str
    dimension_ids: tuple[str, ...]
    """The dimensions this interviewer rates, in rubric order."""


@dataclass(eq=False)  # identity, not value: loops live in the repository's seen-set
class InterviewLoop:
    loop_id: str
    candidate_id: str
    role_id: str
    role_version: int
    rubric_ids: tuple[str, ...]
    panel: tuple[Panelist, ...]
    opened_at: datetime
    submissions: list[ScorecardSubmission] = field(default_factory=list)
    """Every scorecard received, in arrival order, including replaced and outdated ones."""
    status: LoopStatus = LoopStatus.OPEN
    completion: LoopCompletion | None = None
    completed_at: datetime | None = None
    outcome: InterviewLoopOutcome | None = None
    events: list[AssessmentCompletedV1] = field(default_factory=list)

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        loop_id: str,
        candidate_id: str,
        role_id: str,
        role_version: int,
        rubric: Rubric,
        seats: Sequence[PanelSeat],
        at: datetime,
    ) -> InterviewLoop:
        return cls(
            loop_id=loop_id,
            candidate_id=candidate_id,
            role_id=role_id,
            role_version=role_version,
            rubric_ids=rubric.dimension_ids,
            panel=_seat_panel(
                seats, rubric, candidate_id=candidate_id, role_label=f"{role_id!r} version {role_version}"
            ),
            opened_at=at,
        )

    def matches_opening(
        self, *, candidate_id: str, role_id: str, role_version: int | None, seats: Sequence[PanelSeat]
    ) -> bool:
        """Whether a repeated open request asks for this very loop (role_version None: whichever was pinned)."""
        requested = [
            (seat.interviewer_id, frozenset(self.rubric_ids if seat.dimension_ids is None else seat.dimension_ids))
            for seat in seats
        ]
        held = [(panelist.interviewer_id, frozenset(panelist.dimension_ids)) for panelist in self.panel]
        return (
            (candidate_id, role_id) == (self.candidate_id, self.role_id)
            and role_version in (None, self.role_version)
            and requested == held
        )

    # -- reading ------------------------------------------------------------------------

    @property
    def is_completed(self) -> bool:
        return self.status is LoopStatus.COMPLETED

    def panelist(self, interviewer_id: str) -> Panelist:
        for panelist in self.panel:
            if panelist.interviewer_id == interviewer_id:
                return panelist
        raise NotOnPanel(interviewer_id, self.loop_id)

    def current_scorecards(self) -> list[ScorecardSubmission]:
        """The scorecard that counts per panelist who submitted, in panel order: the latest submitted_at
        wins, and between equal times the later arrival."""
        current: dict[str, ScorecardSubmission] = {}
        for submission in self.submissions:
            held = current.get(submission.interviewer_id)
            if held is None or submission.submitted_at >= held.submitted_at:
                current[submission.interviewer_id] = submission
        return [current[p.interviewer_id] for p in self.panel if p.interviewer_id in current]

    def awaiting(self) -> list[str]:
        """Panelists without a scorecard yet, in panel order."""
        submitted = {s.interviewer_id for s in self.submissions}
        return [p.interviewer_id for p in self.panel if p.interviewer_id not in submitted]

    # -- commands -----------------------------------------------------------------------

    def submit(self, scorecard: ScorecardSubmission) -> SubmissionResult:
        for earlier in self.submissions:
            if earlier.submission_id == scorecard.submission_id:
                if earlier.same_scorecard_as(scorecard):
                    return SubmissionResult.DUPLICATE
                raise IdAlreadyUsed("submission_id", scorecard.submission_id, "a different scorecard")
        if self.is_completed:
            raise LoopAlreadyCompleted(self.loop_id, str(self.completion))
        panelist = self.panelist(scorecard.interviewer_id)
        if problems := self._scorecard_problems(scorecard, panelist):
            raise InvalidScorecard(scorecard.submission_id, problems)

        held = next((s for s in self.current_scorecards() if s.interviewer_id == panelist.interviewer_id), None)
        self.submissions.append(scorecard)
        if held is not None and scorecard.submitted_at < held.submitted_at:
            return SubmissionResult.OUTDATED
        if not self.awaiting():
            self._complete(LoopCompletion.ALL_SUBMITTED, at=scorecard.received_at)
        return SubmissionResult.ACCEPTED if held is None else SubmissionResult.REPLACED

    def close(self, *, at: datetime) -> None:
        """Complete now with the scorecards received so far."""
        if self.is_completed:
            raise LoopAlreadyCompleted(self.loop_id, str(self.completion))
        if not self.submissions:
            raise NothingToAggregate(self.loop_id)
        self._complete(LoopCompletion.CLOSED_EARLY if self.awaiting() else LoopCompletion.ALL_SUBMITTED, at=at)

    # -- internals ----------------------------------------------------------------------

    def _scorecard_problems(self, scorecard: ScorecardSubmission, panelist: Panelist) -> list[str]:
        problems = []
        for dimension, rating in scorecard.ratings.items():
            if dimension not in self.rubric_ids:
                problems.append(
                    f"ratings.{dimension}: not a dimension of role {self.role_id!r} version {self.role_version} "
                    f"(its dimensions: {', '.join(self.rubric_ids)})"
                )
            elif dimension not in panelist.dimension_ids:
                problems.append(
                    f"ratings.{dimension}: not among the dimensions {panelist.interviewer_id!r} covers in this loop "
                    f"({', '.join(panelist.dimension_ids)})"
                )
            if isinstance(rating, bool) or not isinstance(rating, int) or not LOWEST_RATING <= rating <= HIGHEST_RATING:
                problems.append(f"ratings.{dimension}: {rating!r} is off the {LOWEST_RATING}-{HIGHEST_RATING} scale")
        if missing := [d for d in panelist.dimension_ids if d not in scorecard.ratings]:
            problems.append(f"ratings: missing covered dimension(s) {', '.join(missing)}")
        if scorecard.submitted_at > scorecard.received_at + CLOCK_SKEW:
            problems.append(f"submitted_at: {scorecard.submitted_at.isoformat()} is in the future")
        return problems

    def _complete(self, completion: LoopCompletion, *, at: datetime) -> None:
        self.outcome = loop_outcome(
            self.current_scorecards(), rubric_ids=self.rubric_ids, panel_size=len(self.panel), completion=completion
        )
        self.status, self.completion, self.completed_at = LoopStatus.COMPLETED, completion, at
        self.events.append(
            AssessmentCompletedV1(
                assessment_id=self.loop_id,
                person_id=self.candidate_id,
                role_id=self.role_id,
                role_version=self.role_version,
                outcome=self.outcome,
                completed_at=at,
            )
        )


def _seat_panel(
    seats: Sequence[PanelSeat], rubric: Rubric, *, candidate_id: str, role_label: str
) -> tuple[Panelist, ...]:
    problems = []
    if not seats:
        problems.append("panel: needs at least one interviewer")
    if len(seats) > MAX_PANEL_SIZE:
        problems.append(f"panel: at most {MAX_PANEL_SIZE} interviewers, got {len(seats)}")
    seen: set[str] = set()
    panel = []
    for index, seat in enumerate(seats):
        where = f"panel[{index}]"
        if seat.interviewer_id in seen:
            problems.append(f"{where}.interviewer_id: {seat.interviewer_id!r} is already on the panel")
        if seat.interviewer_id == candidate_id:
            problems.append(f"{where}.interviewer_id: the candidate cannot sit on their own panel")
        seen.add(seat.interviewer_id)
        if seat.dimension_ids is None:
            panel.append(Panelist(seat.interviewer_id, rubric.dimension_ids))
            continue
        if not seat.dimension_ids:
            problems.append(f"{where}.dimension_ids: must name at least one dimension (omit it for all)")
        if unknown := [d for d in seat.dimension_ids if d not in rubric.dimension_ids]:
            problems.append(
                f"{where}.dimension_ids: {', '.join(unknown)} not in the rubric of role {role_label} "
                f"(its dimensions: {', '.join(rubric.dimension_ids)})"
            )
        if len(set(seat.dimension_ids)) != len(seat.dimension_ids):
            problems.append(f"{where}.dimension_ids: names a dimension twice")
        covered = set(seat.dimension_ids)
        panel.append(Panelist(seat.interviewer_id, tuple(d for d in rubric.dimension_ids if d in covered)))
    if problems:
        raise InvalidPanel(problems)
    return tuple(panel)
