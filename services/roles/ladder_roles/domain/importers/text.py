"""Text clean-up shared by every shape: entities decoded, whitespace normalised, labels and time ranges split off."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)
_WHITESPACE = re.compile(r"\s+")
# 'Metric: MTTR', 'Use in role: ...': a short label (no sentence punctuation) before the first colon.
_LABELLED = re.compile(r"^(?P<label>[^\W\d_][\w &/'’()+-]{0,48}?)\s*:\s*(?P<value>.*)$", re.DOTALL)
_SENTENCE_END = (".", "!", "?", "…")
_QUOTE_LENGTH = 80
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])")
_TRAILING_PARENTHETICAL = re.compile(r"^(?P<head>.*?)\s*\((?P<inner>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*$", re.DOTALL)
# '12-18 months', '2–3 years from this role', '5+ years': a duration, as career paths write them.
_DURATION = r"\d+(?:\s*[-–—]\s*\d+)?\+?\s*(?:years?|yrs?|months?)\b"
_TIME_SUFFIX = re.compile(
    rf"^(?P<title>.*?)\s*(?:\((?P<paren>[^()]*{_DURATION}[^()]*)\)|[-–—,:]\s*(?P<tail>{_DURATION}.*))\s*$",
    re.IGNORECASE,
)


def clean_text(text: str) -> str:
    """One line of document text: HTML entities decoded, invisible characters dropped, whitespace collapsed.

    Entities are decoded here too (not only by the HTML parser) because CMS exports often escape twice.
    """
    return _WHITESPACE.sub(" ", html.unescape(text).translate(_INVISIBLE)).strip()


def split_label(text: str) -> tuple[str | None, str]:
    """``'Use in role: glue code'`` -> ``('Use in role', 'glue code')``; text without a label -> ``(None, text)``."""
    match = _LABELLED.match(text)
    if match is None:
        return None, text
    return match["label"].strip(), match["value"].strip()


def label_key(label: str) -> str:
    """A label compared case- and spacing-insensitively: ``'Quick Win'`` and ``'quickwin'`` are one key."""
    return re.sub(r"[^a-z0-9]+", "", label.casefold())


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def without_trailing_colon(text: str) -> str:
    return text.rstrip().removesuffix(":").rstrip()


def sentences(paragraph: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_BREAK.split(paragraph) if part.strip()]


def trailing_parenthetical(text: str) -> tuple[str, str | None]:
    """``'AI/ML Support Specialist (Mid-Level)'`` -> ``('AI/ML Support Specialist', 'Mid-Level')``."""
    match = _TRAILING_PARENTHETICAL.match(text)
    if match is None or not match["head"]:
        return text, None
    return match["head"], match["inner"].strip()


def unwrap_parentheses(text: str) -> str:
    """``'(ranking systems focus)'`` -> ``'ranking systems focus'``; other text is returned as is."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for character in text[1:-1]:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth < 0:  # '(a) and (b)': the outer parentheses do not enclose the whole text
            return text
    return text[1:-1].strip() if depth == 0 else text


def split_time_range(title: str) -> tuple[str, str | None]:
    """A role title with a time range written into it, split: ``'Senior Analyst (12-18 months)'``."""
    match = _TIME_SUFFIX.match(title)
    if match is None or not match["title"]:
        return title, None
    return match["title"], (match["paren"] or match["tail"]).strip()


def join_paragraphs(paragraphs: Iterable[str]) -> str | None:
    """Paragraphs as one text, one per line; ``None`` when there are none."""
    text = "\n".join(paragraph for paragraph in paragraphs if paragraph)
    return text or None


def quote(text: str) -> str:
    """Document text as a report quotes it: shortened to a recognisable start."""
    return repr(text if len(text) <= _QUOTE_LENGTH else text[: _QUOTE_LENGTH - 1] + "…")
