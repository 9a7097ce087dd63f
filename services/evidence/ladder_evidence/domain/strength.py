"""How strongly an item supports its targets (0 to 1), derived the same way for every source."""

from __future__ import annotations

from ladder_contracts.common import ExperienceLevel
from ladder_contracts.events.evidence import KpiOutcome
from ladder_contracts.inputs.hr import RatingScale

_LEVEL_RANK = {ExperienceLevel.ENTRY: 1, ExperienceLevel.MID: 2, ExperienceLevel.SENIOR: 3}


def from_rating(rating: float, scale: RatingScale) -> float:
    """A review rating's position on its scale: the lowest rating is 0, the highest 1."""
    return round((rating - scale.lowest) / (scale.highest - scale.lowest), 4)


def from_level(level: ExperienceLevel, expected: ExperienceLevel | None) -> float:
    """An assessed level against the level the role expects: at or above it is full strength.

    Without an expected level, the level's place on Entry < Mid < Senior.
    """
    reference = _LEVEL_RANK[expected] if expected is not None else _LEVEL_RANK[ExperienceLevel.SENIOR]
    return round(min(1.0, _LEVEL_RANK[level] / reference), 4)


def from_kpi_outcome(outcome: KpiOutcome) -> float | None:
    """A judged measurement is as strong as its outcome; None when the target could not be judged."""
    return {KpiOutcome.MET: 1.0, KpiOutcome.NOT_MET: 0.0}.get(outcome)
