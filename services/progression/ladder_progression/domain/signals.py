"""Evidence as the readiness engine sees it: contributions, folded into per-source running sums.

Every evidence item or assessment rating becomes one :class:`Contribution`
per target it supports. Contributions of one person, one target and one
source are folded into a :class:`SourceSignal`: a handful of sums kept
*decayed to an anchor time* (the latest contribution's time). Adding or
removing a contribution is O(1), and the sums at any later time are the
anchored sums times one decay factor. So a new event costs the same whether
the person has 10 or 10,000 items: nothing re-reads the portfolio.

Decay is exponential with a configurable half-life and is measured from
the time evidence happened to the evaluation's ``as_of`` (an event time,
never the wall clock), so replays give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ladder_contracts.common import ExperienceLevel

from ladder_progression.domain.criteria import Target


def decay(elapsed: timedelta, half_life: timedelta) -> float:
    """The weight left after ``elapsed``: 1 now, 1/2 after one half-life; never above 1."""
    return 2.0 ** (-max(elapsed.total_seconds(), 0.0) / half_life.total_seconds())


@dataclass(frozen=True, slots=True)
class Contribution:
    """One item's support for one target, as recorded when the item arrived."""

    item_id: str
    item_kind: str
    """``evidence`` or ``assessment``."""
    target: Target
    source: str
    """Who or what stands behind it; items of one source are not independent of each other."""
    occurred_at: datetime
    quality: float
    """How much to trust it (verification, mapping, assessor), 0 to 1, before decay."""
    value: float | None = None
    """How strongly it shows the target achieved, 0 to 1; None for a level rating or an unjudgeable measurement."""
    level: ExperienceLevel | None = None
    """For a competency rating: the level the assessor sees."""

    @property
    def counts(self) -> bool:
        """False for items that are on record but carry no signal (a KPI target that cannot be judged)."""
        return self.quality > 0 and (self.value is not None or self.level is not None)


@dataclass(frozen=True, slots=True)
class SignalAt:
    """A source's sums decayed to one time."""

    weight: float
    """Decayed quality of valued items."""
    value: float
    """Decayed quality x value of valued items."""
    levels: dict[ExperienceLevel, float]
    """Decayed quality of ratings, per rated level."""

    @property
    def mass(self) -> float:
        return self.weight + sum(self.levels.values())


@dataclass(slots=True)
class SourceSignal:
    """Running sums of one person's contributions to one target from one source."""

    target: Target
    source: str
    items: int = 0
    """Live contributions, including those that carry no signal."""
    counted: int = 0
    """Live contributions that carry a signal; when none is left the sums are exactly zero."""
    anchor: datetime | None = None
    weight: float = 0.0
    value: float = 0.0
    levels: dict[ExperienceLevel, float] = field(default_factory=lambda: {level: 0.0 for level in ExperienceLevel})

    def add(self, contribution: Contribution, half_life: timedelta) -> None:
        self.items += 1
        if not contribution.counts:
            return
        self.counted += 1
        at = contribution.occurred_at
        if self.anchor is None:
            self.anchor = at
        elif at > self.anchor:
            self._scale(decay(at - self.anchor, half_life))
            self.anchor = at
        self._fold(contribution, decay(self.anchor - at, half_life))

    def remove(self, contribution: Contribution, half_life: timedelta) -> None:
        self.items = max(self.items - 1, 0)
        if not contribution.counts:
            return
        self.counted = max(self.counted - 1, 0)
        if self.counted == 0:
            self._reset()  # exact zero, not a float residue
        elif self.anchor is not None:
            self._fold(contribution, -decay(self.anchor - contribution.occurred_at, half_life))
            self.weight, self.value = max(self.weight, 0.0), max(self.value, 0.0)
            self.levels = {level: max(w, 0.0) for level, w in self.levels.items()}

    def at(self, as_of: datetime, half_life: timedelta) -> SignalAt:
        factor = decay(as_of - self.anchor, half_life) if self.anchor is not None else 0.0
        return SignalAt(
            weight=self.weight * factor,
            value=self.value * factor,
            levels={level: w * factor for level, w in self.levels.items()},
        )

    def _fold(self, contribution: Contribution, factor: float) -> None:
        mass = contribution.quality * factor
        if contribution.value is not None:
            self.weight += mass
            self.value += mass * contribution.value
        if contribution.level is not None:
            self.levels[contribution.level] += mass

    def _scale(self, factor: float) -> None:
        self.weight *= factor
        self.value *= factor
        self.levels = {level: w * factor for level, w in self.levels.items()}

    def _reset(self) -> None:
        self.anchor = None
        self.weight = self.value = 0.0
        self.levels = {level: 0.0 for level in ExperienceLevel}


@dataclass(slots=True)
class Portfolio:
    """One person's signals, as far as they were loaded, with what changed since."""

    person_id: str
    half_life: timedelta
    signals: dict[tuple[Target, str], SourceSignal] = field(default_factory=dict)
    changed: set[tuple[Target, str]] = field(default_factory=set)

    def add(self, contribution: Contribution) -> None:
        key = (contribution.target, contribution.source)
        signal = self.signals.get(key)
        if signal is None:
            signal = self.signals[key] = SourceSignal(contribution.target, contribution.source)
        signal.add(contribution, self.half_life)
        self.changed.add(key)

    def remove(self, contribution: Contribution) -> None:
        key = (contribution.target, contribution.source)
        if (signal := self.signals.get(key)) is not None:
            signal.remove(contribution, self.half_life)
            self.changed.add(key)

    def live(self) -> list[SourceSignal]:
        return [signal for signal in self.signals.values() if signal.items > 0]
