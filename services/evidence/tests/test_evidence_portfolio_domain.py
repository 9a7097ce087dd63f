"""The evidence item aggregate: capture, confirmation, correction, restatement, retraction; no infrastructure."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from ladder_contracts.common import ExperienceLevel, SourceShape
from ladder_contracts.events.evidence import (
    CorrectionReason,
    EvidenceCapturedV1,
    EvidenceCorrectedV1,
    EvidenceKind,
    EvidenceRetractedV1,
    EvidenceSource,
    EvidenceTargets,
    MappingStatus,
    RetractionReason,
    SourceOrigin,
    Verification,
)
from ladder_contracts.inputs.hr import RatingScale
from ladder_contracts.role import Competency, Kpi, PromotionCriterion, Role, RoleSource

from ladder_evidence.domain import strength
from ladder_evidence.domain.errors import (
    EvidenceRetracted,
    InvalidEvidence,
    NothingToConfirm,
    OccurredInFuture,
    StaleRevision,
    TargetsNotOnRole,
    VerificationNotPermitted,
)
from ladder_evidence.domain.kpi_targets import judge_measurement
from ladder_evidence.domain.model import (
    Correction,
    EvidenceItem,
    require_verification_right,
    upstream_evidence_id,
)
from ladder_evidence.domain.roles import PinnedRole, RoleAssignment
from ladder_evidence.domain.suggestions import Suggestion, TargetKind

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
ROLE = PinnedRole(
    2,
    Role(
        id="analyst",
        title="Analyst",
        competencies=[
            Competency(id="sql", name="SQL", expected_level=ExperienceLevel.MID),
            Competency(id="storytelling", name="Storytelling"),
        ],
        kpis=[Kpi(id="latency", name="Latency", target="p95 < 100ms")],
        promotion_criteria=[PromotionCriterion(id="ownership", text="Owns analyses end-to-end")],
        source=RoleSource(file_name="f", shape=SourceShape.ROLE_PROFILE_TEXT, sha256=hashlib.sha256(b"a").hexdigest()),
    ),
)
ASSIGNMENT = RoleAssignment("p-1", "analyst", None, "workday", "m-1", NOW - timedelta(days=400))
SOURCE = EvidenceSource(origin=SourceOrigin.UPSTREAM, system="workday", reference="rev-1")


def capture(**overrides) -> EvidenceItem:
    values = {
        "evidence_id": "e-1",
        "person_id": "p-1",
        "role": ROLE,
        "kind": EvidenceKind.REVIEW_RATING,
        "source": SOURCE,
        "occurred_at": NOW - timedelta(days=1),
        "supports": EvidenceTargets(competency_ids=["storytelling", "sql"]),
        "strength": 0.75,
        "verification": Verification.MANAGER_VERIFIED,
        "actor": "/hr/workday",
        "at": NOW,
        "summary": "Explained the churn analysis to the board",
    } | overrides
    return EvidenceItem.capture(**values)


def test_capture_raises_one_event_with_ids_and_targets_but_never_the_summary():
    item = capture()
    (event,) = item.events
    assert isinstance(event, EvidenceCapturedV1)
    assert (event.revision, event.role_id, event.role_version, event.mapping) == (1, "analyst", 2, MappingStatus.DECLARED)
    assert event.supports.competency_ids == ["sql", "storytelling"]  # canonical order
    assert "churn" not in event.model_dump_json()
    assert [c.action for c in item.changes] == ["captured"]


def test_ids_not_on_the_role_version_are_refused_naming_the_field():
    with pytest.raises(TargetsNotOnRole, match=r"^supports.competency_ids: 'python' is not among the competencies of role 'analyst' version 2"):
        capture(supports=EvidenceTargets(competency_ids=["sql", "python"]))
    with pytest.raises(TargetsNotOnRole, match=r"^supports.promotion_criterion_ids: 'x', 'y' are not among the promotion criteria"):
        capture(supports=EvidenceTargets(promotion_criterion_ids=["x", "y"]))


def test_a_date_in_the_future_is_refused_but_clock_skew_is_tolerated():
    with pytest.raises(OccurredInFuture, match=r"^occurred_at: 2026-11-24"):
        capture(occurred_at=NOW + timedelta(days=1))
    assert capture(occurred_at=NOW + timedelta(minutes=2)).events


def test_kpi_measurements_carry_their_judgement_and_only_they_do():
    judgement = judge_measurement(ROLE.kpi("latency", field="kpi_id"), 80)
    item = capture(kind=EvidenceKind.KPI_MEASUREMENT, supports=EvidenceTargets(kpi_ids=["latency"]), kpi_judgement=judgement)
    assert item.events[0].kpi_judgement.outcome.value == "met"
    with pytest.raises(InvalidEvidence, match="^measurement: only kpi_measurement items"):
        capture(kpi_judgement=judgement)
    with pytest.raises(InvalidEvidence, match="^measurement: a kpi_measurement item needs a measurement"):
        capture(kind=EvidenceKind.KPI_MEASUREMENT, supports=EvidenceTargets(kpi_ids=["latency"]))


def test_suggested_mapping_is_confirmed_by_a_person_as_revision_two():
    suggestion = Suggestion(TargetKind.COMPETENCY, "storytelling", 0.4, ("board",))
    item = capture(supports=EvidenceTargets(competency_ids=["storytelling"]), suggestions=(suggestion,))
    assert item.mapping is MappingStatus.SUGGESTED
    item.events.clear()
    item.confirm_mapping(ROLE, actor="m-1", at=NOW)
    (event,) = item.events
    assert isinstance(event, EvidenceCorrectedV1)
    assert (event.revision, event.mapping, event.reason) == (2, MappingStatus.CONFIRMED, CorrectionReason.MAPPING_CONFIRMED)
    with pytest.raises(NothingToConfirm, match="has a confirmed mapping"):
        item.confirm_mapping(ROLE, actor="m-1", at=NOW)


def test_confirming_other_targets_checks_them_against_the_role():
    item = capture(supports=EvidenceTargets(), suggestions=())
    with pytest.raises(NothingToConfirm, match="name the targets"):
        item.confirm_mapping(ROLE, actor="m-1", at=NOW)
    with pytest.raises(TargetsNotOnRole):
        item.confirm_mapping(ROLE, actor="m-1", at=NOW, targets=EvidenceTargets(kpi_ids=["nope"]))
    item.confirm_mapping(ROLE, actor="m-1", at=NOW, targets=EvidenceTargets(promotion_criterion_ids=["ownership"]))
    assert item.supports.promotion_criterion_ids == ["ownership"] and item.mapping is MappingStatus.CONFIRMED


@pytest.mark.parametrize(
    "correction, reason",
    [
        (Correction(supports=EvidenceTargets(competency_ids=["sql"])), CorrectionReason.MAPPING_CHANGED),
        (Correction(verification=Verification.SELF_REPORTED), CorrectionReason.VERIFICATION_CHANGED),
        (Correction(strength=0.2, link="https://example.org/x"), CorrectionReason.DATA_ERROR),
    ],
)
def test_a_correction_says_what_kind_of_change_it_was(correction, reason):
    item = capture()
    item.events.clear()
    assert item.correct(correction, ROLE, expected_revision=1, actor="m-1", at=NOW)
    (event,) = item.events
    assert (event.reason, event.revision) == (reason, 2)


def test_a_correction_that_changes_nothing_makes_no_revision_and_a_stale_one_is_refused():
    item = capture()
    item.events.clear()
    assert not item.correct(Correction(strength=0.75), ROLE, expected_revision=1, actor="m-1", at=NOW)
    assert item.revision == 1 and item.events == []
    with pytest.raises(StaleRevision, match="at revision 1, not 3"):
        item.correct(Correction(strength=0.1), ROLE, expected_revision=3, actor="m-1", at=NOW)


def test_a_resent_upstream_record_changes_nothing_unless_its_content_changed():
    item = capture()
    item.events.clear()
    assert not item.restate(capture(at=NOW + timedelta(hours=1)), actor="/hr", at=NOW)
    assert item.events == []
    assert item.restate(capture(strength=0.25), actor="/hr", at=NOW)
    (event,) = item.events
    assert (event.reason, event.revision, event.strength) == (CorrectionReason.DATA_ERROR, 2, 0.25)


def test_a_persons_correction_survives_the_source_resending_what_it_said_before():
    item = capture()
    item.correct(Correction(supports=EvidenceTargets(competency_ids=["sql"])), ROLE, expected_revision=1, actor="m", at=NOW)
    item.events.clear()
    assert not item.restate(capture(), actor="/hr", at=NOW)
    assert item.supports.competency_ids == ["sql"] and item.events == []


def test_a_retracted_item_publishes_its_retraction_and_then_refuses_changes():
    item = capture()
    item.events.clear()
    item.retract(RetractionReason.DUPLICATE, actor="m-1", at=NOW)
    (event,) = item.events
    assert isinstance(event, EvidenceRetractedV1) and event.reason is RetractionReason.DUPLICATE
    with pytest.raises(EvidenceRetracted):
        item.retract(RetractionReason.DISPUTED, actor="m-1", at=NOW)
    with pytest.raises(EvidenceRetracted):
        item.correct(Correction(strength=0.1), ROLE, expected_revision=1, actor="m-1", at=NOW)
    assert not item.restate(capture(strength=0.1), actor="/hr", at=NOW)


def test_only_the_manager_verifies_and_only_systems_measure():
    require_verification_right(Verification.MANAGER_VERIFIED, origin=SourceOrigin.MANUAL, actor="m-1", assignment=ASSIGNMENT)
    with pytest.raises(VerificationNotPermitted, match="^verification: only the person's manager"):
        require_verification_right(Verification.MANAGER_VERIFIED, origin=SourceOrigin.MANUAL, actor="p-1", assignment=ASSIGNMENT)
    with pytest.raises(VerificationNotPermitted, match="only an upstream system measures"):
        require_verification_right(Verification.SYSTEM_MEASURED, origin=SourceOrigin.MANUAL, actor="m-1", assignment=ASSIGNMENT)
    require_verification_right(Verification.SYSTEM_MEASURED, origin=SourceOrigin.UPSTREAM, actor="svc", assignment=ASSIGNMENT)


def test_upstream_ids_are_stable_per_record_and_part():
    assert upstream_evidence_id("workday", "rev-1", "competency:sql") == upstream_evidence_id("workday", "rev-1", "competency:sql")
    assert upstream_evidence_id("workday", "rev-1", "competency:sql") != upstream_evidence_id("workday", "rev-1", "kpi:sql")


def test_strength_from_ratings_and_levels():
    assert strength.from_rating(4, RatingScale(lowest=1, highest=5)) == 0.75
    assert strength.from_level(ExperienceLevel.ENTRY, ExperienceLevel.MID) == 0.5
    assert strength.from_level(ExperienceLevel.SENIOR, ExperienceLevel.MID) == 1.0
    assert strength.from_level(ExperienceLevel.MID, None) == pytest.approx(0.6667)
