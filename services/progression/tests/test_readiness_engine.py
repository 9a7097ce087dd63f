"""The readiness engine without infrastructure: criteria, met/partial/missing, confidence, decay, bands, incrementality."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from ladder_contracts.common import CriterionKind, CriterionStatus, ExperienceLevel, ReadinessBand
from ladder_contracts.events.evidence import EvidenceKind, KpiOutcome, MappingStatus, SourceOrigin, Verification
from ladder_contracts.events.assessment import (
    DecisionSignal,
    DimensionAggregate,
    HiringSignal,
    InterviewLoopOutcome,
    LoopCompletion,
    RecommendationTally,
)
from ladder_progression.domain.contributions import (
    EvidenceWeighting,
    competency_assessment_contributions,
    evidence_contributions,
    interview_contributions,
)
from ladder_progression.domain.criteria import derive_criteria, level_named_in
from ladder_progression.domain.engine import (
    Published,
    Readiness,
    ReadinessPolicy,
    Thresholds,
    evaluate,
    history_key,
    is_news,
)
from ladder_progression.domain.errors import InvalidThresholds
from ladder_progression.domain.signals import Portfolio
from progression_builders import PERSON, T0, associate, engineer, item, rating

POLICY = ReadinessPolicy()
WEIGHTING = EvidenceWeighting()
TO_ENGINEER = derive_criteria(
    associate(), 1, target_role_id="engineer", target_title=None, target=engineer(), target_version=3
)


def folded(*items, ratings=()) -> Portfolio:
    portfolio = Portfolio(PERSON, POLICY.half_life)
    for evidence in items:
        for contribution in evidence_contributions(evidence, seen_at=evidence.occurred_at, weighting=WEIGHTING):
            portfolio.add(contribution)
    for n, outcome in enumerate(ratings):
        for contribution in competency_assessment_contributions(f"a-{n}", outcome, completed_at=T0, weighting=WEIGHTING):
            portfolio.add(contribution)
    return portfolio


def readiness(portfolio: Portfolio, *, days: float = 0, criteria=TO_ENGINEER, thresholds=POLICY.thresholds) -> Readiness:
    return evaluate(criteria, portfolio.live(), as_of=T0 + timedelta(days=days), policy=POLICY, thresholds=thresholds)


def judged(result: Readiness, key: str):
    return next(r for r in result.criteria if r.criterion.key == key)


# --- criteria -------------------------------------------------------------------------------


def test_a_target_with_a_blueprint_adds_its_competencies_at_their_levels():
    by_key = {c.key: c for c in TO_ENGINEER.criteria}
    assert list(by_key) == [
        "promotion_criterion:independent-delivery",
        "promotion_criterion:evaluation-maturity",
        "competency:python",
        "competency:communication",
        "kpi:uptime",
    ]
    python = by_key["competency:python"]
    assert (python.required_level, python.weight, python.blocking) == (ExperienceLevel.MID, 3.0, True)
    assert python.expectation == "Designs testable modules"  # its graded behaviour is folded in, not repeated
    assert by_key["competency:communication"].required_level is ExperienceLevel.MID  # ungraded: the target's level
    assert by_key["promotion_criterion:independent-delivery"].blocking
    assert not by_key["kpi:uptime"].blocking and by_key["kpi:uptime"].expectation == "99.9%"
    assert by_key["kpi:uptime"].weight == 3.0  # all KPIs together weigh as much as one promotion criterion
    assert (TO_ENGINEER.target_level, TO_ENGINEER.target_role_version) == (ExperienceLevel.MID, 3)


def test_a_target_without_blueprint_is_judged_on_the_current_roles_graded_behaviours_at_the_next_level():
    criteria = derive_criteria(
        associate(), 1, target_role_id="ml-engineer", target_title="ML Engineer", target=None, target_version=None
    )
    by_key = {c.key: c for c in criteria.criteria}
    assert criteria.target_level is ExperienceLevel.MID  # one above 'Associate'
    assert set(by_key) == {
        "promotion_criterion:independent-delivery",
        "promotion_criterion:evaluation-maturity",
        "behaviour:runbooks",
        "kpi:uptime",
    }
    runbooks = by_key["behaviour:runbooks"]
    assert runbooks.expectation == "Adapts runbook steps to variations"
    assert runbooks.kind is CriterionKind.BEHAVIOUR and not runbooks.blocking


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Applied AI Engineer (Mid-level)", ExperienceLevel.MID),
        ("Senior AI/ML Support Specialist (L3)", ExperienceLevel.SENIOR),
        ("Junior AI Engineer", ExperienceLevel.ENTRY),
        ("Associate Applied AI Engineer", ExperienceLevel.ENTRY),
        ("Machine Learning Specialist", None),
    ],
)
def test_levels_are_read_from_level_labels_and_titles(text, level):
    assert level_named_in(text) is level


# --- met / partial / missing, confidence ------------------------------------------------------


def test_without_evidence_every_criterion_is_missing_and_the_person_not_ready():
    result = readiness(folded())
    assert {r.status for r in result.criteria} == {CriterionStatus.MISSING}
    assert (result.score, result.band) == (0.0, ReadinessBand.NOT_READY)
    assert [g.criterion.key for g in result.gaps(2)] == [
        "competency:python",  # weight 3, blocking; ties go by kind, then id
        "promotion_criterion:evaluation-maturity",
    ]


def test_one_source_stays_partial_however_much_it_says_and_an_independent_one_meets_the_criterion():
    key = "promotion_criterion:independent-delivery"
    one = folded(item("e1", promotion=["independent-delivery"]))
    assert (judged(readiness(one), key).status, judged(readiness(one), key).confidence) == (CriterionStatus.PARTIAL, 0.5)

    same_source = folded(*(item(f"e{n}", promotion=["independent-delivery"]) for n in range(20)))
    saturated = judged(readiness(same_source), key)
    assert saturated.status is CriterionStatus.PARTIAL
    assert saturated.confidence == round(1 - 2**-POLICY.source_cap, 4)  # the cap, not 20 items' worth

    corroborated = folded(
        item("e1", promotion=["independent-delivery"]),
        item("e2", promotion=["independent-delivery"], kind=EvidenceKind.INCIDENT_POSTMORTEM, system="jira"),
    )
    met = judged(readiness(corroborated), key)
    assert (met.status, met.credit, met.sources, met.confidence) == (CriterionStatus.MET, 1.0, 2, 0.75)


def test_weak_evidence_is_partial_with_proportional_credit():
    weak = folded(
        item("e1", promotion=["independent-delivery"], strength=0.35),
        item("e2", promotion=["independent-delivery"], strength=0.35, system="jira"),
    )
    result = judged(readiness(weak), "promotion_criterion:independent-delivery")
    assert (result.status, result.attainment) == (CriterionStatus.PARTIAL, 0.35)
    assert result.credit == 0.5  # half of the attainment bar, the confidence bar reached


def test_self_reported_and_suggested_evidence_counts_for_less():
    verified = judged(readiness(folded(item("e1", promotion=["independent-delivery"]))), "promotion_criterion:independent-delivery")
    unverified = judged(
        readiness(
            folded(
                item(
                    "e1",
                    promotion=["independent-delivery"],
                    verification=Verification.SELF_REPORTED,
                    mapping=MappingStatus.SUGGESTED,
                )
            )
        ),
        "promotion_criterion:independent-delivery",
    )
    assert unverified.confidence == round(1 - 2**-0.2, 4) < verified.confidence


def test_evidence_decays_by_half_per_half_life_measured_from_the_evaluation_time():
    portfolio = folded(item("e1", promotion=["independent-delivery"]))
    fresh = judged(readiness(portfolio), "promotion_criterion:independent-delivery")
    later = judged(readiness(portfolio, days=180), "promotion_criterion:independent-delivery")
    much_later = judged(readiness(portfolio, days=360), "promotion_criterion:independent-delivery")
    assert (fresh.confidence, later.confidence, much_later.confidence) == (0.5, round(1 - 2**-0.5, 4), round(1 - 2**-0.25, 4))
    assert fresh.attainment == later.attainment == 0.9  # decay lowers trust, not what was shown


def test_recent_evidence_outweighs_old_evidence():
    portfolio = folded(
        item("old", promotion=["independent-delivery"], strength=0.2, days=0),
        item("new", promotion=["independent-delivery"], strength=1.0, days=360),
    )
    # Weights 1/4 and 1 at day 360: (0.25*0.2 + 1.0) / 1.25
    assert judged(readiness(portfolio, days=360), "promotion_criterion:independent-delivery").attainment == 0.84


def test_a_manager_and_the_person_vouching_for_the_same_kind_of_work_are_independent_sources():
    both = folded(
        item("e1", promotion=["independent-delivery"]),
        item("e2", promotion=["independent-delivery"], verification=Verification.SELF_REPORTED),
    )
    assert judged(readiness(both), "promotion_criterion:independent-delivery").sources == 2


def test_evidence_mirroring_an_assessment_is_on_record_but_not_counted_twice():
    mirrored = item("m1", competencies=["python"], kind=EvidenceKind.ASSESSMENT_RESULT)
    mirrored = mirrored.model_copy(update={"source": mirrored.source.model_copy(update={"origin": SourceOrigin.DERIVED})})
    python = judged(readiness(folded(mirrored)), "competency:python")
    assert (python.status, python.items) == (CriterionStatus.MISSING, 1)


def test_ratings_count_against_the_required_level():
    below = folded(ratings=[rating("python", ExperienceLevel.ENTRY)])
    at = folded(ratings=[rating("python", ExperienceLevel.MID)])
    above = folded(ratings=[rating("python", ExperienceLevel.SENIOR)])
    assert judged(readiness(below), "competency:python").attainment == 0.5  # Entry is half of Mid
    assert judged(readiness(at), "competency:python").attainment == 1.0
    assert judged(readiness(above), "competency:python").attainment == 1.0
    manager_and_peer = folded(
        ratings=[rating("python", ExperienceLevel.MID), rating("python", ExperienceLevel.MID, assessor="peer-1", role="peer")]
    )
    assert judged(readiness(manager_and_peer), "competency:python").status is CriterionStatus.MET


def test_an_interview_panels_mean_rating_counts_for_the_competency_of_the_same_id():
    loop = InterviewLoopOutcome(
        kind="interview_loop",
        completion=LoopCompletion.ALL_SUBMITTED,
        interviewer_ids=["i-1", "i-2"],
        dimensions=[
            DimensionAggregate(dimension_id="python", mean=4.0, spread=0.0, count=2),
            DimensionAggregate(dimension_id="system-design", mean=2.0, spread=0.0, count=2),
        ],
        recommendations=RecommendationTally(strong_no=0, no=0, yes=2, strong_yes=0),
        decision=DecisionSignal(signal=HiringSignal.HIRE, rule="all yes"),
    )
    portfolio = Portfolio(PERSON, POLICY.half_life)
    for contribution in interview_contributions("loop-1", loop, completed_at=T0, weighting=WEIGHTING):
        portfolio.add(contribution)
    python = judged(readiness(portfolio), "competency:python")
    assert (python.attainment, python.confidence, python.sources) == (0.75, 0.5, 1)


def test_kpi_measurements_count_as_met_or_not_met_and_unjudgeable_ones_carry_no_signal():
    def uptime(outcome):
        measured = folded(item("k1", kpis=["uptime"], judgement=outcome, kind=EvidenceKind.KPI_MEASUREMENT))
        return judged(readiness(measured), "kpi:uptime")

    assert uptime(KpiOutcome.MET).attainment == 1.0
    assert uptime(KpiOutcome.NOT_MET).attainment == 0.0
    assert uptime(KpiOutcome.NOT_MET).status is CriterionStatus.PARTIAL
    unjudgeable = uptime(KpiOutcome.NOT_JUDGEABLE)
    assert (unjudgeable.status, unjudgeable.items) == (CriterionStatus.MISSING, 1)


# --- score, bands, publication ------------------------------------------------------------


def everything_met_but(*missing: str) -> Portfolio:
    def corroborated(target_kind: str, target_id: str, n: int):
        targets = {"promotion": [], "competencies": [], "kpis": []} | {target_kind: [target_id]}
        extra = {"judgement": KpiOutcome.MET, "kind": EvidenceKind.KPI_MEASUREMENT} if target_kind == "kpis" else {}
        return [
            item(f"{target_id}-a", **targets, **extra),
            item(f"{target_id}-b", **targets, **(extra | {"system": "jira"})),
        ]

    items = []
    for target_kind, target_id in [
        ("promotion", "independent-delivery"),
        ("promotion", "evaluation-maturity"),
        ("competencies", "python"),
        ("competencies", "communication"),
        ("kpis", "uptime"),
    ]:
        if target_id not in missing:
            items += corroborated(target_kind, target_id, 2)
    return folded(*items)


def test_everything_met_is_ready():
    result = readiness(everything_met_but())
    assert (result.score, result.band, result.capped_by) == (1.0, ReadinessBand.READY, ())
    assert result.gaps() == []


def test_bands_follow_the_thresholds_and_a_missing_blocking_criterion_holds_back_ready():
    lenient = Thresholds(developing_from=0.2, ready_from=0.5)
    without_delivery = readiness(everything_met_but("independent-delivery"), thresholds=lenient)
    assert without_delivery.score == 0.7857  # 11 of 14 weight
    assert without_delivery.band is ReadinessBand.DEVELOPING
    assert without_delivery.capped_by == ("promotion_criterion:independent-delivery",)

    without_communication = readiness(everything_met_but("communication"), thresholds=lenient)
    assert (without_communication.band, without_communication.capped_by) == (ReadinessBand.READY, ())
    assert readiness(everything_met_but("communication")).band is ReadinessBand.READY  # 12/14 >= 0.8
    assert readiness(everything_met_but("communication", "uptime")).band is ReadinessBand.DEVELOPING  # 9/14


@pytest.mark.parametrize(
    ("developing", "ready", "field"),
    [(0.0, 0.8, "developing_from"), (0.5, 1.2, "ready_from"), (0.6, 0.6, "ready_from")],
)
def test_thresholds_are_refused_naming_the_field(developing, ready, field):
    with pytest.raises(InvalidThresholds, match=f"^{field}:"):
        Thresholds(developing, ready)


def test_news_is_a_first_evaluation_a_new_band_or_a_move_of_at_least_the_step():
    result = readiness(everything_met_but("communication"))  # 0.8571, ready
    assert result.score == 0.8571
    assert is_news(None, result, 0.05)
    assert is_news(Published(ReadinessBand.DEVELOPING, 0.85), result, 0.05)
    assert not is_news(Published(ReadinessBand.READY, 0.82), result, 0.05)
    assert is_news(Published(ReadinessBand.READY, 0.8071), result, 0.05)  # exactly the step
    assert is_news(Published(ReadinessBand.READY, 0.91), result, 0.05)  # downwards too


# --- incrementality and determinism ---------------------------------------------------------


def random_items(seed: int, count: int):
    rng = random.Random(seed)
    targets = [("promotion", "independent-delivery"), ("promotion", "evaluation-maturity"), ("competencies", "python")]
    return [
        item(
            f"e{n}",
            **{kind: [target]},
            strength=round(rng.uniform(0.2, 1.0), 2),
            system=rng.choice(["github", "jira", "workday"]),
            verification=rng.choice(list(Verification)),
            days=rng.uniform(0, 400),
        )
        for n, (kind, target) in enumerate(rng.choice(targets) for _ in range(count))
    ]


def test_the_order_events_arrive_in_does_not_change_readiness():
    items = random_items(7, 60)
    baseline = readiness(folded(*items), days=400)
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        again = readiness(folded(*shuffled), days=400)
        assert history_key(again) == history_key(baseline)
        assert [(r.attainment, r.confidence, r.credit) for r in again.criteria] == [
            (r.attainment, r.confidence, r.credit) for r in baseline.criteria
        ]


def test_taking_items_out_gives_what_never_having_them_gives():
    items = random_items(11, 40)
    kept, withdrawn = items[:25], items[25:]
    portfolio = folded(*items)
    for evidence in withdrawn:
        for contribution in evidence_contributions(evidence, seen_at=evidence.occurred_at, weighting=WEIGHTING):
            portfolio.remove(contribution)
    assert [(r.status, r.attainment, r.confidence) for r in readiness(portfolio, days=400).criteria] == [
        (r.status, r.attainment, r.confidence) for r in readiness(folded(*kept), days=400).criteria
    ]

    for evidence in kept:
        for contribution in evidence_contributions(evidence, seen_at=evidence.occurred_at, weighting=WEIGHTING):
            portfolio.remove(contribution)
    assert all(s.weight == s.value == 0.0 and s.anchor is None for s in portfolio.signals.values())


def test_evidence_dated_after_it_was_seen_counts_from_when_it_was_seen():
    future = item("f1", promotion=["independent-delivery"], days=30)
    (contribution,) = evidence_contributions(future, seen_at=T0, weighting=WEIGHTING)
    assert contribution.occurred_at == T0
