"""The normalized role: one model for every blueprint shape Ladder imports.

Designed from the three source shapes (plain-text role profile, skill guide, CMS
post with HTML): every part is optional except identity and source, because no
shape carries all of them. Text is kept as the document words it (HTML entities
decoded); ``*_label`` fields keep the original wording next to a normalized enum
so that nothing is lost in normalization.

Every item inside a role has a slug ``id`` that is stable across versions of the
role (derived from the item's name with :func:`slugify`), so assessments, evidence
and readiness can reference competencies, KPIs and criteria by id.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from operator import attrgetter
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from ladder_contracts.common import (
    ExperienceLevel,
    Importance,
    Name,
    Slug,
    SourceShape,
    Text,
    unique_by,
)
from ladder_contracts.envelope import Contract

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


def slugify(text: str) -> str:
    """The stable id of a name: ASCII-folded, lowercase, hyphen-separated.

    ``"Mean Time to Resolution (MTTR)"`` -> ``"mean-time-to-resolution-mttr"``.
    Every service derives ids with this one rule, so a role named only in another
    role's career path gets the same id as its own blueprint once imported.
    """
    # Dashes separate words ("90–120 min" -> "90-120-min"); ASCII folding alone would drop them.
    dashed = text.translate(_DASHES)
    folded = unicodedata.normalize("NFKD", dashed).encode("ascii", "ignore").decode()
    slug = _NON_ALNUM.sub("-", folded.lower()).strip("-")[:128].rstrip("-")
    if not slug:
        raise ValueError(f"{text!r} has no letters or digits to make an id from")
    return slug


def _ids_unique(what: str) -> AfterValidator:
    return unique_by(attrgetter("id"), f"{what} id")


SubPoints = Annotated[list[Text], Field(description="Nested list items under this one, in document order")]


class LevelBehaviour(Contract):
    """What the role looks like at one experience level."""

    level: ExperienceLevel = Field(description="The level this behaviour describes")
    behaviour: Text = Field(description="Observable behaviour expected at that level, as written")


GradedBehaviours = Annotated[
    list[LevelBehaviour],
    unique_by(attrgetter("level"), "level"),
    Field(description="Level-graded behaviours (Entry/Mid/Senior) where the blueprint gives them"),
]


class RoleRef(Contract):
    """A role named in a career path; it may or may not have a blueprint of its own."""

    role_id: Slug = Field(description="Id of the named role: slugify(title)")
    title: Name = Field(description="Title as the career path names it")
    time_range: Name | None = Field(
        default=None, description="Typical time to or from this role as written, e.g. '2-3 years from this role'"
    )
    note: Text | None = Field(default=None, description="What the move involves, as written")


class Responsibility(Contract):
    id: Slug = Field(description="Stable id within the role")
    category: Name = Field(description="Heading the responsibility is listed under, e.g. 'Technical responsibilities'")
    text: Text = Field(description="The responsibility as written")
    sub_points: SubPoints = Field(default=[])


class Competency(Contract):
    """A skill, knowledge area or behavioural capability the role requires."""

    id: Slug = Field(description="Stable id within the role; what evidence and ratings reference")
    name: Name = Field(description="Name of the competency")
    category: Name | None = Field(
        default=None, description="Grouping given by the blueprint, e.g. 'Must-have technical skills', 'Soft skills'"
    )
    importance: Importance | None = Field(
        default=None, description="Normalized importance; null when the blueprint does not grade it"
    )
    importance_label: Name | None = Field(
        default=None, description="Importance as written, e.g. 'Optional to Important (product-dependent)'"
    )
    expected_level: ExperienceLevel | None = Field(
        default=None, description="Level expected in this role, normalized onto Entry/Mid/Senior"
    )
    expected_level_label: Name | None = Field(
        default=None, description="Expected level as written, e.g. 'Intermediate'"
    )
    description: Text | None = Field(default=None, description="What the competency is")
    usage: Text | None = Field(default=None, description="How the role uses it ('Use in role')")
    why_it_matters: Text | None = Field(default=None, description="Why it matters for the role")
    shows_up_as: Text | None = Field(default=None, description="How it shows up in day-to-day work")
    strong_performance: Text | None = Field(default=None, description="What strong performance looks like")
    behaviours: GradedBehaviours = Field(default=[])


class Kpi(Contract):
    """A performance metric of the role."""

    id: Slug = Field(description="Stable id within the role; what KPI evidence references")
    name: Name = Field(description="Metric name")
    category: Name | None = Field(
        default=None, description="Grouping given by the blueprint, e.g. 'Quantitative', 'Output', 'Reliability'"
    )
    measures: Text | None = Field(default=None, description="What it measures")
    why_it_matters: Text | None = Field(default=None, description="Why it matters")
    target: Text | None = Field(
        default=None, description="Target or benchmark as written, e.g. 'Meet SLA (e.g., p95 < 100ms)'"
    )
    frequency: Name | None = Field(default=None, description="How often it is measured, as written")
    example: Text | None = Field(default=None, description="Worked example given by the blueprint")


class ScorecardDimension(Contract):
    """One dimension of the interview rubric; interviewers rate it 1-5."""

    id: Slug = Field(description="Stable id within the role; what scorecards rate")
    name: Name = Field(description="Dimension name")
    meets: Text | None = Field(default=None, description="Anchor: what 'Meets' looks like")
    exceeds_or_strong: Text | None = Field(default=None, description="Anchor: what 'Exceeds' or 'Strong' looks like")
    concerns: Text | None = Field(default=None, description="Anchor: common concerns")


class InterviewExercise(Contract):
    id: Slug = Field(description="Stable id within the role")
    title: Name = Field(description="Exercise title, e.g. 'Case study (90 minutes)'")
    description: Text | None = Field(default=None, description="The exercise prompt or task")
    expectations: list[Text] = Field(default=[], description="What the candidate is expected to cover or produce")


class Scenario(Contract):
    """An interview scenario and, where given, what a strong answer contains."""

    id: Slug = Field(description="Stable id within the role")
    prompt: Text = Field(description="The scenario as put to the candidate")
    answer_strategy: Text | None = Field(default=None, description="What a strong answer contains")


class Tool(Contract):
    id: Slug = Field(description="Stable id within the role")
    name: Name = Field(description="Tool, platform or software")
    category: Name | None = Field(default=None, description="Grouping, e.g. 'AI/ML frameworks'")
    usage: Text | None = Field(default=None, description="What the role uses it for")
    proficiency: Name | None = Field(default=None, description="Expected proficiency as written, e.g. 'Intermediate'")
    adoption: Name | None = Field(default=None, description="How common it is, e.g. 'Common', 'Context-specific'")


class DecisionRight(Contract):
    """A decision the role takes part in, with who decides and how that grows with level."""

    id: Slug = Field(description="Stable id within the role")
    decision: Text = Field(description="The decision or decision area")
    authority: Name | None = Field(
        default=None, description="Authority heading, e.g. 'Decisions requiring team approval'"
    )
    behaviours: GradedBehaviours = Field(default=[])


class PromotionCriterion(Contract):
    """One of the role's 'skills needed for promotion'; readiness is judged against these."""

    id: Slug = Field(description="Stable id within the role; what evidence and readiness gaps reference")
    text: Text = Field(description="The criterion as written")
    sub_points: SubPoints = Field(default=[])


class CareerPath(Contract):
    feeders: Annotated[list[RoleRef], unique_by(attrgetter("role_id"), "feeder role id")] = Field(
        default=[], description="Roles people commonly come from"
    )
    next_roles: Annotated[list[RoleRef], unique_by(attrgetter("role_id"), "next role id")] = Field(
        default=[], description="Likely next roles, in document order; the first is the default promotion target"
    )
    adjacent_roles: Annotated[list[RoleRef], unique_by(attrgetter("role_id"), "adjacent role id")] = Field(
        default=[], description="Adjacent roles and longer-term moves"
    )
    promotion_label: Name | None = Field(
        default=None, description="Where the promotion criteria lead as written, e.g. 'Associate → Mid-level'"
    )


class RoleSource(Contract):
    file_name: Name = Field(description="File name of the imported document")
    shape: SourceShape = Field(description="Blueprint shape, detected from the content")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="SHA-256 of the document bytes, lowercase hex; equal hashes mean an unchanged document"
    )


class Role(Contract):
    """A role blueprint, normalized."""

    id: Slug = Field(description="Stable role id: slugify(title)")
    title: Name = Field(description="Role title")
    level: Name | None = Field(default=None, description="Seniority as the blueprint states it, e.g. 'Mid-Level'")
    family: Name | None = Field(default=None, description="Job family or department, e.g. 'AI/ML'")
    summary: Text | None = Field(default=None, description="Role summary")
    mission: Text | None = Field(default=None, description="Role mission")
    responsibilities: Annotated[list[Responsibility], _ids_unique("responsibility")] = Field(
        default=[], description="Responsibilities, each with its category, in document order"
    )
    competencies: Annotated[list[Competency], _ids_unique("competency")] = Field(
        default=[], description="Technical and behavioural competencies"
    )
    kpis: Annotated[list[Kpi], _ids_unique("KPI")] = Field(default=[], description="Performance metrics")
    scorecard_dimensions: Annotated[list[ScorecardDimension], _ids_unique("scorecard dimension")] = Field(
        default=[], description="Interview rubric dimensions with their anchors"
    )
    interview_exercises: Annotated[list[InterviewExercise], _ids_unique("interview exercise")] = Field(
        default=[], description="Recommended interview exercises and case studies"
    )
    scenarios: Annotated[list[Scenario], _ids_unique("scenario")] = Field(
        default=[], description="Interview scenarios with answer strategies"
    )
    tools: Annotated[list[Tool], _ids_unique("tool")] = Field(default=[], description="Tools and platforms")
    decision_rights: Annotated[list[DecisionRight], _ids_unique("decision right")] = Field(
        default=[], description="Decision rights and scope of authority"
    )
    career_path: CareerPath = Field(default_factory=CareerPath, description="Feeder, next and adjacent roles")
    promotion_criteria: Annotated[list[PromotionCriterion], _ids_unique("promotion criterion")] = Field(
        default=[], description="Skills needed for promotion out of this role"
    )
    source: RoleSource = Field(description="The document this version was imported from")


# --- what changed between two versions of a role ----------------------------------


class RolePart(StrEnum):
    """A part of :class:`Role` that a change summary reports on."""

    PROFILE = "profile"
    """Scalar identity fields; changed keys are field names (title, level, family, summary, mission)."""
    RESPONSIBILITIES = "responsibilities"
    COMPETENCIES = "competencies"
    KPIS = "kpis"
    SCORECARD_DIMENSIONS = "scorecard_dimensions"
    INTERVIEW_EXERCISES = "interview_exercises"
    SCENARIOS = "scenarios"
    TOOLS = "tools"
    DECISION_RIGHTS = "decision_rights"
    CAREER_FEEDERS = "career_feeders"
    CAREER_NEXT_ROLES = "career_next_roles"
    CAREER_ADJACENT_ROLES = "career_adjacent_roles"
    PROMOTION_CRITERIA = "promotion_criteria"
    SOURCE = "source"
    """Changed keys are field names of :class:`RoleSource`."""


ChangeKey = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]

ChangeKeys = Annotated[list[ChangeKey], unique_by(lambda key: key, "key")]


class PartChange(Contract):
    """How one part of a role differs from the previous version, by item id."""

    part: RolePart = Field(description="The part of the role")
    added: ChangeKeys = Field(default=[], description="Ids of items new in this version")
    removed: ChangeKeys = Field(default=[], description="Ids of items no longer in this version")
    changed: ChangeKeys = Field(
        default=[], description="Ids of items whose content changed (field names for profile and source)"
    )
