"""How one interviewer's ratings sit against the panels they sat on.

For every dimension they rated in a completed loop, their rating is compared
with the mean of the *other* panelists' ratings of that dimension (leaving
themselves out, so they are not compared with their own influence). A
consistently positive deviation reads as lenient, a negative one as severe.
Only completed loops count: an open panel can still change.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ladder_assessment.domain.loop import InterviewLoop
from ladder_assessment.domain.scoring import NEGATIVE, POSITIVE, two_decimals

TENDENCY_THRESHOLD = 0.5
"""Mean deviation (in rating points) from which an interviewer reads as lenient or severe."""
MIN_COMPARISONS = 3
"""Fewer compared ratings than this say nothing about a tendency."""


class Tendency(StrEnum):
    LENIENT = "lenient"
    SEVERE = "severe"
    IN_LINE = "in_line"
    INSUFFICIENT_DATA = "insufficient_data"


@dataclass(frozen=True, slots=True)
class DimensionCalibration:
    dimension_id: str
    comparisons: int
    mean_deviation: float


@dataclass(frozen=True, slots=True)
class Calibration:
    interviewer_id: str
    panels: int
    """Completed loops that counted a scorecard of theirs."""
    panels_without_scorecard: int
    """Completed loops they sat on but never submitted to (closed early without them)."""
    comparisons: int
    """Ratings of theirs that at least one other panelist's rating of the same dimension could be set against."""
    mean_deviation: float | None
    """Their rating minus the others' mean, averaged: above 0 they rate higher than their co-panelists."""
    mean_absolute_deviation: float | None
    tendency: Tendency
    recommendation_agreement: float | None
    """Share of panels where their hire/no-hire side matched the majority side of the others (ties left out)."""
    dimensions: tuple[DimensionCalibration, ...]


def calibrate(interviewer_id: str, loops: Sequence[InterviewLoop]) -> Calibration:
    deviations: list[float] = []
    by_dimension: dict[str, list[float]] = defaultdict(list)
    panels = without_scorecard = agreed = comparable = 0
    for loop in loops:
        if not loop.is_completed:
            continue
        counted = {s.interviewer_id: s for s in loop.current_scorecards()}
        mine = counted.pop(interviewer_id, None)
        if mine is None:
            without_scorecard += any(p.interviewer_id == interviewer_id for p in loop.panel)
            continue
        panels += 1
        for dimension, rating in mine.ratings.items():
            others = [s.ratings[dimension] for s in counted.values() if dimension in s.ratings]
            if others:
                deviation = rating - statistics.fmean(others)
                deviations.append(deviation)
                by_dimension[dimension].append(deviation)
        positive = sum(s.recommendation in POSITIVE for s in counted.values())
        negative = sum(s.recommendation in NEGATIVE for s in counted.values())
        if positive != negative:
            comparable += 1
            agreed += (mine.recommendation in POSITIVE) == (positive > negative)

    mean_deviation = two_decimals(statistics.fmean(deviations)) if deviations else None
    return Calibration(
        interviewer_id=interviewer_id,
        panels=panels,
        panels_without_scorecard=without_scorecard,
        comparisons=len(deviations),
        mean_deviation=mean_deviation,
        mean_absolute_deviation=two_decimals(statistics.fmean(abs(d) for d in deviations)) if deviations else None,
        tendency=_tendency(mean_deviation, len(deviations)),
        recommendation_agreement=two_decimals(agreed / comparable) if comparable else None,
        dimensions=tuple(
            DimensionCalibration(dimension, len(values), two_decimals(statistics.fmean(values)))
            for dimension, values in sorted(by_dimension.items())
        ),
    )


def _tendency(mean_deviation: float | None, comparisons: int) -> Tendency:
    if mean_deviation is None or comparisons < MIN_COMPARISONS:
        return Tendency.INSUFFICIENT_DATA
    if mean_deviation >= TENDENCY_THRESHOLD:
        return Tendency.LENIENT
    if mean_deviation <= -TENDENCY_THRESHOLD:
        return Tendency.SEVERE
    return Tendency.IN_LINE

