"""From a panel's scorecards to one outcome: aggregates, tally, disagreements and a decision signal.

Everything published is rounded to two decimals, and the decision rule is
applied to the published numbers, so a reader of the event can re-check the
signal from the event alone.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from ladder_contracts.common import Recommendation
from ladder_contracts.events.assessment import (
    DecisionSignal,
    DimensionAggregate,
    DisagreementFlag,
    HiringSignal,
    InterviewLoopOutcome,
    LoopCompletion,
    RecommendationTally,
)

from ladder_assessment.domain.scorecard import ScorecardSubmission

DISAGREEMENT_GAP = 2
"""Ratings of one dimension this many points apart, or more, are flagged as a disagreement."""
MEETS_BAR = 3.0
"""A dimension averaging below this is below the 'Meets' anchor."""
POSITIVE = frozenset({Recommendation.YES, Recommendation.STRONG_YES})
NEGATIVE = frozenset({Recommendation.NO, Recommendation.STRONG_NO})
MAX_RULE_LENGTH = 500
"""The contract's limit on the rule text."""


def two_decimals(value: float) -> float:
    """How every published number is rounded."""
    return round(value, 2)


def _ratings_by_dimension(
    scorecards: Sequence[ScorecardSubmission], rubric_ids: Sequence[str]
) -> dict[str, list[tuple[str, int]]]:
    """(interviewer, rating) per rated dimension, in rubric order; unrated dimensions are left out."""
    rated: dict[str, list[tuple[str, int]]] = {dimension: [] for dimension in rubric_ids}
    for scorecard in scorecards:
        for dimension, rating in scorecard.ratings.items():
            rated[dimension].append((scorecard.interviewer_id, rating))
    return {dimension: ratings for dimension, ratings in rated.items() if ratings}


def dimension_aggregates(
    scorecards: Sequence[ScorecardSubmission], rubric_ids: Sequence[str]
) -> list[DimensionAggregate]:
    aggregates = []
    for dimension, given in _ratings_by_dimension(scorecards, rubric_ids).items():
        ratings = [rating for _, rating in given]
        aggregates.append(
            DimensionAggregate(
                dimension_id=dimension,
                mean=two_decimals(statistics.fmean(ratings)),
                spread=two_decimals(statistics.pstdev(ratings)),
                count=len(ratings),
            )
        )
    return aggregates


def recommendation_tally(scorecards: Sequence[ScorecardSubmission]) -> RecommendationTally:
    given = [scorecard.recommendation for scorecard in scorecards]
    return RecommendationTally(**{value.value: given.count(value) for value in Recommendation})


def disagreements(scorecards: Sequence[ScorecardSubmission], rubric_ids: Sequence[str]) -> list[DisagreementFlag]:
    flags = []
    for dimension, given in _ratings_by_dimension(scorecards, rubric_ids).items():
        lowest = min(rating for _, rating in given)
        highest = max(rating for _, rating in given)
        if highest - lowest >= DISAGREEMENT_GAP:
            flags.append(
                DisagreementFlag(
                    dimension_id=dimension,
                    min_rating=lowest,
                    max_rating=highest,
                    interviewer_ids=[who for who, rating in given if rating in (lowest, highest)],
                )
            )
    return flags


def decision_signal(
    *,
    aggregates: Sequence[DimensionAggregate],
    tally: RecommendationTally,
    flags: Sequence[DisagreementFlag],
    panel_size: int,
) -> DecisionSignal:
    """First rule that holds: no_hire, then hire, else needs_discussion (saying what kept it from the others).

    The signal informs the hiring decision; it never makes it.
    """
    counted = tally.total
    against = tally.no + tally.strong_no
    if against * 2 > counted:
        return DecisionSignal(
            signal=HiringSignal.NO_HIRE,
            rule=f"no_hire: more than half of the interviewers recommend no or strong_no ({against} of {counted})",
        )

    below_bar = [a for a in aggregates if a.mean < MEETS_BAR]
    missing = panel_size - counted
    if not (missing or against or below_bar or flags):
        return DecisionSignal(
            signal=HiringSignal.HIRE,
            rule=(
                f"hire: all {panel_size} panelists recommend yes or strong_yes, every rated dimension averages "
                f"at least {MEETS_BAR:.1f} and no dimension has a disagreement of {DISAGREEMENT_GAP}+ points"
            ),
        )

    reasons = []
    if missing:
        reasons.append(f"{missing} of {panel_size} panelists did not submit")
    if against:
        reasons.append(f"{against} of {counted} recommend no or strong_no")
    if below_bar:
        reasons.append("below " + f"{MEETS_BAR:.1f}: " + ", ".join(f"{a.dimension_id} ({a.mean:g})" for a in below_bar))
    if flags:
        reasons.append("disagreement on " + ", ".join(flag.dimension_id for flag in flags))
    rule = (
        "needs_discussion: not no_hire (needs more than half at no/strong_no) and not hire (needs the full panel "
        f"at yes/strong_yes, every rated dimension >= {MEETS_BAR:.1f}, no {DISAGREEMENT_GAP}+ point disagreement): "
        + "; ".join(reasons)
    )
    return DecisionSignal(signal=HiringSignal.NEEDS_DISCUSSION, rule=_fit(rule))


def _fit(text: str) -> str:
    return text if len(text) <= MAX_RULE_LENGTH else text[: MAX_RULE_LENGTH - 1] + "…"


def loop_outcome(
    scorecards: Sequence[ScorecardSubmission],
    *,
    rubric_ids: Sequence[str],
    panel_size: int,
    completion: LoopCompletion,
) -> InterviewLoopOutcome:
    """The outcome of the counted scorecards (one per interviewer who submitted), in panel order."""
    aggregates = dimension_aggregates(scorecards, rubric_ids)
    tally = recommendation_tally(scorecards)
    flags = disagreements(scorecards, rubric_ids)
    return InterviewLoopOutcome(
        kind="interview_loop",
        completion=completion,
        interviewer_ids=[scorecard.interviewer_id for scorecard in scorecards],
        dimensions=aggregates,
        recommendations=tally,
        decision=decision_signal(aggregates=aggregates, tally=tally, flags=flags, panel_size=panel_size),
        disagreements=flags,
    )
