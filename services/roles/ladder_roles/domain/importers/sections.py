"""Recognising a document's sections by their headings, whoever wrote them.

Headings are compared case-insensitively, without numbering ('7)', '3.', 'Section 2:'), with '&' read
as 'and' and punctuation and spacing collapsed, and matched by keywords rather than exact wording, so
that 'KPIs and Productivity Metrics' and '4. Key performance metrics' are both the KPI section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from ladder_roles.domain.importers.draft import RoleDraft


class Section(Protocol):
    @property
    def heading(self) -> str: ...

    def has_content(self) -> bool: ...


SectionT = TypeVar("SectionT", bound=Section)
SectionReader = Callable[[SectionT, RoleDraft], None]

_NUMBERING = re.compile(r"^\s*(?:section\s+)?\d+(?:\.\d+)*\s*[).:-]?\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class SectionRule(Generic[SectionT]):
    """A kind of section: what it holds, how its heading reads, and how its content is read."""

    name: str
    pattern: re.Pattern[str]
    read: SectionReader[SectionT] | None
    """``None`` for a section that is known but has no place in the role model."""


def section_rule(name: str, keywords: str, read: SectionReader[SectionT] | None = None) -> SectionRule[SectionT]:
    """A rule for headings in which the regular expression ``keywords`` occurs (see :func:`heading_key`)."""
    return SectionRule(name, re.compile(keywords), read)


def heading_key(heading: str) -> str:
    """``'7) KPIs & Productivity-Metrics:'`` -> ``'kpis and productivity metrics'``."""
    words = without_numbering(heading).casefold().replace("&", " and ")
    return _NON_WORD.sub(" ", words).strip()


def without_numbering(heading: str) -> str:
    """``'9) Soft Skills and Behavioral Capabilities'`` -> ``'Soft Skills and Behavioral Capabilities'``."""
    return _NUMBERING.sub("", heading)


def matching_rule(heading: str, rules: Sequence[SectionRule[SectionT]]) -> SectionRule[SectionT] | None:
    """The first rule the heading matches, or ``None`` for a heading the shape does not know."""
    key = heading_key(heading)
    return next((rule for rule in rules if rule.pattern.search(key)), None)


def read_sections(
    sections: Sequence[SectionT],
    rules: Sequence[SectionRule[SectionT]],
    draft: RoleDraft,
    *,
    shape: str,
    parent: str | None = None,
) -> None:
    """Read each section with its rule; report known sections without a place in the model, unknown ones, and
    the sections feeding the model that the document lacks."""
    findings = draft.findings
    matched: set[str] = set()
    for section in sections:
        heading = f"{parent} › {section.heading}" if parent else section.heading
        rule = matching_rule(section.heading, rules)
        if rule is None:
            if section.has_content():
                findings.warn(f"section {heading!r} is not a known {shape} section; its content was not imported")
        elif rule.read is None:
            if section.has_content():
                findings.not_modeled(heading)
        else:
            matched.add(rule.name)
            rule.read(section, draft)
    for rule in rules:
        if rule.read is not None and rule.name not in matched:
            findings.absent(f"{parent} › {rule.name}" if parent else rule.name)
