"""Per-interviewer calibration against the panels they sat on."""

from __future__ import annotations

from ladder_contracts.common import Recommendation as R

from assessment_builders import T0, open_loop, scorecard
from ladder_assessment.domain.calibration import Tendency, calibrate


def completed_loop(loop_id: str, *, panel=("ana", "bo", "cy"), **cards: tuple[int, int, R]):
    """A loop rated on coding and design; ``ana=(coding, design, recommendation)`` per interviewer who submits."""
    loop = open_loop(*panel, dimensions=("coding", "design"), loop_id=loop_id)
    for who, (coding, design, recommendation) in cards.items():
        loop.submit(scorecard(who, {"coding": coding, "design": design}, recommendation))
    if not loop.is_completed:
        loop.close(at=T0)
    return loop


def test_a_lenient_interviewer_reads_above_their_co_panelists():
    loops = [
        completed_loop("l1", ana=(5, 5, R.STRONG_YES), bo=(3, 4, R.YES), cy=(3, 2, R.NO)),
        completed_loop("l2", ana=(4, 5, R.YES), bo=(3, 3, R.NO), cy=(2, 4, R.NO)),
    ]
    ana = calibrate("ana", loops)
    # l1: coding 5-3=2, design 5-3=2; l2: coding 4-2.5=1.5, design 5-3.5=1.5
    assert (ana.panels, ana.comparisons, ana.mean_deviation, ana.mean_absolute_deviation) == (2, 4, 1.75, 1.75)
    assert ana.tendency is Tendency.LENIENT
    assert [(d.dimension_id, d.comparisons, d.mean_deviation) for d in ana.dimensions] == [
        ("coding", 2, 1.75),
        ("design", 2, 1.75),
    ]
    # l1: the others split yes/no (a tie: left out); l2: both others say no, ana says yes.
    assert ana.recommendation_agreement == 0.0

    cy = calibrate("cy", loops)
    # l1: coding 3-4, design 2-4.5; l2: coding 2-3.5, design 4-4
    assert (cy.mean_deviation, cy.tendency) == (-1.25, Tendency.SEVERE)
    # l1: ana and bo both positive, cy says no; l2: ana yes and bo no tie, so it is left out.
    assert cy.recommendation_agreement == 0.0


def test_in_line_needs_enough_comparisons_and_small_deviation():
    first = completed_loop("l1", ana=(3, 4, R.YES), bo=(4, 4, R.YES), cy=(3, 4, R.YES))
    bo = calibrate("bo", [first])
    assert (bo.comparisons, bo.mean_deviation, bo.tendency) == (2, 0.5, Tendency.INSUFFICIENT_DATA)
    second = completed_loop("l2", ana=(3, 3, R.YES), bo=(3, 3, R.YES), cy=(3, 3, R.YES))
    both = calibrate("bo", [first, second])
    assert (both.comparisons, both.mean_deviation, both.tendency) == (4, 0.25, Tendency.IN_LINE)
    assert both.recommendation_agreement == 1.0


def test_open_loops_do_not_count_and_missed_panels_are_reported():
    still_open = open_loop("ana", "bo", dimensions=("coding", "design"), loop_id="open")
    still_open.submit(scorecard("ana", {"coding": 5, "design": 5}))
    closed_without_cy = completed_loop("l1", ana=(4, 4, R.YES))
    cy = calibrate("cy", [still_open, closed_without_cy])
    assert (cy.panels, cy.panels_without_scorecard, cy.comparisons, cy.mean_deviation) == (0, 1, 0, None)
    assert cy.tendency is Tendency.INSUFFICIENT_DATA and cy.recommendation_agreement is None
    # ana was alone on the closed panel: nothing to compare with.
    assert calibrate("ana", [still_open, closed_without_cy]).comparisons == 0
