"""Mapping help: TF-IDF similarity of an item's text with a role's competencies and promotion criteria."""

from __future__ import annotations

import hashlib

from ladder_contracts.common import SourceShape
from ladder_contracts.role import Competency, PromotionCriterion, Role, RoleSource

from ladder_evidence.domain.suggestions import (
    MIN_SCORE,
    Candidate,
    TargetKind,
    candidates_of,
    mapped_by_default,
    suggest_targets,
    targets_of,
    terms,
)

ROLE = Role(
    id="junior-ai-engineer",
    title="Junior AI Engineer",
    competencies=[
        Competency(
            id="model-monitoring",
            name="Model monitoring",
            description="Dashboards and alerts for model quality, data drift and latency in production.",
        ),
        Competency(
            id="debugging",
            name="Debugging across layers",
            description="Finding root causes across data, model, service and infrastructure.",
        ),
        Competency(
            id="documentation",
            name="Documentation",
            description="Runbooks, model cards and design notes that others can follow.",
        ),
    ],
    promotion_criteria=[
        PromotionCriterion(id="end-to-end-delivery", text="Independently deliver medium-scope features end-to-end."),
        PromotionCriterion(
            id="system-thinking", text="Stronger system thinking: failure modes, data dependencies, monitoring design."
        ),
    ],
    source=RoleSource(file_name="manual", shape=SourceShape.CMS_POST_JSON, sha256=hashlib.sha256(b"r").hexdigest()),
)


def test_the_competency_the_text_is_about_ranks_first_with_the_terms_that_matched():
    suggestions = suggest_targets(
        "Set up drift alerts and a latency dashboard for the ranking model in production", candidates_of(ROLE)
    )
    best = suggestions[0]
    assert (best.kind, best.target_id) == (TargetKind.COMPETENCY, "model-monitoring")
    assert {"drift", "latency", "dashboard"} <= set(best.matched_terms)
    assert best.score >= MIN_SCORE
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert all(0 < s.score <= 1 for s in suggestions)


def test_promotion_criteria_are_suggested_too():
    suggestions = suggest_targets("Delivered the feature end-to-end on my own, medium scope", candidates_of(ROLE))
    assert (suggestions[0].kind, suggestions[0].target_id) == (TargetKind.PROMOTION_CRITERION, "end-to-end-delivery")


def test_plurals_and_tenses_meet_their_stems():
    assert terms("Debugged services, wrote runbooks") == terms("debugging service, wrote runbook")


def test_text_sharing_no_term_with_the_role_gets_no_suggestion():
    assert suggest_targets("Organised the team's summer picnic", candidates_of(ROLE)) == []
    assert suggest_targets("the and of", candidates_of(ROLE)) == []


def test_a_rare_shared_term_weighs_more_than_one_every_candidate_has():
    candidates = [
        Candidate(TargetKind.COMPETENCY, "a", "a", "pipeline reliability"),
        Candidate(TargetKind.COMPETENCY, "b", "b", "pipeline cost"),
        Candidate(TargetKind.COMPETENCY, "c", "c", "pipeline latency"),
    ]
    scores = {s.target_id: s.score for s in suggest_targets("pipeline reliability", candidates)}
    assert scores["a"] > scores["b"] == scores["c"] > 0


def test_scores_are_deterministic_and_only_strong_ones_are_mapped_by_default():
    text = "Wrote a runbook and a model card documenting the monitoring alerts"
    first, second = suggest_targets(text, candidates_of(ROLE)), suggest_targets(text, candidates_of(ROLE))
    assert first == second
    mapped = mapped_by_default(first)
    assert mapped and all(s.score >= MIN_SCORE for s in mapped)
    assert set(targets_of(mapped).competency_ids) == {s.target_id for s in mapped if s.kind is TargetKind.COMPETENCY}
