"""Plain-text skill guides: one skill's definition, interview scenarios, tool notes and answer strategies.

The guide reads::

    AI Service Level Optimization Specialist        <- the role, then a line describing it
    An AI Service Level Optimization Specialist ensures ...
    Skill Guide
    The systematic process of identifying ...       <- the skill's definition
    Scenario
    An e-commerce platform's 'Recommended for You' ...
    Scenario
    ...                                             <- after the last scenario: one tool note per paragraph
    Answer Strategy
    The candidate must demonstrate ...              <- answer strategies, in the order of the scenarios

A guide does not say which strategy answers which scenario; they are paired in document order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ladder_contracts.common import SourceShape
from ladder_contracts.role import RolePart

from ladder_roles.domain.importers.draft import RoleDraft
from ladder_roles.domain.importers.errors import BlueprintRejected
from ladder_roles.domain.importers.plain_text import TextSection, read_document, report_structure
from ladder_roles.domain.importers.report import Findings
from ladder_roles.domain.importers.sections import SectionRule, matching_rule, read_sections, section_rule
from ladder_roles.domain.importers.text import join_paragraphs, quote, sentences

SHAPE = SourceShape.SKILL_GUIDE_TEXT
_HEADINGS = {
    "skill guide": r"^skill guide$",
    "scenarios": r"^scenarios?(?: \d+)?$",
    "answer strategies": r"^answer strateg(?:y|ies)(?: \d+)?$",
}
_KNOWN_SECTIONS: tuple[SectionRule[TextSection], ...] = tuple(
    section_rule(name, pattern) for name, pattern in _HEADINGS.items()
)
# A tool note's sentence that names its tool: 'PagerDuty for alert orchestration.', 'Use 5 Whys during ...'.
_TOOL_SENTENCE = re.compile(r"^(?:Use\s+)?(?!Use\b)(?P<name>[A-Z0-9][\w&/().+' -]{0,50}?)\s+(?:for|to|during)\s")


@dataclass
class _Guide:
    """What the guide's sections hold, gathered before scenarios and answer strategies can be paired."""

    skill_heading: str | None = None
    definition: str | None = None
    scenarios: list[str] = field(default_factory=list)
    tool_notes: list[str] = field(default_factory=list)
    answer_strategies: list[str] = field(default_factory=list)

    def rules(self) -> tuple[SectionRule[TextSection], ...]:
        readers = {
            "skill guide": self._read_definition,
            "scenarios": self._read_scenario,
            "answer strategies": self._read_answer_strategy,
        }
        return tuple(section_rule(name, pattern, readers[name]) for name, pattern in _HEADINGS.items())

    def _read_definition(self, section: TextSection, draft: RoleDraft) -> None:
        self.skill_heading = section.heading
        self.definition = join_paragraphs(line.text for line in section.lines)

    def _read_scenario(self, section: TextSection, draft: RoleDraft) -> None:
        """The first paragraph is the scenario; paragraphs after it are the guide's tool notes."""
        if section.lines:
            self.scenarios.append(section.lines[0].text)
            self.tool_notes.extend(line.text for line in section.lines[1:])

    def _read_answer_strategy(self, section: TextSection, draft: RoleDraft) -> None:
        if strategy := join_paragraphs(line.text for line in section.lines):
            self.answer_strategies.append(strategy)


def _is_known_heading(text: str) -> bool:
    return matching_rule(text, _KNOWN_SECTIONS) is not None


def recognises(text: str) -> bool:
    """A skill guide has a 'Skill Guide' heading and scenarios or answer strategies."""
    rules = (
        matching_rule(section.heading, _KNOWN_SECTIONS) for section in read_document(text, _is_known_heading).sections
    )
    names = {rule.name for rule in rules if rule is not None}
    return "skill guide" in names and bool(names & {"scenarios", "answer strategies"})


def parse(text: str, findings: Findings) -> RoleDraft:
    document = read_document(text, _is_known_heading)
    draft = RoleDraft(findings)
    report_structure(document, findings)
    sections = document.sections
    if not sections or _is_known_heading(sections[0].heading):
        raise BlueprintRejected.without_title(SHAPE, "a first line naming the role, before 'Skill Guide'")
    _read_role(sections[0], draft)
    guide = _Guide()
    read_sections(sections[1:], guide.rules(), draft, shape="skill guide")
    _add_skill(guide, draft)
    _add_scenarios(guide, draft)
    for note in guide.tool_notes:
        _add_tools(note, draft)
    return draft


def _read_role(section: TextSection, draft: RoleDraft) -> None:
    """The guide opens with the role's title and a line describing the role."""
    draft.title = section.heading
    draft.summary = join_paragraphs(line.text for line in section.lines)
    if draft.summary and draft.summary.endswith("…"):
        draft.findings.warn("the role description ends with '…' and looks truncated; it was imported as written")


def _add_skill(guide: _Guide, draft: RoleDraft) -> None:
    if guide.definition is None or guide.skill_heading is None:
        return
    # The guide defines its skill without naming it, so the competency is named after the section.
    draft.add_item(RolePart.COMPETENCIES, guide.skill_heading, name=guide.skill_heading, description=guide.definition)
    draft.findings.warn(f"the skill guide does not name its skill; the competency is named {guide.skill_heading!r}")


def _add_scenarios(guide: _Guide, draft: RoleDraft) -> None:
    scenarios, strategies = guide.scenarios, guide.answer_strategies
    for number, prompt in enumerate(scenarios, start=1):
        strategy = strategies[number - 1] if number <= len(strategies) else None
        draft.add_item(RolePart.SCENARIOS, prompt, prompt=prompt, answer_strategy=strategy)
    if len(scenarios) != len(strategies):
        counts = f"{len(scenarios)} scenario(s) but {len(strategies)} answer strategy(ies)"
        draft.findings.warn(f"{counts}: they were paired in document order")
    for strategy in strategies[len(scenarios) :]:
        draft.findings.warn(f"answer strategy without a scenario, not imported: {quote(strategy)}")


def _add_tools(note: str, draft: RoleDraft) -> None:
    """Each sentence naming a tool starts a tool; sentences after it describe the same tool."""
    tools: list[tuple[str, list[str]]] = []
    unnamed: list[str] = []
    for sentence in sentences(note):
        if match := _TOOL_SENTENCE.match(sentence):
            tools.append((match["name"], [sentence]))
        elif tools:
            tools[-1][1].append(sentence)
        else:
            unnamed.append(sentence)
    if unnamed:
        draft.findings.warn(f"tool note names no tool, not imported: {quote(' '.join(unnamed))}")
    for name, usage in tools:
        draft.add_item(RolePart.TOOLS, name, name=name, usage=" ".join(usage))
