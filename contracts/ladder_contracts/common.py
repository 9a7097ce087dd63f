"""The shared vocabulary of Ladder's contracts: value types and enumerations.

Every enum and constrained type that more than one contract (or more than one
service) uses lives here, so a value means the same thing (and has one JSON Schema
definition) everywhere. Enums only one event needs live next to that event.
Enumerations are ``StrEnum`` so they travel as their plain string values and
appear as named ``$defs`` in the generated schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

# --- identifiers -----------------------------------------------------------------

Slug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
]
"""A lowercase, hyphenated, stable identifier derived from a name, e.g. ``ml-fundamentals``.

Role ids and the ids of the items inside a role (competencies, KPIs, criteria...)
are slugs, so other services can reference them across role versions.
"""

RoleVersion = Annotated[int, Field(ge=1, description="Version number of a role; 1 is its first import")]

EventId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
"""A CloudEvents ``id`` as another event refers to it."""

CeType = Annotated[str, StringConstraints(max_length=128, pattern=r"^[a-z0-9.-]+\.v[0-9]+$")]
"""A CloudEvents ``type`` with its major version, e.g. ``ladder.evidence.captured.v1``."""

SystemName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$"),
]
"""The name of a system (an HRIS, an ATS, a Ladder service), never of a person."""

# --- text ------------------------------------------------------------------------

Name = Annotated[str, StringConstraints(min_length=1, max_length=300)]
"""A short label: a title, a skill name, a dimension name."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
"""Descriptive prose copied from a role blueprint (never text about a person)."""

ShortNote = Annotated[str, StringConstraints(min_length=1, max_length=500)]
"""A brief machine- or reviewer-facing explanation, e.g. why a KPI target cannot be judged."""

HttpUrl = Annotated[
    str,
    StringConstraints(max_length=2048, pattern=r"^https?://[^\s]+$"),
    Field(json_schema_extra={"format": "uri"}),
]
"""An absolute http(s) URL, kept as the exact string the producer sent."""

# --- numbers ---------------------------------------------------------------------

UnitInterval = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction in [0, 1]: a score, a strength, a confidence."""

Count = Annotated[int, Field(ge=0)]

InterviewRating = Annotated[int, Field(ge=1, le=5)]
"""One interviewer's rating of one scorecard dimension on the 1-5 rubric."""


# --- enumerations ----------------------------------------------------------------


class ExperienceLevel(StrEnum):
    """The levels a role grades behaviours by, and the scale competencies are rated on."""

    ENTRY = "Entry"
    MID = "Mid"
    SENIOR = "Senior"


class Importance(StrEnum):
    """How much a competency matters for the role, as the blueprint grades it."""

    CRITICAL = "Critical"
    IMPORTANT = "Important"
    OPTIONAL = "Optional"


class SourceShape(StrEnum):
    """Which of the known blueprint shapes a role was imported from."""

    ROLE_PROFILE_TEXT = "role-profile-text"
    SKILL_GUIDE_TEXT = "skill-guide-text"
    CMS_POST_JSON = "cms-post-json"


class Recommendation(StrEnum):
    """An interviewer's overall recommendation, on a four-point scale with no neutral."""

    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class ReadinessBand(StrEnum):
    NOT_READY = "not_ready"
    DEVELOPING = "developing"
    READY = "ready"


class CriterionStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"


class CriterionKind(StrEnum):
    """What a readiness criterion is drawn from."""

    PROMOTION_CRITERION = "promotion_criterion"
    COMPETENCY = "competency"
    BEHAVIOUR = "behaviour"
    KPI = "kpi"


# --- validation helpers ----------------------------------------------------------


def require_unique(values: Iterable[Any], what: str) -> None:
    """Raise ``ValueError`` naming the first value that occurs twice."""
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


def unique_by(key: Callable[[Any], Any], what: str) -> AfterValidator:
    """Annotate a list field whose items must not repeat ``key``: ``Annotated[list[X], unique_by(...)]``."""

    def check(items: list[Any]) -> list[Any]:
        require_unique((key(item) for item in items), what)
        return items

    return AfterValidator(check)
