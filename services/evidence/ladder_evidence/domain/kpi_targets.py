"""Reading a KPI's target as written in a blueprint, and judging a measurement against it.

Blueprints state targets in prose: ``"Meet SLA (e.g., p95 < 100ms)"``,
``">95–98% successful scheduled runs"``, ``"Roughly 25+ tickets per week"``.
:func:`read_target` turns such a text into a :class:`NumericTarget` when it can
be read as a number, and otherwise into an :class:`UnreadableTarget` saying
why, so a measurement is never judged against a guess.

How a target is read:

* Comparators ``<``, ``<=``, ``>``, ``>=`` (also ``≤``/``≥`` and the words
  "under", "above", "at least", "at most", ...); ``25+`` means ``>= 25``;
  "zero" means ``<= 0``.
* A range ``95–98`` (en dash, em dash or hyphen). After a comparator it is a
  *band*: the threshold lies somewhere in it (``> 95–98%``), so a value that
  passes the strict end is met, one that fails the lenient end is not met, and
  one in between cannot be judged. A bare range (``1–4 per month``) must
  contain the value.
* A bare single number is a minimum to reach (``1 release/quarter``,
  ``100% for production models``).
* Units: %, ms, s, minutes, hours, days (convertible among each other),
  business days, and rating scales (``4/5``). A statistic prefix (``p95``,
  median, average) says what the measurement must be.
* Not judgeable: no number, a placeholder (``<X%``), a change relative to a
  baseline (lift, reduce, vs baseline, ...), an alert condition rather than a
  goal, or several thresholds for different cases.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from ladder_contracts.events.evidence import KpiJudgement, KpiOutcome
from ladder_contracts.role import Kpi

from ladder_evidence.domain.errors import IncomparableUnit


class Comparator(StrEnum):
    LESS = "<"
    AT_MOST = "<="
    GREATER = ">"
    AT_LEAST = ">="
    WITHIN = "within"
    """A bare range: the value must lie in [low, high]."""


SECONDS_PER_UNIT = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
"""Time units a measurement can be converted between."""

_UNIT_ALIASES = {
    "%": "%",
    "percent": "%",
    "ms": "ms",
    "msec": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "business day": "business days",
    "business days": "business days",
}

# Longest first, so "business days" wins over "days" and "ms" over "s".
_UNIT_PATTERN = "|".join(re.escape(alias) for alias in sorted(_UNIT_ALIASES, key=len, reverse=True))

_NUMBER = r"\d+(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"""
    (?P<comparator><=|>=|<|>)?\s*
    (?<![\w.\-/])(?P<low>{_NUMBER})          # not part of a word or code: p95, Sev-1, 1k, A/B
    (?:\s*-\s*(?P<high>{_NUMBER}))?
    (?P<plus>\+)?
    (?:\s*(?P<unit>{_UNIT_PATTERN}))?
    (?:\s*/\s*(?P<scale>{_NUMBER}))?
    (?![\w])
    """,
    re.IGNORECASE | re.VERBOSE,
)

_COMPARATOR_WORDS = [
    (re.compile(r"\b(?:under|below|less than|fewer than|lower than)\b", re.IGNORECASE), "<"),
    (re.compile(r"\b(?:above|over|more than|greater than|higher than)\b", re.IGNORECASE), ">"),
    (re.compile(r"\b(?:at least|no less than|no fewer than|minimum of)\b", re.IGNORECASE), ">="),
    (re.compile(r"\b(?:at most|up to|no more than|maximum of)\b", re.IGNORECASE), "<="),
    (re.compile(r"\bzero\b", re.IGNORECASE), "<= 0"),
]
_SYMBOLS = {"≤": "<=", "≥": ">=", "–": "-", "—": "-", "−": "-", "\u00a0": " "}

_PLACEHOLDER = re.compile(r"(?:[<>]=?\s*[XYN]\b)|(?:(?<![A-Za-z])[XYN]\s*%)")
_RELATIVE = re.compile(
    r"\b(?:baseline|relative|lift|reduce[ds]?|reduction|improve[ds]?|increase[ds]?|decrease[ds]?"
    r"|delta|trending|qoq|yoy|vs\.?)\b",
    re.IGNORECASE,
)
_ALERT_CONDITION = re.compile(r"\balert(?:s|ing)?\s+(?:when|if)\b", re.IGNORECASE)
_PERCENTILE = re.compile(r"\bp(\d{2}(?:\.\d+)?)\b", re.IGNORECASE)
_MEDIAN = re.compile(r"\bmedian\b", re.IGNORECASE)
_MEAN = re.compile(r"\b(?:average|mean)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: KpiOutcome
    explanation: str


@dataclass(frozen=True, slots=True)
class NumericTarget:
    """A target that can be compared with a number, in ``unit``."""

    comparator: Comparator
    low: float
    high: float
    """Equal to ``low`` unless the target is a range or a band."""
    unit: str | None = None
    """Canonical unit: %, ms, s, min, h, d, 'business days', '/5' for a rating scale; None for a count."""
    statistic: str | None = None
    """What the measurement must be, when the target says: 'p95', 'median', 'mean'."""

    @property
    def is_band(self) -> bool:
        return self.comparator is not Comparator.WITHIN and self.low != self.high

    def describe(self) -> str:
        amount = _format(self.low) if self.low == self.high else f"{_format(self.low)}–{_format(self.high)}"
        prefix = f"{self.statistic} " if self.statistic else ""
        comparator = "" if self.comparator is Comparator.WITHIN else f"{self.comparator.value} "
        return f"{prefix}{comparator}{_with_unit(amount, self.unit)}"

    def judge(self, value: float) -> Verdict:
        """Whether ``value`` (in this target's unit) meets it; a band may leave it open."""
        shown = _with_unit(_format(value), self.unit)
        if self.comparator is Comparator.WITHIN:
            met = self.low <= value <= self.high
            return _verdict(met, f"{shown} is {'within' if met else 'outside'} {self.describe()}")
        if not self.is_band:
            met = _compare(value, self.comparator, self.low)
            return _verdict(met, f"{shown} {'meets' if met else 'does not meet'} {self.describe()}")
        # A band: "> 95–98%" means the threshold is somewhere from 95 to 98.
        raising = self.comparator in (Comparator.GREATER, Comparator.AT_LEAST)
        lenient, strict = (self.low, self.high) if raising else (self.high, self.low)
        if _compare(value, self.comparator, strict):
            return Verdict(KpiOutcome.MET, f"{shown} meets even the strict end of {self.describe()}")
        if not _compare(value, self.comparator, lenient):
            return Verdict(KpiOutcome.NOT_MET, f"{shown} misses even the lenient end of {self.describe()}")
        return Verdict(
            KpiOutcome.NOT_JUDGEABLE,
            f"{shown} lies inside the target's band {self.describe()}: met at its lenient end, not at its strict end",
        )


@dataclass(frozen=True, slots=True)
class UnreadableTarget:
    """A target that cannot be read as a number; ``reason`` says why."""

    reason: str


def read_target(text: str | None) -> NumericTarget | UnreadableTarget:
    """Read a KPI target as written; see the module docstring for the rules."""
    if text is None or not text.strip():
        return UnreadableTarget("the KPI has no target")
    normalized = text
    for symbol, replacement in _SYMBOLS.items():
        normalized = normalized.replace(symbol, replacement)
    if _PLACEHOLDER.search(normalized):
        return UnreadableTarget("the target's threshold is a placeholder, not a number")
    for pattern, comparator in _COMPARATOR_WORDS:
        normalized = pattern.sub(comparator, normalized)
    quantities = list(_QUANTITY.finditer(normalized))
    if not quantities:
        return UnreadableTarget("the target has no number to compare with")
    if _RELATIVE.search(normalized):
        return UnreadableTarget("the target is a change relative to a baseline, which a single measurement does not carry")
    if _ALERT_CONDITION.search(normalized):
        return UnreadableTarget("the target describes when to raise an alert, not a level to reach")

    thresholds = [q for q in quantities if q["comparator"] or q["plus"]]
    if len(thresholds) > 1:
        listed = ", ".join(q.group(0).strip() for q in thresholds)
        return UnreadableTarget(f"the target sets several thresholds ({listed}) for different cases")
    if not thresholds and len(quantities) > 1:
        listed = ", ".join(q.group(0).strip() for q in quantities)
        return UnreadableTarget(f"the target has several numbers ({listed}) and no comparator to tell which one counts")
    quantity = thresholds[0] if thresholds else quantities[0]

    low = float(quantity["low"])
    high = float(quantity["high"]) if quantity["high"] else low
    if high < low:
        return UnreadableTarget(f"the target's range {quantity.group(0).strip()} runs backwards")
    if quantity["comparator"]:
        comparator = Comparator(quantity["comparator"])
    elif quantity["plus"]:
        comparator = Comparator.AT_LEAST
    else:
        comparator = Comparator.WITHIN if high != low else Comparator.AT_LEAST
    unit = _UNIT_ALIASES[quantity["unit"].lower()] if quantity["unit"] else None
    if quantity["scale"]:
        if unit is not None:
            return UnreadableTarget(f"the target {quantity.group(0).strip()} has both a unit and a scale")
        unit = f"/{_format(float(quantity['scale']))}"
    return NumericTarget(comparator, low, high, unit, _statistic(normalized))


def convert(value: float, unit: str, to_unit: str | None, *, field: str) -> float:
    """``value`` in ``unit`` expressed in ``to_unit``; raises :class:`IncomparableUnit` across dimensions."""
    canonical = _UNIT_ALIASES.get(unit.lower().strip(), unit.strip())
    if canonical == to_unit:
        return value
    if canonical in SECONDS_PER_UNIT and to_unit in SECONDS_PER_UNIT:
        return value * SECONDS_PER_UNIT[canonical] / SECONDS_PER_UNIT[to_unit]
    raise IncomparableUnit(field, unit, to_unit)


def judge_measurement(kpi: Kpi, value: float, unit: str | None = None, *, field: str = "measurement.unit") -> KpiJudgement:
    """A measurement of ``kpi`` judged against its target; ``unit`` defaults to the target's own."""
    if not math.isfinite(value):
        raise ValueError(f"a measured value must be a finite number, got {value}")
    target = read_target(kpi.target)
    if isinstance(target, UnreadableTarget):
        return KpiJudgement(
            kpi_id=kpi.id,
            outcome=KpiOutcome.NOT_JUDGEABLE,
            measured_value=value,
            reason=f"{target.reason}: {_quote(kpi.target)}"[:500],
        )
    measured = convert(value, unit, target.unit, field=field) if unit else value
    verdict = target.judge(measured)
    return KpiJudgement(
        kpi_id=kpi.id,
        outcome=verdict.outcome,
        measured_value=measured,
        reason=verdict.explanation[:500] if verdict.outcome is KpiOutcome.NOT_JUDGEABLE else None,
    )


def _statistic(text: str) -> str | None:
    if match := _PERCENTILE.search(text):
        return f"p{match.group(1)}"
    if _MEDIAN.search(text):
        return "median"
    if _MEAN.search(text):
        return "mean"
    return None


def _compare(value: float, comparator: Comparator, threshold: float) -> bool:
    match comparator:
        case Comparator.LESS:
            return value < threshold
        case Comparator.AT_MOST:
            return value <= threshold
        case Comparator.GREATER:
            return value > threshold
        case Comparator.AT_LEAST:
            return value >= threshold
    raise ValueError(f"{comparator} is not a threshold comparator")


def _verdict(met: bool, explanation: str) -> Verdict:
    return Verdict(KpiOutcome.MET if met else KpiOutcome.NOT_MET, explanation)


def _format(number: float) -> str:
    return f"{number:g}"


def _with_unit(amount: str, unit: str | None) -> str:
    if unit is None:
        return amount
    return f"{amount}{unit}" if unit.startswith(("%", "/")) else f"{amount} {unit}"


def _quote(text: str | None) -> str:
    if text is None:
        return "(none)"
    return repr(text if len(text) <= 160 else text[:157] + "...")
