"""Competency assessments by self, manager and peer."""

from __future__ import annotations

import pytest

from ladder_contracts.common import ExperienceLevel
from ladder_contracts.events.assessment import AssessorRole

from assessment_builders import T0, role
from ladder_assessment.domain.competency import CompetencyAssessment, CompetencyLevel
from ladder_assessment.domain.errors import InvalidCompetencyAssessment

ROLE = role("coding", competencies=("python", "sql"))


PYTHON_SENIOR = (CompetencyLevel("python", ExperienceLevel.SENIOR),)


def record(assessor_role=AssessorRole.MANAGER, assessor="boss", ratings=PYTHON_SENIOR):
    return CompetencyAssessment.record(
        assessment_id="ca-1",
        person_id="emp-1",
        role=ROLE,
        role_version=2,
        assessor_role=assessor_role,
        assessor_id=assessor,
        ratings=ratings,
        notes="solid",
        at=T0,
    )


def test_a_recorded_assessment_completes_at_once_with_its_kind():
    assessment = record()
    (event,) = assessment.events
    assert (event.assessment_id, event.person_id, event.role_version) == ("ca-1", "emp-1", 2)
    assert event.kind == "competency_assessment"
    assert event.outcome.assessor_role is AssessorRole.MANAGER and event.outcome.assessor_id == "boss"
    assert [(r.competency_id, r.level) for r in event.outcome.ratings] == [("python", ExperienceLevel.SENIOR)]
    assert "solid" not in event.model_dump_json()  # notes stay in the service


def test_self_assessment_is_by_the_person_and_others_are_not():
    assert record(AssessorRole.SELF, "emp-1").assessor_role is AssessorRole.SELF
    with pytest.raises(InvalidCompetencyAssessment, match="self assessment is made by 'emp-1' themself, not by 'boss'"):
        record(AssessorRole.SELF, "boss")
    with pytest.raises(InvalidCompetencyAssessment, match="'emp-1' cannot be their own peer"):
        record(AssessorRole.PEER, "emp-1")


def test_competencies_must_be_the_pinned_roles_and_rated_once():
    with pytest.raises(InvalidCompetencyAssessment) as refused:
        record(
            ratings=(
                CompetencyLevel("python", ExperienceLevel.MID),
                CompetencyLevel("cobol", ExperienceLevel.MID),
                CompetencyLevel("python", ExperienceLevel.ENTRY),
            )
        )
    assert refused.value.problems == [
        "ratings[1].competency_id: 'cobol' is not a competency of role 'ml-engineer' version 2",
        "ratings[2].competency_id: 'python' is rated twice",
    ]
    with pytest.raises(InvalidCompetencyAssessment, match="needs at least one competency rating"):
        record(ratings=())


def test_a_repeated_request_matches_only_the_same_assessment():
    assessment = record()
    same = dict(person_id="emp-1", role_id="ml-engineer", assessor_role=AssessorRole.MANAGER, assessor_id="boss")
    assert assessment.matches_request(**same, role_version=None, ratings=PYTHON_SENIOR, notes="solid")
    assert not assessment.matches_request(**same, role_version=1, ratings=PYTHON_SENIOR, notes="solid")
    assert not assessment.matches_request(**same, role_version=2, ratings=PYTHON_SENIOR, notes="other")
    python_mid = (CompetencyLevel("python", ExperienceLevel.MID),)
    assert not assessment.matches_request(**same, role_version=2, ratings=python_mid, notes="solid")
