"""The words blueprints use for importance, levels, seniority and departments, mapped onto the contracts' enums."""

from __future__ import annotations

import re

from ladder_contracts.common import ExperienceLevel, Importance

from ladder_roles.domain.importers.text import trailing_parenthetical

_IMPORTANCE = re.compile(r"\b(critical|important|optional)\b", re.IGNORECASE)
_LEVEL_WORDS: dict[str, ExperienceLevel] = {
    "entry": ExperienceLevel.ENTRY,
    "junior": ExperienceLevel.ENTRY,
    "beginner": ExperienceLevel.ENTRY,
    "basic": ExperienceLevel.ENTRY,
    "foundational": ExperienceLevel.ENTRY,
    "novice": ExperienceLevel.ENTRY,
    "mid": ExperienceLevel.MID,
    "intermediate": ExperienceLevel.MID,
    "proficient": ExperienceLevel.MID,
    "working": ExperienceLevel.MID,
    "senior": ExperienceLevel.SENIOR,
    "advanced": ExperienceLevel.SENIOR,
    "expert": ExperienceLevel.SENIOR,
}
_LEVEL = re.compile(rf"\b({'|'.join(_LEVEL_WORDS)})\b", re.IGNORECASE)
_DASHED_SUFFIX = re.compile(r"^(?P<name>.+)\s+[—–-]\s+(?P<suffix>[^—–]+)$")
_SENIOR_TITLE_WORD = re.compile(r"^(junior|associate|graduate|senior|staff|principal|lead)\b", re.IGNORECASE)
_SENIORITY_PHRASE = re.compile(r"\b((?:entry|junior|associate|mid|senior)[- ]level)\b", re.IGNORECASE)
_DEPARTMENT = re.compile(r"\b(?:in|within) (?:the|an?|our) (?P<family>[A-Z][\w&/+ -]{0,40}?) department\b")


def importance_of(label: str) -> Importance | None:
    """The first grade a label names: 'Optional to Important (product-dependent)' grades as Optional.

    The first grade is the baseline the blueprint sets; the full wording stays in ``importance_label``.
    """
    match = _IMPORTANCE.search(label)
    return Importance(match[1].capitalize()) if match else None


def experience_level_of(label: str) -> ExperienceLevel | None:
    """'Intermediate' -> Mid, 'Advanced' -> Senior...; the first level word of the label decides."""
    match = _LEVEL.search(label)
    return _LEVEL_WORDS[match[1].casefold()] if match else None


def split_importance(text: str) -> tuple[str, str | None]:
    """Text with its importance written after it, split: ``'Python for ML and data (Critical)'`` and
    ``'Python — Critical'`` give ``('Python ...', 'Critical')``; a suffix naming no importance stays."""
    dashed = _DASHED_SUFFIX.match(text)
    if dashed and importance_of(dashed["suffix"]):
        return dashed["name"], dashed["suffix"].strip()
    head, inner = trailing_parenthetical(text)
    if inner and importance_of(inner):
        return head, inner
    return text, None


def is_importance(text: str) -> bool:
    """Whether the text is an importance on its own: 'Critical', 'Optional (advanced)'."""
    return _IMPORTANCE.match(text) is not None


def seniority_in_title(title: str) -> str | None:
    """Seniority a title opens with: 'Junior AI Engineer' -> 'Junior'."""
    match = _SENIOR_TITLE_WORD.match(title)
    return match[1] if match else None


def seniority_in_text(text: str) -> str | None:
    """Seniority a description states: '... reflect a mid-level, individual-contributor scope' -> 'mid-level'."""
    match = _SENIORITY_PHRASE.search(text)
    return match[1] if match else None


def family_of(summary: str | None) -> str | None:
    """The department a summary places the role in: '... in the AI & ML department ...' -> 'AI & ML'."""
    match = _DEPARTMENT.search(summary or "")
    return match["family"] if match else None
