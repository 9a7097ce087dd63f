"""Competency assessments: an employee rated against their role's competencies by themself, their manager or a peer.

One assessor, one sitting: the assessment completes as it is recorded and
raises ``AssessmentCompleted`` (kind ``competency_assessment``). Levels are
the role's scale (Entry / Mid / Senior).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ladder_contracts.common import ExperienceLevel
from ladder_contracts.events.assessment import (
    AssessmentCompletedV1,
    AssessorRole,
    CompetencyAssessmentOutcome,
    CompetencyRating,
)
from ladder_contracts.role import Role

from ladder_assessment.domain.errors import InvalidCompetencyAssessment


@dataclass(frozen=True, slots=True)
class CompetencyLevel:
    competency_id: str
    level: ExperienceLevel


@dataclass(eq=False)  # identity, not value: assessments live in the repository's seen-set
class CompetencyAssessment:
    assessment_id: str
    person_id: str
    role_id: str
    role_version: int
    assessor_role: AssessorRole
    assessor_id: str
    ratings: tuple[CompetencyLevel, ...]
    notes: str | None
    completed_at: datetime
    events: list[AssessmentCompletedV1] = field(default_factory=list)

    @classmethod
    def record(
        cls,
        *,
        assessment_id: str,
        person_id: str,
        role: Role,
        role_version: int,
        assessor_role: AssessorRole,
        assessor_id: str,
        ratings: Sequence[CompetencyLevel],
        notes: str | None,
        at: datetime,
    ) -> CompetencyAssessment:
        problems = _assessor_problems(assessor_role, assessor_id, person_id) + _rating_problems(
            ratings, role, role_version
        )
        if problems:
            raise InvalidCompetencyAssessment(problems)
        assessment = cls(
            assessment_id=assessment_id,
            person_id=person_id,
            role_id=role.id,
            role_version=role_version,
            assessor_role=assessor_role,
            assessor_id=assessor_id,
            ratings=tuple(ratings),
            notes=notes,
            completed_at=at,
        )
        assessment.events.append(assessment.completed_event())
        return assessment

    def completed_event(self) -> AssessmentCompletedV1:
        return AssessmentCompletedV1(
            assessment_id=self.assessment_id,
            person_id=self.person_id,
            role_id=self.role_id,
            role_version=self.role_version,
            outcome=CompetencyAssessmentOutcome(
                kind="competency_assessment",
                assessor_role=self.assessor_role,
                assessor_id=self.assessor_id,
                ratings=[CompetencyRating(competency_id=r.competency_id, level=r.level) for r in self.ratings],
            ),
            completed_at=self.completed_at,
        )

    def matches_request(
        self,
        *,
        person_id: str,
        role_id: str,
        role_version: int | None,
        assessor_role: AssessorRole,
        assessor_id: str,
        ratings: Sequence[CompetencyLevel],
        notes: str | None,
    ) -> bool:
        """Whether a repeated request asks for this very assessment (role_version None: whichever was pinned)."""
        return (
            (person_id, role_id, assessor_role, assessor_id, notes)
            == (self.person_id, self.role_id, self.assessor_role, self.assessor_id, self.notes)
            and role_version in (None, self.role_version)
            and tuple(ratings) == self.ratings
        )


def _assessor_problems(assessor_role: AssessorRole, assessor_id: str, person_id: str) -> list[str]:
    if assessor_role is AssessorRole.SELF and assessor_id != person_id:
        return [f"assessor_role: a self assessment is made by {person_id!r} themself, not by {assessor_id!r}"]
    if assessor_role is not AssessorRole.SELF and assessor_id == person_id:
        return [f"assessor_role: {person_id!r} cannot be their own {assessor_role}; use 'self'"]
    return []


def _rating_problems(ratings: Sequence[CompetencyLevel], role: Role, role_version: int) -> list[str]:
    competency_ids = [c.id for c in role.competencies]
    if not competency_ids:
        return [f"role_id: role {role.id!r} version {role_version} has no competencies to assess"]
    if not ratings:
        return ["ratings: needs at least one competency rating"]
    problems = []
    seen: set[str] = set()
    for index, rating in enumerate(ratings):
        where = f"ratings[{index}].competency_id"
        if rating.competency_id not in competency_ids:
            problems.append(
                f"{where}: {rating.competency_id!r} is not a competency of role {role.id!r} version {role_version}"
            )
        if rating.competency_id in seen:
            problems.append(f"{where}: {rating.competency_id!r} is rated twice")
        seen.add(rating.competency_id)
    return problems
