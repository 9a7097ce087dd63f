"""Reading KPI targets as the seed blueprints write them, and judging measurements against them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ladder_contracts.events.evidence import KpiOutcome
from ladder_contracts.role import Kpi

from ladder_evidence.domain.errors import IncomparableUnit
from ladder_evidence.domain.kpi_targets import (
    Comparator,
    NumericTarget,
    UnreadableTarget,
    judge_measurement,
    read_target,
)

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"

NO_NUMBER = "has no number"
RELATIVE = "relative to a baseline"

# Every KPI target text of the seed blueprints (000, 002, 003, 004; 001 has no KPIs), and how it reads:
# a NumericTarget's describe(), or a fragment of the reason it cannot be judged.
SEED_TARGETS: dict[str, str] = {
    # 000 AI/ML Support Specialist
    "Under 4 hours for P3 tickets, under 8 hours for P2 tickets.": "several thresholds (< 4 hours, < 8 hours)",
    "Above 70% for your assigned tickets.": "> 70%",
    "Roughly 25+ tickets per week, depending on complexity.": ">= 25",
    "At least 2 new or majorly updated articles per month.": ">= 2",
    # 002 Machine Learning Specialist
    "1 production release/quarter (varies by scope)": ">= 1",
    "Reduce by 20–30% over 6–12 months": RELATIVE,
    "+2–10% relative lift depending on metric": RELATIVE,
    "Statistically significant lift; e.g., +0.5–2% conversion": RELATIVE,
    "No regression beyond agreed thresholds": NO_NUMBER,
    "<X% drop from baseline before alerting": "placeholder",
    "Alert when PSI > 0.2 on key features": "when to raise an alert",
    "Zero Sev-1/Sev-2 from preventable causes": "<= 0",
    "<30–60 minutes for critical pipelines": "< 30–60 min",
    "<4 hours for high-severity model issues": "< 4 h",
    "Meet SLA (e.g., p95 < 100ms)": "p95 < 100 ms",
    "Improve 10–20% via optimization": RELATIVE,
    ">95–98% successful scheduled runs": "> 95–98%",
    ">90% reproducible runs for key releases": "> 90%",
    "100% for production models": ">= 100%",
    "Low rework; fewer escaped defects": NO_NUMBER,
    "≥4/5 internal NPS-style rating": ">= 4/5",
    "1 meaningful contribution/month": ">= 1",
    # 003 Associate Applied AI Engineer
    "1–4 per month depending on release cadence": "1–4",
    "Median < 7 days for scoped changes": "median < 7 d",
    "Median < 2 business days": "median < 2 business days",
    "> 85% accepted first pass": "> 85%",
    "> 80% of agreed slices covered": "> 80%",
    "Positive delta within agreed margin": NO_NUMBER,
    "Improvement aligned to experiment plan": NO_NUMBER,
    "< 0.5% (context-specific)": "< 0.5%",
    "P95 within SLO (e.g., < 200–500ms)": "p95 < 200–500 ms",
    "> 99% on-time": "> 99%",
    "Stable or reduced vs baseline": NO_NUMBER,
    "< 7 days (or faster for high-risk)": "< 7 d",
    "< 30% false positives": "< 30%",
    "< 15–30 minutes (service-dependent)": "< 15–30 min",
    "< 2–8 hours depending on severity": "< 2–8 h",
    "> 80%": "> 80%",
    "> 90% updated in last 6 months": "> 90%",
    "≥ 4.0/5 average": "mean >= 4/5",
    "Meets expectations consistently": NO_NUMBER,
    "1 meaningful reuse improvement/quarter": ">= 1",
    # 004 Junior AI Engineer
    "3–6 meaningful PRs/sprint (context-dependent)": "3–6",
    "80–90% completion for owned items": "80–90%",
    "< 5 business days for small experiments": "< 5 business days",
    "> 90% of runs logged": "> 90%",
    "100% on defined checklist for releases": ">= 100%",
    "0–1 Sev2+ per quarter from owned changes": "0–1",
    "Meet SLO (e.g., p95 < 200ms)": "p95 < 200 ms",
    "Within SLO (e.g., < 0.5%)": "< 0.5%",
    "> 98–99% successful runs": "> 98–99%",
    "> 99% within SLA": "> 99%",
    "> 95–99% (depending on strictness)": "> 95–99%",
    "Trending down QoQ; target set per product": NO_NUMBER,
    "Beat baseline by agreed delta": NO_NUMBER,
    "Positive lift in A/B test; no harm to guardrails": NO_NUMBER,
    "≥ 4/5 in quarterly survey": ">= 4/5",
    "100% of material changes documented": ">= 100%",
    "Demonstrated in simulations; pass checklist": NO_NUMBER,
    "70–90% of planned milestones achieved": "70–90%",
}


def kpi(target: str | None) -> Kpi:
    return Kpi(id="metric", name="Metric", target=target)


@pytest.mark.parametrize("text, expected", SEED_TARGETS.items(), ids=range(len(SEED_TARGETS)))
def test_every_seed_target_is_read_or_refused_with_its_reason(text, expected):
    reading = read_target(text)
    if isinstance(reading, NumericTarget):
        assert reading.describe() == expected
    else:
        assert expected in reading.reason


def test_every_kpi_target_of_the_imported_seeds_is_in_the_table():
    importers = pytest.importorskip("ladder_roles.domain.importers", reason="the roles importers are not there yet")
    if not hasattr(importers, "import_blueprint") or not SEEDS.is_dir():
        pytest.skip("no importer or no seeds")
    targets = {
        k.target
        for path in sorted(SEEDS.iterdir())
        for k in importers.import_blueprint(path.name, path.read_bytes()).role.kpis
        if k.target
    }
    assert targets, "the seeds have KPI targets"
    assert sorted(targets - SEED_TARGETS.keys()) == []


def test_comparators_ranges_units_and_statistics_are_parsed():
    assert read_target("p95 < 100ms") == NumericTarget(Comparator.LESS, 100, 100, "ms", "p95")
    assert read_target(">95–98%") == NumericTarget(Comparator.GREATER, 95, 98, "%")
    assert read_target("at most 2.5 s") == NumericTarget(Comparator.AT_MOST, 2.5, 2.5, "s")
    assert read_target("≤ 3 hours") == NumericTarget(Comparator.AT_MOST, 3, 3, "h")
    assert read_target("between 10-20 per week") == NumericTarget(Comparator.WITHIN, 10, 20)
    assert read_target("P99 >= 99.9 percent").statistic == "p99"


@pytest.mark.parametrize("text", [None, "", "   ", "TBD with the team", "<N% from the previous quarter"])
def test_targets_without_a_usable_number_are_unreadable_with_a_reason(text):
    reading = read_target(text)
    assert isinstance(reading, UnreadableTarget) and reading.reason


@pytest.mark.parametrize(
    "target, value, outcome",
    [
        ("Meet SLA (e.g., p95 < 100ms)", 80, KpiOutcome.MET),
        ("Meet SLA (e.g., p95 < 100ms)", 100, KpiOutcome.NOT_MET),
        ("Above 70% for your assigned tickets.", 70.5, KpiOutcome.MET),
        ("Above 70% for your assigned tickets.", 70, KpiOutcome.NOT_MET),
        ("Roughly 25+ tickets per week", 25, KpiOutcome.MET),
        ("1–4 per month depending on release cadence", 5, KpiOutcome.NOT_MET),
        ("1–4 per month depending on release cadence", 4, KpiOutcome.MET),
        ("Zero Sev-1/Sev-2 from preventable causes", 0, KpiOutcome.MET),
        ("Zero Sev-1/Sev-2 from preventable causes", 1, KpiOutcome.NOT_MET),
        # A band after a comparator: the strict end decides 'met', the lenient end 'not met'.
        (">95–98% successful scheduled runs", 98.5, KpiOutcome.MET),
        (">95–98% successful scheduled runs", 94, KpiOutcome.NOT_MET),
        (">95–98% successful scheduled runs", 96, KpiOutcome.NOT_JUDGEABLE),
        ("P95 within SLO (e.g., < 200–500ms)", 150, KpiOutcome.MET),
        ("P95 within SLO (e.g., < 200–500ms)", 500, KpiOutcome.NOT_MET),
        ("P95 within SLO (e.g., < 200–500ms)", 320, KpiOutcome.NOT_JUDGEABLE),
        ("≥ 4.0/5 average", 4.0, KpiOutcome.MET),
        ("Low rework; fewer escaped defects", 3, KpiOutcome.NOT_JUDGEABLE),
    ],
)
def test_measurements_are_judged_against_the_target(target, value, outcome):
    judgement = judge_measurement(kpi(target), value)
    assert judgement.outcome is outcome
    assert judgement.measured_value == value
    assert (judgement.reason is not None) == (outcome is KpiOutcome.NOT_JUDGEABLE)


def test_a_measurement_in_another_time_unit_is_converted_to_the_targets():
    judgement = judge_measurement(kpi("Meet SLA (e.g., p95 < 100ms)"), 0.09, "s")
    assert (judgement.outcome, judgement.measured_value) == (KpiOutcome.MET, pytest.approx(90))
    assert judge_measurement(kpi("<4 hours for high-severity model issues"), 300, "minutes").outcome is KpiOutcome.NOT_MET


def test_a_measurement_in_an_incomparable_unit_is_refused_naming_the_field():
    with pytest.raises(IncomparableUnit, match=r"^measurement.unit: 'ms' cannot be compared with the target's unit '%'"):
        judge_measurement(kpi("> 99% on-time"), 12, "ms")


def test_the_reason_names_the_target_it_could_not_read():
    judgement = judge_measurement(kpi("Stable or reduced vs baseline"), 3)
    assert judgement.reason == "the target has no number to compare with: 'Stable or reduced vs baseline'"
    assert judge_measurement(kpi(None), 3).reason.startswith("the KPI has no target")
