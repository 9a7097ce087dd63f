"""Plain-text role profiles.

The profile is a list of titled sections whose content is mostly records of labelled lines, e.g.::

    Performance Metrics
    Quantitative Metrics
    - Metric: Mean Time to Resolution (MTTR)
    - Desc: The average time it takes ...
    - Target: Under 4 hours for P3 tickets ...
    - Freq: Weekly, reviewed monthly.

A record starts at its lead label ('Metric', 'Skill', 'Tool', 'Type', 'Path'...); bullets without a label
of the record continue its last field (the 'Responsibilities' of a level are a list written that way).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ladder_contracts.common import SourceShape
from ladder_contracts.role import RolePart

from ladder_roles.domain.importers.draft import RoleDraft
from ladder_roles.domain.importers.errors import BlueprintRejected
from ladder_roles.domain.importers.plain_text import TextLine, TextSection, read_document, report_structure
from ladder_roles.domain.importers.report import Findings
from ladder_roles.domain.importers.sections import SectionRule, matching_rule, read_sections, section_rule
from ladder_roles.domain.importers.text import join_paragraphs, quote, split_label, trailing_parenthetical
from ladder_roles.domain.importers.vocabulary import experience_level_of, family_of

SHAPE = SourceShape.ROLE_PROFILE_TEXT
_MIN_KNOWN_SECTIONS = 3
# 'The AI/ML Support Specialist is here to ...': how a profile's summary names its role.
_SUMMARY_SUBJECT = re.compile(
    r"^(?:The|An?)\s+(?P<title>[^,.;:]{3,80}?)\s+"
    r"(?:is|are|will|ensures|helps|designs|builds|owns|leads|works|sits|makes|keeps|supports)\b"
)


@dataclass
class _Record:
    """One record: its labelled fields, each a list of values (a field's continuation bullets included)."""

    kind: _RecordKind
    section: str
    labels: dict[str, str] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.text(self.kind.lead) or ""

    def add(self, line: TextLine) -> None:
        self.labels.setdefault(line.key, line.label)
        self.fields.setdefault(line.key, []).append(line.value)

    def continue_last_field(self, text: str) -> None:
        self.fields[next(reversed(self.fields))].append(text)

    def values(self, key: str) -> list[str]:
        return [value for value in self.fields.get(key, []) if value]

    def text(self, *keys: str) -> str | None:
        """The values of ``keys`` as one text (a field may be given under several labels, e.g. 'Desc')."""
        return " ".join(value for key in keys for value in self.values(key)) or None


RecordBuilder = Callable[[_Record, RoleDraft], None]


@dataclass(frozen=True)
class _RecordKind:
    lead: str
    """The label that starts a record, compared as a key ('metric')."""
    fields: frozenset[str]
    """The other labels the builder reads into the role."""
    not_modeled: frozenset[str]
    """Labels recognised as part of the record that have no place in the role model."""
    build: RecordBuilder

    def owns(self, key: str) -> bool:
        return key in self.fields or key in self.not_modeled


def _record_kind(lead: str, fields: str, build: RecordBuilder, not_modeled: str = "") -> _RecordKind:
    return _RecordKind(lead, frozenset(fields.split()), frozenset(not_modeled.split()), build)


# --- what each record becomes ------------------------------------------------------


def _responsibilities(record: _Record, draft: RoleDraft) -> None:
    """'Level: AI/ML Support Specialist (Mid-Level)' names the role the profile describes, and its level."""
    level_label = record.name
    title, level = trailing_parenthetical(level_label)
    if draft.title is None:
        draft.title, draft.level = title, level
    for responsibility in record.values("responsibilities"):
        draft.add_item(RolePart.RESPONSIBILITIES, responsibility, category=level_label, text=responsibility)


def _kpi(record: _Record, draft: RoleDraft) -> None:
    draft.add_item(
        RolePart.KPIS,
        record.name,
        name=record.name,
        category=record.section,
        measures=record.text("desc", "description"),
        why_it_matters=record.text("why"),
        target=record.text("target"),
        frequency=record.text("freq", "frequency"),
        # Qualitative metrics give 'Evidence' of meeting them instead of a worked example.
        example=record.text("example", "evidence"),
    )


def _competency(record: _Record, draft: RoleDraft) -> None:
    level = record.text("level")
    draft.add_item(
        RolePart.COMPETENCIES,
        record.name,
        name=record.name,
        category=record.section,
        expected_level=experience_level_of(level) if level else None,
        expected_level_label=level,
        description=record.text("desc", "description"),
        usage=record.text("usage"),
        why_it_matters=record.text("why", "benefit"),
        shows_up_as=record.text("manifestation"),
    )


def _competency_group(record: _Record, draft: RoleDraft) -> None:
    """'Category: Communication & Collaboration' then 'Skills: Active Listening: Genuinely hearing ...'."""
    for entry in record.values("skills"):
        name, description = split_label(entry)
        draft.add_item(
            RolePart.COMPETENCIES,
            name or entry,
            name=name or entry,
            category=record.name,
            description=description if name else None,
        )


def _tool(record: _Record, draft: RoleDraft) -> None:
    draft.add_item(
        RolePart.TOOLS,
        record.name,
        name=record.name,
        proficiency=record.text("level"),
        usage=record.text("usage", "benefit", "desc", "description"),
    )


def _decision_right(record: _Record, draft: RoleDraft) -> None:
    """'Type: Escalation to Engineering Team' graded by 'Entry:', 'Mid:' and 'Senior:' lines."""
    behaviours = [
        {"level": experience_level_of(grade), "behaviour": behaviour}
        for grade in _GRADES
        if (behaviour := record.text(grade))
    ]
    draft.add_item(RolePart.DECISION_RIGHTS, record.name, decision=record.name, behaviours=behaviours)


def _role_ref(part: RolePart) -> RecordBuilder:
    def build(record: _Record, draft: RoleDraft) -> None:
        draft.add_role_ref(part, record.name, time_range=record.text("time"))

    return build


_GRADES = ("entry", "mid", "senior")
_TOOL = _record_kind("tool", "level usage benefit desc description", _tool)
_LEVEL = _record_kind("level", "responsibilities", _responsibilities, not_modeled="supervision decision success")
_METRIC = _record_kind("metric", "desc description why target freq frequency example evidence", _kpi)
_DECISION = _record_kind("type", " ".join(_GRADES), _decision_right)
_SKILL = _record_kind("skill", "desc description level why", _competency, not_modeled="concepts prepare quickwin")
_COMPETENCY_KINDS = (
    _SKILL,
    _record_kind("category", "skills", _competency_group),
    _record_kind("trait", "manifestation benefit desc description", _competency),
    _record_kind("area", "desc description usage", _competency),
    _record_kind("reg", "usage desc description", _competency),
)


def _role_refs(part: RolePart) -> Callable[[TextSection, RoleDraft], None]:
    """A reader for career moves: 'Path:', 'Pathway:' or 'Title:' records with a 'Time:'."""
    return _records(*(_record_kind(lead, "time", _role_ref(part)) for lead in ("path", "pathway", "title", "role")))


# --- reading sections of records -----------------------------------------------------


def _records(*kinds: _RecordKind) -> Callable[[TextSection, RoleDraft], None]:
    """A reader for a section of records of ``kinds``.

    Tool records are read in every such section: the profile's block of AI tools ('ID:', 'Tool:',
    'Benefit:') has no heading of its own and so follows whichever section precedes it.
    """
    by_lead = {kind.lead: kind for kind in (*kinds, _TOOL)}

    def read(section: TextSection, draft: RoleDraft) -> None:
        records, leftovers = _split_records(section, by_lead)
        for record in records:
            if record.name:
                record.kind.build(record, draft)
                _report_not_modeled_fields(record, draft.findings)
            else:
                label = record.labels[record.kind.lead]
                draft.findings.warn(f"{section.heading}: a record with an empty '{label}:' was not imported")
        _report_leftovers(section, leftovers, draft.findings)

    return read


def _split_records(section: TextSection, by_lead: dict[str, _RecordKind]) -> tuple[list[_Record], list[TextLine]]:
    records: list[_Record] = []
    leftovers: list[TextLine] = []
    for line in section.lines:
        current = records[-1] if records else None
        if line.key in by_lead:
            records.append(_Record(by_lead[line.key], section.heading))
            records[-1].add(line)
        elif current is not None and current.kind.owns(line.key):
            current.add(line)
        elif current is not None and line.bulleted:
            current.continue_last_field(line.text)
        elif not line.label or line.value:  # an empty label such as 'ID:' carries nothing
            leftovers.append(line)
    return records, leftovers


def _report_not_modeled_fields(record: _Record, findings: Findings) -> None:
    labels = [record.labels[key] for key in record.fields if key in record.kind.not_modeled]
    if labels:
        findings.not_modeled(f"{record.section}: {', '.join(labels)}")


def _report_leftovers(section: TextSection, leftovers: list[TextLine], findings: Findings) -> None:
    for line in leftovers:
        if line.bulleted or line.label:
            findings.warn(f"{section.heading}: line not understood, not imported: {quote(line.text)}")
        else:
            findings.not_modeled(f"{section.heading} (free text)")


def _summary(section: TextSection, draft: RoleDraft) -> None:
    draft.summary = join_paragraphs(line.text for line in section.lines)
    draft.family = family_of(draft.summary)


_RULES: tuple[SectionRule[TextSection], ...] = (
    # Known sections whose headings would otherwise match the broader keywords below.
    section_rule("closing notes", r"closing note|pathway context|delivers|phase"),
    section_rule("role summary", r"^(?:role )?summary$", _summary),
    section_rule("responsibilities", r"responsibilit", _records(_LEVEL)),
    section_rule("KPIs", r"\bmetrics?\b|\bkpis?\b", _records(_METRIC)),
    section_rule("decision rights", r"\bdecision", _records(_DECISION)),
    section_rule("tools", r"\btools?\b", _records()),
    section_rule("feeder roles", r"entry paths?|into this role|feeder", _role_refs(RolePart.CAREER_FEEDERS)),
    section_rule("next roles", r"from this role|next roles?", _role_refs(RolePart.CAREER_NEXT_ROLES)),
    section_rule("adjacent roles", r"long term|potential roles|adjacent", _role_refs(RolePart.CAREER_ADJACENT_ROLES)),
    section_rule("competencies", r"competenc|\bskills?\b|\btraits?\b|knowledge|regulat", _records(*_COMPETENCY_KINDS)),
    section_rule(
        "profile context",
        r"purpose|reporting|stakeholder|impact|motivat|frustration|offer|adhd|dyslexia|autism|neurodivers|sensory"
        r"|flexib|prerequisite|qualification|education|experience|certification|activities|mobility|career",
    ),
)


_MODELED_SECTION_NAMES = frozenset(rule.name for rule in _RULES if rule.read is not None)


def _is_known_heading(text: str) -> bool:
    return matching_rule(text, _RULES) is not None


def recognises(text: str) -> bool:
    """A role profile has several of the profile's section headings (KPIs, competencies, tools...)."""
    document = read_document(text, _is_known_heading)
    rules = (matching_rule(section.heading, _RULES) for section in document.sections)
    return len({rule.name for rule in rules if rule and rule.name in _MODELED_SECTION_NAMES}) >= _MIN_KNOWN_SECTIONS


def parse(text: str, findings: Findings) -> RoleDraft:
    document = read_document(text, _is_known_heading)
    draft = RoleDraft(findings)
    report_structure(document, findings)
    read_sections(document.sections, _RULES, draft, shape="role profile")
    if draft.title is None and draft.summary:
        subject = _SUMMARY_SUBJECT.match(draft.summary)
        draft.title = subject["title"] if subject else None
    if draft.title is None:
        raise BlueprintRejected.without_title(
            SHAPE, "a '- Level: <title> (<level>)' record or a summary naming the role"
        )
    return draft
