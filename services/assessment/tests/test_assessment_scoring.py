"""Aggregates, tally, disagreement flags and the decision rule, without any infrastructure."""

from __future__ import annotations

from ladder_contracts.common import Recommendation as R
from ladder_contracts.events.assessment import HiringSignal, LoopCompletion

from assessment_builders import scorecard
from ladder_assessment.domain.scoring import (
    MAX_RULE_LENGTH,
    decision_signal,
    dimension_aggregates,
    disagreements,
    loop_outcome,
    recommendation_tally,
)

RUBRIC = ("coding", "design", "communication")


def outcome(*cards, panel_size: int | None = None, completion=LoopCompletion.ALL_SUBMITTED):
    return loop_outcome(list(cards), rubric_ids=RUBRIC, panel_size=panel_size or len(cards), completion=completion)


def test_aggregates_are_mean_population_spread_and_count_in_rubric_order():
    cards = [
        scorecard("ana", {"design": 4, "coding": 3}),
        scorecard("bo", {"coding": 4, "design": 4}),
        scorecard("cy", {"coding": 5}),
    ]
    aggregates = dimension_aggregates(cards, RUBRIC)
    assert [(a.dimension_id, a.mean, a.spread, a.count) for a in aggregates] == [
        ("coding", 4.0, 0.82, 3),  # pstdev(3, 4, 5) = 0.816...
        ("design", 4.0, 0.0, 2),
    ]  # communication: nobody rated it, so it is left out rather than reported as 0


def test_tally_counts_each_recommendation():
    given = (R.STRONG_YES, R.YES, R.YES, R.STRONG_NO)
    tally = recommendation_tally([scorecard(who, {}, recommendation) for who, recommendation in zip("abcd", given)])
    assert (tally.strong_no, tally.no, tally.yes, tally.strong_yes, tally.total) == (1, 0, 2, 1, 4)


def test_disagreement_needs_a_gap_of_two_points_and_names_the_extremes():
    cards = [
        scorecard("ana", {"coding": 2, "design": 3}),
        scorecard("bo", {"coding": 3, "design": 4}),
        scorecard("cy", {"coding": 4, "design": 4}),
        scorecard("di", {"coding": 4, "design": 3}),
    ]
    (flag,) = disagreements(cards, RUBRIC)  # design differs by 1 only: not a disagreement
    assert (flag.dimension_id, flag.min_rating, flag.max_rating) == ("coding", 2, 4)
    assert flag.interviewer_ids == ["ana", "cy", "di"]  # the lowest and every highest rater, not the middle


def test_hire_needs_the_full_panel_positive_at_the_bar_without_disagreement():
    result = outcome(
        scorecard("ana", {"coding": 3, "design": 4}, R.YES), scorecard("bo", {"coding": 4, "design": 3}, R.STRONG_YES)
    )
    assert result.decision.signal is HiringSignal.HIRE
    assert result.decision.rule.startswith("hire: all 2 panelists recommend yes or strong_yes")
    assert result.disagreements == []


def test_majority_against_is_no_hire_with_the_counts_in_the_rule():
    result = outcome(
        scorecard("ana", {"coding": 4}, R.YES),
        scorecard("bo", {"coding": 2}, R.NO),
        scorecard("cy", {"coding": 1}, R.STRONG_NO),
    )
    assert result.decision.signal is HiringSignal.NO_HIRE
    assert "(2 of 3)" in result.decision.rule


def test_anything_short_of_both_rules_needs_discussion_and_says_why():
    # Half against is not a majority; one dimension below the bar; a 2-point disagreement.
    result = outcome(
        scorecard("ana", {"coding": 2, "design": 4}, R.NO), scorecard("bo", {"coding": 4, "design": 2}, R.YES)
    )
    assert result.decision.signal is HiringSignal.NEEDS_DISCUSSION
    rule = result.decision.rule
    assert "1 of 2 recommend no or strong_no" in rule
    assert "disagreement on coding, design" in rule
    assert [f.dimension_id for f in result.disagreements] == ["coding", "design"]


def test_a_single_dimension_below_the_bar_blocks_hire():
    result = outcome(
        scorecard("ana", {"coding": 2, "design": 4}, R.YES), scorecard("bo", {"coding": 3, "design": 4}, R.YES)
    )
    assert result.decision.signal is HiringSignal.NEEDS_DISCUSSION
    assert "below 3.0: coding (2.5)" in result.decision.rule


def test_a_loop_closed_early_cannot_signal_hire():
    early = LoopCompletion.CLOSED_EARLY
    result = outcome(scorecard("ana", {"coding": 5}, R.STRONG_YES), panel_size=3, completion=early)
    assert result.decision.signal is HiringSignal.NEEDS_DISCUSSION
    assert "2 of 3 panelists did not submit" in result.decision.rule
    assert result.completion is LoopCompletion.CLOSED_EARLY and result.interviewer_ids == ["ana"]


def test_rule_text_stays_within_the_contract_limit():
    many = tuple(f"dimension-with-a-rather-long-name-{n}" for n in range(40))
    cards = [scorecard("ana", {d: 1 for d in many}, R.YES), scorecard("bo", {d: 5 for d in many}, R.NO)]
    aggregates = dimension_aggregates(cards, many)
    signal = decision_signal(
        aggregates=aggregates, tally=recommendation_tally(cards), flags=disagreements(cards, many), panel_size=5
    )
    assert len(signal.rule) == MAX_RULE_LENGTH and signal.rule.endswith("…")
