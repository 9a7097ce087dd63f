"""Plain-text documents read as lines grouped under headings (the role profile and the skill guide)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ladder_roles.domain.importers.report import Findings
from ladder_roles.domain.importers.text import clean_text, label_key, split_label, without_trailing_colon

_BULLET = re.compile(r"^[-•*–—·]\s+")
_MAX_HEADING_WORDS = 10
_MAX_HEADING_LENGTH = 80
_NOT_HEADING_ENDINGS = (".", "!", "?", ",", ";", ":", "…")


@dataclass(frozen=True)
class TextLine:
    text: str
    """The line as written, without its bullet marker."""
    bulleted: bool
    label: str
    """'Metric' in 'Metric: Mean Time to Resolution'; empty when the line has none."""
    value: str
    """What follows the label, or the whole text when there is none."""

    @property
    def key(self) -> str:
        """The label compared case- and spacing-insensitively."""
        return label_key(self.label)


@dataclass
class TextSection:
    heading: str
    lines: list[TextLine] = field(default_factory=list)

    def has_content(self) -> bool:
        return bool(self.lines)


@dataclass
class TextDocument:
    preamble: list[TextLine]
    """Lines before the first heading."""
    sections: list[TextSection]


def read_document(text: str, is_known_heading: Callable[[str], bool]) -> TextDocument:
    """Group the document's non-blank lines under the headings before them.

    A heading is a line the shape knows as one (even written with a trailing colon), or a short
    line that reads like a title: no bullet, no label, no sentence punctuation at its end.
    """
    preamble: list[TextLine] = []
    sections: list[TextSection] = []
    for raw in text.splitlines():
        line = _read_line(raw)
        if line is None:
            continue
        if _is_heading(line, is_known_heading):
            sections.append(TextSection(without_trailing_colon(line.text)))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return TextDocument(preamble, sections)


def report_structure(document: TextDocument, findings: Findings) -> None:
    """List the document's headings in the report, and warn about text before the first one."""
    if document.preamble:
        findings.warn(f"{len(document.preamble)} line(s) before the first heading were not imported")
    for section in document.sections:
        findings.found(section.heading)


def _read_line(raw: str) -> TextLine | None:
    text = clean_text(raw)
    if not text:
        return None
    bullet = _BULLET.match(text)
    if bullet:
        text = text[bullet.end() :]
    label, value = split_label(text)
    return TextLine(text=text, bulleted=bullet is not None, label=label or "", value=value)


def _is_heading(line: TextLine, is_known_heading: Callable[[str], bool]) -> bool:
    text = without_trailing_colon(line.text)
    if not text or line.bulleted or (line.label and line.value) or text.endswith(_NOT_HEADING_ENDINGS):
        return False
    if is_known_heading(text):
        return True
    return (
        not line.label
        and text[0].isalnum()
        and len(text) <= _MAX_HEADING_LENGTH
        and len(text.split()) <= _MAX_HEADING_WORDS
    )
