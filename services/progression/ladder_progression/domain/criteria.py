"""What a person must show to be ready for their target role: criteria derived from role versions.

For a track from a current role to a target role, the criteria are:

* the current role's **promotion criteria** ("skills needed for promotion");
* the target role's **competencies** at their expected levels, where the
  target has a blueprint;
* **level-graded behaviours** at the target's level, from the target's
  blueprint where it has one, else from the current role (whose graded
  behaviours describe how the role grows): a competency's graded behaviour
  is folded into that competency's criterion when the target already asks
  for it, otherwise it is a criterion of its own; a decision right's graded
  behaviour is always one;
* the current role's **KPIs**: sustained performance where the person is now,
  all of them together weighing as much as one promotion criterion.

Each criterion names the evidence targets that feed it (ids as evidence and
assessments reference them) and, for competencies and their behaviours, the
level a rating must reach. Criteria are a pure function of the two role
versions and the weights, so they are computed once per pair and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ladder_contracts.common import CriterionKind, ExperienceLevel, Importance
from ladder_contracts.role import Competency, Role

LEVEL_RANK: dict[ExperienceLevel, int] = {ExperienceLevel.ENTRY: 1, ExperienceLevel.MID: 2, ExperienceLevel.SENIOR: 3}

_LEVEL_WORDS: tuple[tuple[ExperienceLevel, re.Pattern[str]], ...] = (
    (ExperienceLevel.SENIOR, re.compile(r"\b(senior|sr|lead|principal|staff|l3)\b", re.IGNORECASE)),
    (ExperienceLevel.MID, re.compile(r"\b(mid|mid-level|intermediate|l2)\b", re.IGNORECASE)),
    (ExperienceLevel.ENTRY, re.compile(r"\b(entry|junior|jr|associate|graduate|intern|l1)\b", re.IGNORECASE)),
)


def level_named_in(*texts: str | None) -> ExperienceLevel | None:
    """The experience level a role's level label or title states, e.g. 'Applied AI Engineer (Mid-level)' -> Mid."""
    for text in texts:
        if not text:
            continue
        for level, pattern in _LEVEL_WORDS:
            if pattern.search(text):
                return level
    return None


def level_above(level: ExperienceLevel) -> ExperienceLevel:
    return {ExperienceLevel.ENTRY: ExperienceLevel.MID}.get(level, ExperienceLevel.SENIOR)


class TargetKind(StrEnum):
    """What evidence and assessments can name: the id lists of ``EvidenceTargets``."""

    COMPETENCY = "competency"
    KPI = "kpi"
    PROMOTION_CRITERION = "promotion_criterion"


@dataclass(frozen=True, slots=True, order=True)
class Target:
    """One id evidence can support, e.g. competency ``python``."""

    kind: TargetKind
    id: str


@dataclass(frozen=True, slots=True)
class CriterionWeights:
    """How much each criterion counts in the overall score; blocking ones must not be missing for 'ready'."""

    promotion_criterion: float = 3.0
    critical_competency: float = 3.0
    important_competency: float = 2.0
    optional_competency: float = 1.0
    ungraded_competency: float = 2.0
    behaviour: float = 1.0
    kpis_in_total: float = 3.0
    """Shared by all of the current role's KPIs: blueprints list 4 to 20, and sustained performance is one
    dimension of readiness, not one per metric."""

    def competency(self, importance: Importance | None) -> float:
        return {
            Importance.CRITICAL: self.critical_competency,
            Importance.IMPORTANT: self.important_competency,
            Importance.OPTIONAL: self.optional_competency,
        }.get(importance, self.ungraded_competency)


@dataclass(frozen=True, slots=True)
class Criterion:
    kind: CriterionKind
    id: str
    title: str
    weight: float
    blocking: bool
    """Promotion criteria and critical competencies: while one is missing, the band stops below 'ready'."""
    feeds: tuple[Target, ...]
    required_level: ExperienceLevel | None
    """The level a competency rating must reach to count fully; None where ratings do not apply."""
    drawn_from: str
    """Id of the role whose blueprint states the criterion."""
    expectation: str | None = None
    """The graded behaviour expected at the required level, as the blueprint words it."""

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True, slots=True)
class CriteriaSet:
    """Everything readiness for one (current role version, target role version) pair is judged against."""

    current_role_id: str
    current_role_version: int
    target_role_id: str
    target_role_version: int | None
    target_level: ExperienceLevel | None
    criteria: tuple[Criterion, ...]

    def targets(self) -> frozenset[Target]:
        return frozenset(target for criterion in self.criteria for target in criterion.feeds)


def derive_criteria(
    current: Role,
    current_version: int,
    *,
    target_role_id: str,
    target_title: str | None,
    target: Role | None,
    target_version: int | None,
    weights: CriterionWeights = CriterionWeights(),
) -> CriteriaSet:
    current_level = level_named_in(current.level, current.title)
    target_level = level_named_in(target.level, target.title) if target is not None else level_named_in(target_title)
    if target_level is None and current_level is not None:
        target_level = level_above(current_level)

    criteria: list[Criterion] = [
        Criterion(
            kind=CriterionKind.PROMOTION_CRITERION,
            id=item.id,
            title=item.text,
            weight=weights.promotion_criterion,
            blocking=True,
            feeds=(Target(TargetKind.PROMOTION_CRITERION, item.id),),
            required_level=None,
            drawn_from=current.id,
        )
        for item in current.promotion_criteria
    ]

    # Graded behaviours describe the target level in the target's blueprint, or else in the current one.
    behaviour_role = target if target is not None and _grades_behaviours(target) else current
    asked_competencies = {competency.id for competency in target.competencies} if target is not None else set()
    if target is not None:
        for competency in target.competencies:
            level = competency.expected_level or target_level or ExperienceLevel.MID
            criteria.append(
                Criterion(
                    kind=CriterionKind.COMPETENCY,
                    id=competency.id,
                    title=competency.name,
                    weight=weights.competency(competency.importance),
                    blocking=competency.importance is Importance.CRITICAL,
                    feeds=(Target(TargetKind.COMPETENCY, competency.id),),
                    required_level=level,
                    drawn_from=target.id,
                    expectation=_behaviour_at(competency_in(behaviour_role, competency.id), level),
                )
            )

    if target_level is not None:
        for competency in behaviour_role.competencies:
            expectation = _behaviour_at(competency, target_level)
            if expectation is None or competency.id in asked_competencies:
                continue
            criteria.append(
                Criterion(
                    kind=CriterionKind.BEHAVIOUR,
                    id=competency.id,
                    title=competency.name,
                    weight=weights.behaviour,
                    blocking=False,
                    feeds=(Target(TargetKind.COMPETENCY, competency.id),),
                    required_level=target_level,
                    drawn_from=behaviour_role.id,
                    expectation=expectation,
                )
            )
        for right in behaviour_role.decision_rights:
            expectation = next((b.behaviour for b in right.behaviours if b.level is target_level), None)
            if expectation is None:
                continue
            criteria.append(
                Criterion(
                    kind=CriterionKind.BEHAVIOUR,
                    id=right.id,
                    title=_shorten(right.decision),
                    weight=weights.behaviour,
                    blocking=False,
                    # EvidenceTargets has no list for decision rights: an item evidences one by
                    # naming its id among the promotion criterion ids (the role's promotion-relevant ids).
                    feeds=(Target(TargetKind.PROMOTION_CRITERION, right.id),),
                    required_level=None,
                    drawn_from=behaviour_role.id,
                    expectation=expectation,
                )
            )

    criteria += [
        Criterion(
            kind=CriterionKind.KPI,
            id=kpi.id,
            title=kpi.name,
            weight=weights.kpis_in_total / len(current.kpis),
            blocking=False,
            feeds=(Target(TargetKind.KPI, kpi.id),),
            required_level=None,
            drawn_from=current.id,
            expectation=kpi.target,
        )
        for kpi in current.kpis
    ]
    return CriteriaSet(
        current_role_id=current.id,
        current_role_version=current_version,
        target_role_id=target_role_id,
        target_role_version=target_version,
        target_level=target_level,
        criteria=_unique([c for c in criteria if c.weight > 0]),
    )


def competency_in(role: Role, competency_id: str) -> Competency | None:
    return next((competency for competency in role.competencies if competency.id == competency_id), None)


def _grades_behaviours(role: Role) -> bool:
    return any(c.behaviours for c in role.competencies) or any(r.behaviours for r in role.decision_rights)


def _behaviour_at(competency: Competency | None, level: ExperienceLevel) -> str | None:
    if competency is None:
        return None
    return next((b.behaviour for b in competency.behaviours if b.level is level), None)


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _unique(criteria: list[Criterion]) -> tuple[Criterion, ...]:
    """First of each (kind, id): a decision right and a competency behaviour may share a slug."""
    seen: set[str] = set()
    kept = []
    for criterion in criteria:
        if criterion.key not in seen:
            seen.add(criterion.key)
            kept.append(criterion)
    return tuple(kept)
