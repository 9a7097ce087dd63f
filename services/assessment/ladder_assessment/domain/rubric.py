"""The rubric an interview loop is scored on, and the kit each interviewer is handed.

A role's rubric is its scorecard dimensions. Some blueprints (a skill guide,
a plain-text profile) define competencies and interview scenarios but no
scorecard table; their competencies become the rubric, so a loop can still be
run against them and the kit still carries their scenarios. The rubric's
source travels with the kit so an interviewer knows which it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ladder_contracts.common import ExperienceLevel
from ladder_contracts.role import Competency, InterviewExercise, Role, Scenario

from ladder_assessment.domain.errors import RoleWithoutRubric

RATING_SCALE = {
    1: "Strong concerns: well below the bar",
    2: "Below the bar",
    3: "Meets the bar",
    4: "Above the bar",
    5: "Exceptional: well above the bar",
}
"""The 1-5 rubric every dimension is rated on; 3 is the 'Meets' anchor."""

LOWEST_RATING, HIGHEST_RATING = min(RATING_SCALE), max(RATING_SCALE)


class RubricSource(StrEnum):
    SCORECARD_DIMENSIONS = "scorecard_dimensions"
    """The role's own interview scorecard dimensions."""
    COMPETENCIES = "competencies"
    """The role has no scorecard dimensions; each competency is rated instead."""


@dataclass(frozen=True, slots=True)
class RubricDimension:
    id: str
    name: str
    meets: str | None = None
    exceeds_or_strong: str | None = None
    concerns: str | None = None


@dataclass(frozen=True, slots=True)
class Rubric:
    source: RubricSource
    dimensions: tuple[RubricDimension, ...]

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(dimension.id for dimension in self.dimensions)


def rubric_of(role: Role, version: int) -> Rubric:
    if role.scorecard_dimensions:
        return Rubric(
            RubricSource.SCORECARD_DIMENSIONS,
            tuple(
                RubricDimension(d.id, d.name, meets=d.meets, exceeds_or_strong=d.exceeds_or_strong, concerns=d.concerns)
                for d in role.scorecard_dimensions
            ),
        )
    if role.competencies:
        return Rubric(RubricSource.COMPETENCIES, tuple(_competency_dimension(c) for c in role.competencies))
    raise RoleWithoutRubric(role.id, version)


def _competency_dimension(competency: Competency) -> RubricDimension:
    """Anchors from what the blueprint says about the competency; none are invented."""
    at_level = {b.level: b.behaviour for b in competency.behaviours}
    expected = competency.expected_level or ExperienceLevel.MID
    meets = at_level.get(expected) or competency.shows_up_as or competency.description
    return RubricDimension(competency.id, competency.name, meets=meets, exceeds_or_strong=competency.strong_performance)


@dataclass(frozen=True, slots=True)
class InterviewKit:
    """What one interviewer needs to run their part of a loop, from the pinned role version."""

    loop_id: str
    interviewer_id: str
    role_id: str
    role_version: int
    role_title: str
    rubric_source: RubricSource
    dimensions: tuple[RubricDimension, ...]
    """Only the dimensions this interviewer covers, in rubric order."""
    exercises: tuple[InterviewExercise, ...]
    scenarios: tuple[Scenario, ...]


def interview_kit(
    *, loop_id: str, interviewer_id: str, covered: tuple[str, ...], role: Role, role_version: int
) -> InterviewKit:
    rubric = rubric_of(role, role_version)
    return InterviewKit(
        loop_id=loop_id,
        interviewer_id=interviewer_id,
        role_id=role.id,
        role_version=role_version,
        role_title=role.title,
        rubric_source=rubric.source,
        dimensions=tuple(d for d in rubric.dimensions if d.id in covered),
        # The role model does not tie exercises or scenarios to dimensions, so every interviewer gets them all.
        exercises=tuple(role.interview_exercises),
        scenarios=tuple(role.scenarios),
    )
