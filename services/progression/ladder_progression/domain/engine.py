"""The readiness engine: criteria and signals in, an explained score and band out.

Per criterion, from the signals of the targets that feed it, decayed to ``as_of``:

* **attainment** (0-1): the quality-weighted mean of what the evidence shows:
  an item's strength, a KPI measurement's met (1) or not met (0), a rating's
  level against the required level (one level short counts 2/3 of a Mid
  requirement, and so on);
* **confidence** (0-1): ``1 - 2^-M``, where M adds up each source's decayed
  quality mass, capped per source: more evidence from one source saturates,
  independent sources multiply out the doubt. With the default cap one
  source alone stays below the default confidence needed for 'met';
* **status**: *met* when both reach the policy's bars, *missing* without any
  signal, *partial* otherwise; its **credit** is 1 when met, else the share
  of both bars reached.

The **score** is the weighted mean credit; the **band** comes from the target
role's thresholds, except that 'ready' needs every blocking criterion (the
promotion criteria, the critical competencies) to have some evidence.

Nothing here reads a clock: ``as_of`` is an event time, so the same events
give the same readiness. Reported numbers are rounded to 4 places, which also
makes float noise from a different arrival order of the same events vanish.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ladder_contracts.common import CriterionStatus, ExperienceLevel, ReadinessBand

from ladder_progression.domain.contributions import EvidenceWeighting
from ladder_progression.domain.criteria import LEVEL_RANK, CriteriaSet, Criterion, CriterionWeights, Target
from ladder_progression.domain.errors import InvalidThresholds
from ladder_progression.domain.signals import SourceSignal

PRECISION = 4


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where the bands start on the 0-1 score: below ``developing_from`` is not ready."""

    developing_from: float
    ready_from: float

    def __post_init__(self) -> None:
        if not 0.0 < self.developing_from < 1.0:
            raise InvalidThresholds("developing_from", f"{self.developing_from} is not between 0 and 1 (exclusive)")
        if not 0.0 < self.ready_from <= 1.0:
            raise InvalidThresholds("ready_from", f"{self.ready_from} is not in (0, 1]")
        if self.ready_from <= self.developing_from:
            raise InvalidThresholds(
                "ready_from", f"{self.ready_from} must be above developing_from ({self.developing_from})"
            )

    def band(self, score: float) -> ReadinessBand:
        if score >= self.ready_from:
            return ReadinessBand.READY
        if score >= self.developing_from:
            return ReadinessBand.DEVELOPING
        return ReadinessBand.NOT_READY


@dataclass(frozen=True)
class ReadinessPolicy:
    half_life: timedelta = timedelta(days=180)
    met_attainment: float = 0.7
    met_confidence: float = 0.7
    source_cap: float = 1.5
    """Most decayed quality mass one source can add to a criterion's confidence."""
    score_step: float = 0.05
    """PromotionReadinessChanged goes out when the band changes or the score moved this much since the last one."""
    top_gaps: int = 5
    thresholds: Thresholds = Thresholds(developing_from=0.4, ready_from=0.8)
    """Defaults; a role's own thresholds replace them for people targeting it."""
    weights: CriterionWeights = CriterionWeights()
    weighting: EvidenceWeighting = field(default_factory=EvidenceWeighting)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    criterion: Criterion
    status: CriterionStatus
    attainment: float
    confidence: float
    credit: float
    sources: int
    """Independent sources with live evidence for it."""
    items: int
    """Live contributions behind it, including those carrying no signal."""


@dataclass(frozen=True)
class Readiness:
    criteria_set: CriteriaSet
    as_of: datetime
    score: float
    band: ReadinessBand
    criteria: tuple[CriterionResult, ...]
    capped_by: tuple[str, ...]
    """Keys of missing blocking criteria that hold the band below 'ready'."""

    def gaps(self, limit: int | None = None) -> list[CriterionResult]:
        """Unmet criteria, the ones costing the most score first (blocking ones first among equals)."""
        unmet = [result for result in self.criteria if result.status is not CriterionStatus.MET]
        unmet.sort(
            key=lambda r: (
                -round(r.criterion.weight * (1.0 - r.credit), PRECISION),
                not r.criterion.blocking,
                r.criterion.kind.value,
                r.criterion.id,
            )
        )
        return unmet[:limit] if limit is not None else unmet

    def statuses(self) -> dict[str, str]:
        return {result.criterion.key: result.status.value for result in self.criteria}


@dataclass(frozen=True, slots=True)
class Published:
    """What the last PromotionReadinessChanged said."""

    band: ReadinessBand
    score: float


def is_news(previous: Published | None, readiness: Readiness, step: float) -> bool:
    """Whether downstream should hear about this readiness: first one, new band, or a move of ``step`` or more."""
    if previous is None or previous.band is not readiness.band:
        return True
    return round(abs(readiness.score - previous.score), PRECISION) >= step


def evaluate(
    criteria_set: CriteriaSet,
    signals: Iterable[SourceSignal],
    *,
    as_of: datetime,
    policy: ReadinessPolicy,
    thresholds: Thresholds,
) -> Readiness:
    if not criteria_set.criteria:
        raise ValueError("a criteria set without criteria has no readiness")
    by_target: dict[Target, list[SourceSignal]] = defaultdict(list)
    for signal in signals:
        by_target[signal.target].append(signal)

    results = tuple(_judge(criterion, by_target, as_of, policy) for criterion in criteria_set.criteria)
    total_weight = sum(result.criterion.weight for result in results)
    score = round(sum(r.criterion.weight * r.credit for r in results) / total_weight, PRECISION)
    band = thresholds.band(score)
    blocking_missing = tuple(
        r.criterion.key for r in results if r.criterion.blocking and r.status is CriterionStatus.MISSING
    )
    capped_by: tuple[str, ...] = ()
    if band is ReadinessBand.READY and blocking_missing:
        band, capped_by = ReadinessBand.DEVELOPING, blocking_missing
    return Readiness(criteria_set, as_of, score, band, results, capped_by)


def _judge(
    criterion: Criterion, by_target: dict[Target, list[SourceSignal]], as_of: datetime, policy: ReadinessPolicy
) -> CriterionResult:
    shown = weight = 0.0
    items = 0
    mass_by_source: dict[str, float] = defaultdict(float)
    required = LEVEL_RANK[criterion.required_level or ExperienceLevel.MID]
    for target in criterion.feeds:
        for signal in by_target.get(target, ()):
            items += signal.items
            decayed = signal.at(as_of, policy.half_life)
            shown += decayed.value
            weight += decayed.weight
            for level, level_weight in decayed.levels.items():
                shown += level_weight * min(1.0, LEVEL_RANK[level] / required)
                weight += level_weight
            if decayed.mass > 0:
                mass_by_source[signal.source] += decayed.mass

    if weight <= 0.0:
        return CriterionResult(criterion, CriterionStatus.MISSING, 0.0, 0.0, 0.0, 0, items)
    attainment = round(shown / weight, PRECISION)
    mass = sum(min(source_mass, policy.source_cap) for source_mass in mass_by_source.values())
    confidence = round(1.0 - 2.0 ** (-mass), PRECISION)
    if attainment >= policy.met_attainment and confidence >= policy.met_confidence:
        status, credit = CriterionStatus.MET, 1.0
    else:
        status = CriterionStatus.PARTIAL
        credit = min(1.0, attainment / policy.met_attainment) * min(1.0, confidence / policy.met_confidence)
    return CriterionResult(
        criterion, status, attainment, confidence, round(credit, PRECISION), len(mass_by_source), items
    )


HISTORY_SCORE_PLACES = 2


def history_key(readiness: Readiness) -> str:
    """What makes a history entry new: band, any criterion's status, the roles, or the score to 2 places."""
    criteria = readiness.criteria_set
    state = [
        readiness.band.value,
        round(readiness.score, HISTORY_SCORE_PLACES),
        criteria.current_role_id,
        criteria.current_role_version,
        criteria.target_role_id,
        criteria.target_role_version,
        sorted(readiness.statuses().items()),
    ]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()
