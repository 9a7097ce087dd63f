"""Mapping help: which competencies and promotion criteria of a role an item's text speaks to.

A transparent lexical similarity, so a reviewer can see why something was
suggested: TF-IDF vectors over the role's own competencies and promotion
criteria (each one a document), cosine similarity with the item's text, and
the shared terms that contributed most. No model, no training, deterministic.
Suggestions are only ever proposals: the item keeps ``mapping = suggested``
until a person confirms.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ladder_contracts.events.evidence import EvidenceTargets
from ladder_contracts.role import Role

MIN_SCORE = 0.12
"""Below this cosine similarity a candidate is shown as a suggestion but not mapped by default."""
MAX_MAPPED = 3
"""At most this many suggestions become the item's (unconfirmed) targets."""
MAX_SUGGESTIONS = 5
MATCHED_TERMS_SHOWN = 5
NAME_WEIGHT = 2
"""A candidate's name counts this many times in its document: it is the most specific text it has."""

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    """
    a about above after again all also an and any are as at be been before being between both but by can could did
    do does doing done during each etc few for from further had has have having he her here hers him his how i if in
    into is it its itself just may me might more most must my no nor not of off on once only or other our ours out
    over own per same she should so some such than that the their theirs them then there these they this those
    through to too under until up very via was we were what when where which while who whom why will with within
    without would you your yours e g eg ie using use used work works worked make makes made new well across
    """.split()
)


class TargetKind(StrEnum):
    COMPETENCY = "competency"
    KPI = "kpi"
    PROMOTION_CRITERION = "promotion_criterion"


@dataclass(frozen=True, slots=True)
class Candidate:
    """Something of the role an item can be evidence for, with the text that describes it."""

    kind: TargetKind
    target_id: str
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: TargetKind
    target_id: str
    score: float
    """Cosine similarity of TF-IDF vectors, 0 to 1."""
    matched_terms: tuple[str, ...]
    """The shared (stemmed) terms that contributed most, strongest first."""


def candidates_of(role: Role) -> list[Candidate]:
    """The role's competencies and promotion criteria, each with all the text the blueprint gives it."""
    candidates = []
    for competency in role.competencies:
        parts = [competency.name] * NAME_WEIGHT + [
            competency.description,
            competency.usage,
            competency.why_it_matters,
            competency.shows_up_as,
            competency.strong_performance,
            *(graded.behaviour for graded in competency.behaviours),
        ]
        candidates.append(Candidate(TargetKind.COMPETENCY, competency.id, competency.name, _join(parts)))
    for criterion in role.promotion_criteria:
        parts = [criterion.text] * NAME_WEIGHT + list(criterion.sub_points)
        candidates.append(Candidate(TargetKind.PROMOTION_CRITERION, criterion.id, criterion.text, _join(parts)))
    return candidates


def suggest_targets(text: str, candidates: Sequence[Candidate], *, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Candidates whose text shares weighted terms with ``text``, best first (ties by id)."""
    documents = [Counter(terms(candidate.text)) for candidate in candidates]
    idf = _inverse_document_frequencies(documents)
    unseen_idf = math.log(1 + len(documents)) + 1  # a query term no candidate has: as rare as can be
    query = _weigh(Counter(terms(text)), idf, unseen_idf)
    query_norm = _norm(query)
    if query_norm == 0:
        return []
    suggestions = []
    for candidate, document in zip(candidates, documents):
        vector = _weigh(document, idf, unseen_idf)
        contributions = {term: query[term] * vector[term] for term in query.keys() & vector.keys()}
        if not contributions:
            continue
        score = sum(contributions.values()) / (query_norm * _norm(vector))
        matched = sorted(contributions, key=lambda term: (-contributions[term], term))[:MATCHED_TERMS_SHOWN]
        suggestions.append(Suggestion(candidate.kind, candidate.target_id, round(min(score, 1.0), 4), tuple(matched)))
    suggestions.sort(key=lambda s: (-s.score, s.kind, s.target_id))
    return suggestions[:limit]


def mapped_by_default(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """The suggestions strong enough to become the item's unconfirmed targets."""
    return [s for s in suggestions if s.score >= MIN_SCORE][:MAX_MAPPED]


def terms(text: str) -> list[str]:
    """Lower-cased words without stop words, each reduced to a crude stem so plurals and tenses meet."""
    return [_stem(word) for word in _WORD.findall(text.lower()) if len(word) > 1 and word not in _STOPWORDS]


def _stem(word: str) -> str:
    """debugging, debugged -> debug; services -> service; dependencies -> dependency."""
    if word.isdigit() or len(word) <= 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # shipped -> ship, not shipp
            return stem
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _inverse_document_frequencies(documents: Sequence[Counter[str]]) -> dict[str, float]:
    frequency = Counter(term for document in documents for term in document)
    count = len(documents)
    # Smoothed IDF: a term in every candidate still counts a little, a rare one counts most.
    return {term: math.log((1 + count) / (1 + df)) + 1 for term, df in frequency.items()}


def _weigh(counts: Counter[str], idf: dict[str, float], unseen_idf: float) -> dict[str, float]:
    # Sublinear term frequency: a word repeated ten times is not ten times the evidence.
    return {term: (1 + math.log(tf)) * idf.get(term, unseen_idf) for term, tf in counts.items()}


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(weight * weight for weight in vector.values()))


def _join(parts: Iterable[str | None]) -> str:
    return " ".join(part for part in parts if part)


def targets_of(suggestions: Iterable[Suggestion]) -> EvidenceTargets:
    """The suggested ids as an item's targets."""
    ids: dict[TargetKind, list[str]] = {kind: [] for kind in TargetKind}
    for suggestion in suggestions:
        ids[suggestion.kind].append(suggestion.target_id)
    return EvidenceTargets(
        competency_ids=ids[TargetKind.COMPETENCY],
        kpi_ids=ids[TargetKind.KPI],
        promotion_criterion_ids=ids[TargetKind.PROMOTION_CRITERION],
    )
