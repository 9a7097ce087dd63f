"""The interview loop aggregate: panel, scorecard rules, replacement, completion."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from ladder_contracts.common import Recommendation as R
from ladder_contracts.events.assessment import HiringSignal, LoopCompletion

from assessment_builders import T0, open_loop, role, scorecard
from ladder_assessment.domain.errors import (
    IdAlreadyUsed,
    InvalidPanel,
    InvalidScorecard,
    LoopAlreadyCompleted,
    NothingToAggregate,
    NotOnPanel,
    RoleWithoutRubric,
)
from ladder_assessment.domain.loop import LoopStatus, PanelSeat, SubmissionResult
from ladder_assessment.domain.rubric import RubricSource, interview_kit, rubric_of

ALL = {"coding": 4, "design": 4, "communication": 4}


def test_panelists_cover_the_whole_rubric_unless_told_otherwise():
    loop = open_loop("ana", PanelSeat("bo", ("communication", "coding")))
    assert [(p.interviewer_id, p.dimension_ids) for p in loop.panel] == [
        ("ana", ("coding", "design", "communication")),
        ("bo", ("coding", "communication")),  # rubric order, whatever order was asked
    ]
    assert loop.status is LoopStatus.OPEN and loop.awaiting() == ["ana", "bo"]


def test_a_bad_panel_is_refused_with_every_problem_named():
    with pytest.raises(InvalidPanel) as refused:
        open_loop("ana", "ana", PanelSeat("bo", ("coding", "cooking")), PanelSeat("cand-1", ()))
    message = str(refused.value)
    assert "panel[1].interviewer_id: 'ana' is already on the panel" in message
    assert "panel[2].dimension_ids: cooking not in the rubric" in message
    assert "panel[3].interviewer_id: the candidate cannot sit on their own panel" in message
    assert "panel[3].dimension_ids: must name at least one dimension" in message
    with pytest.raises(InvalidPanel, match="needs at least one interviewer"):
        open_loop()


def test_scorecard_dimension_outside_the_pinned_version_is_refused():
    loop = open_loop("ana")
    with pytest.raises(InvalidScorecard, match=r"ratings\.cooking: not a dimension of role 'ml-engineer' version 1"):
        loop.submit(scorecard("ana", ALL | {"cooking": 3}))
    assert loop.submissions == []


def test_scorecard_must_rate_exactly_the_covered_dimensions():
    loop = open_loop(PanelSeat("ana", ("coding",)), "bo")
    with pytest.raises(InvalidScorecard, match=r"ratings\.design: not among the dimensions 'ana' covers"):
        loop.submit(scorecard("ana", {"coding": 3, "design": 3}))
    with pytest.raises(InvalidScorecard, match="ratings: missing covered dimension\\(s\\) design, communication"):
        loop.submit(scorecard("bo", {"coding": 3}))


def test_rating_off_the_scale_is_refused():
    loop = open_loop("ana")
    with pytest.raises(InvalidScorecard, match=r"ratings\.coding: 6 is off the 1-5 scale") as refused:
        loop.submit(scorecard("ana", ALL | {"coding": 6, "design": 0}))
    assert len(refused.value.problems) == 2  # every problem at once


def test_a_scorecard_dated_in_the_future_is_refused():
    loop = open_loop("ana")
    card = scorecard("ana", ALL)
    from_the_future = replace(card, submitted_at=card.received_at + timedelta(hours=1))
    with pytest.raises(InvalidScorecard, match="submitted_at: .* is in the future"):
        loop.submit(from_the_future)
    assert loop.submit(replace(card, submitted_at=card.received_at + timedelta(minutes=1))) is SubmissionResult.ACCEPTED


def test_only_panelists_submit():
    loop = open_loop("ana")
    with pytest.raises(NotOnPanel, match="'mallory' is not on the panel of interview loop 'loop-1'"):
        loop.submit(scorecard("mallory", ALL))


def test_the_same_submission_counts_once_and_a_reused_id_with_other_content_is_refused():
    loop = open_loop("ana", "bo")
    first = scorecard("ana", ALL, submission_id="s-1")
    assert loop.submit(first) is SubmissionResult.ACCEPTED
    assert loop.submit(first) is SubmissionResult.DUPLICATE
    assert len(loop.submissions) == 1 and loop.status is LoopStatus.OPEN
    with pytest.raises(IdAlreadyUsed, match="submission_id: 's-1'"):
        loop.submit(scorecard("ana", ALL | {"coding": 1}, submission_id="s-1"))


def test_a_newer_scorecard_replaces_the_earlier_one_and_an_older_one_never_does():
    loop = open_loop("ana", "bo")
    loop.submit(scorecard("ana", ALL, minutes=10))
    assert loop.submit(scorecard("ana", ALL | {"coding": 2}, minutes=20)) is SubmissionResult.REPLACED
    # A scorecard written before the one that counts, arriving late (another channel): kept, not counted.
    assert loop.submit(scorecard("ana", ALL | {"coding": 5}, minutes=15)) is SubmissionResult.OUTDATED
    (counted,) = loop.current_scorecards()
    assert counted.ratings["coding"] == 2 and len(loop.submissions) == 3


def test_the_last_panelist_completes_the_loop_and_raises_one_event():
    loop = open_loop("ana", PanelSeat("bo", ("coding",)))
    loop.submit(scorecard("ana", {"coding": 2, "design": 3, "communication": 4}, R.NO))
    assert loop.events == []
    loop.submit(scorecard("bo", {"coding": 4}, R.YES, minutes=5))
    assert loop.status is LoopStatus.COMPLETED and loop.completion is LoopCompletion.ALL_SUBMITTED
    (event,) = loop.events
    assert (event.assessment_id, event.person_id, event.role_version) == ("loop-1", "cand-1", 1)
    outcome = event.outcome
    assert [(d.dimension_id, d.mean, d.count) for d in outcome.dimensions] == [
        ("coding", 3.0, 2),
        ("design", 3.0, 1),
        ("communication", 4.0, 1),
    ]
    assert outcome.disagreements[0].dimension_id == "coding"
    assert outcome.decision.signal is HiringSignal.NEEDS_DISCUSSION


def test_nothing_changes_after_completion():
    loop = open_loop("ana")
    loop.submit(scorecard("ana", ALL, submission_id="s-1"))
    with pytest.raises(LoopAlreadyCompleted, match="already completed \\(all_submitted\\)"):
        loop.submit(scorecard("ana", ALL | {"coding": 1}, minutes=30))
    # A redelivery of what was counted is still fine.
    assert loop.submit(scorecard("ana", ALL, submission_id="s-1")) is SubmissionResult.DUPLICATE
    with pytest.raises(LoopAlreadyCompleted):
        loop.close(at=T0)


def test_closing_early_aggregates_what_was_received():
    loop = open_loop("ana", "bo", "cy")
    with pytest.raises(NothingToAggregate):
        loop.close(at=T0)
    loop.submit(scorecard("ana", ALL, R.STRONG_YES))
    loop.close(at=T0)
    (event,) = loop.events
    assert event.outcome.completion is LoopCompletion.CLOSED_EARLY
    assert event.outcome.interviewer_ids == ["ana"] and event.outcome.recommendations.total == 1


def test_repeated_open_request_matches_only_the_same_loop():
    loop = open_loop("ana", PanelSeat("bo", ("design", "coding")))
    same = dict(candidate_id="cand-1", role_id="ml-engineer")
    seats = [PanelSeat("ana"), PanelSeat("bo", ("coding", "design"))]
    assert loop.matches_opening(**same, role_version=None, seats=seats)
    spelled_out = [PanelSeat("ana", ("coding", "design", "communication")), PanelSeat("bo", ("coding", "design"))]
    assert loop.matches_opening(**same, role_version=1, seats=spelled_out)
    assert not loop.matches_opening(**same, role_version=2, seats=seats)
    assert not loop.matches_opening(**same, role_version=None, seats=[PanelSeat("ana")])


def test_rubric_falls_back_to_competencies_and_the_kit_carries_scenarios():
    skill_guide = role(competencies=("incident-triage",))
    rubric = rubric_of(skill_guide, 3)
    assert rubric.source is RubricSource.COMPETENCIES and rubric.dimension_ids == ("incident-triage",)
    (dimension,) = rubric.dimensions
    assert (dimension.meets, dimension.exceeds_or_strong) == ("incident-triage at mid", "incident-triage done well")

    kit = interview_kit(
        loop_id="l", interviewer_id="ana", covered=("incident-triage",), role=skill_guide, role_version=3
    )
    assert kit.role_version == 3 and [d.id for d in kit.dimensions] == ["incident-triage"]
    assert kit.scenarios[0].answer_strategy == "Check the data first."
    assert kit.exercises[0].title == "Case study (90 minutes)"

    with pytest.raises(RoleWithoutRubric, match="neither scorecard dimensions nor competencies"):
        rubric_of(role(competencies=()), 1)


def test_kit_shows_only_the_covered_dimensions_with_anchors():
    kit = interview_kit(
        loop_id="l", interviewer_id="bo", covered=("design",), role=role("coding", "design"), role_version=1
    )
    (design,) = kit.dimensions
    assert (design.id, design.meets, design.exceeds_or_strong, design.concerns) == (
        "design",
        "design meets",
        "design strong",
        "design concerns",
    )
    assert kit.rubric_source is RubricSource.SCORECARD_DIMENSIONS
