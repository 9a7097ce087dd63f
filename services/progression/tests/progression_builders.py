"""Roles, evidence and assessments for the progression unit tests, shaped like the seed blueprints."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from ladder_contracts.common import ExperienceLevel, Importance, SourceShape
from ladder_contracts.events.assessment import AssessorRole, CompetencyAssessmentOutcome, CompetencyRating
from ladder_contracts.events.evidence import (
    EvidenceItem,
    EvidenceKind,
    EvidenceSource,
    EvidenceTargets,
    KpiJudgement,
    KpiOutcome,
    MappingStatus,
    SourceOrigin,
    Verification,
)
from ladder_contracts.role import (
    CareerPath,
    Competency,
    DecisionRight,
    Kpi,
    LevelBehaviour,
    PromotionCriterion,
    Role,
    RoleRef,
    RoleSource,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
PERSON = "person-1"


def source(name: str) -> RoleSource:
    return RoleSource(file_name=f"{name}.json", shape=SourceShape.CMS_POST_JSON, sha256=hashlib.sha256(name.encode()).hexdigest())


def associate() -> Role:
    """An entry-level role with promotion criteria, KPIs and graded decision rights, leading to a mid-level one."""
    return Role(
        id="associate-engineer",
        title="Associate Engineer",
        level="Associate",
        competencies=[Competency(id="python", name="Python", importance=Importance.CRITICAL, expected_level=ExperienceLevel.ENTRY)],
        kpis=[Kpi(id="uptime", name="Uptime", target="99.9%")],
        promotion_criteria=[
            PromotionCriterion(id="independent-delivery", text="Independent delivery of medium-scope features"),
            PromotionCriterion(id="evaluation-maturity", text="Stronger evaluation maturity"),
        ],
        decision_rights=[
            DecisionRight(
                id="runbooks",
                decision="Troubleshooting steps for a known issue",
                behaviours=[
                    LevelBehaviour(level=ExperienceLevel.ENTRY, behaviour="Follows a detailed runbook"),
                    LevelBehaviour(level=ExperienceLevel.MID, behaviour="Adapts runbook steps to variations"),
                ],
            )
        ],
        career_path=CareerPath(
            next_roles=[RoleRef(role_id="engineer", title="Engineer (Mid-level)"), RoleRef(role_id="ml-engineer", title="ML Engineer")],
            adjacent_roles=[RoleRef(role_id="data-engineer", title="Data Engineer")],
        ),
        source=source("associate"),
    )


def engineer() -> Role:
    """The mid-level target, with a blueprint: competencies at expected levels and importances."""
    return Role(
        id="engineer",
        title="Engineer (Mid-level)",
        level="Mid-level",
        competencies=[
            Competency(
                id="python",
                name="Python",
                importance=Importance.CRITICAL,
                expected_level=ExperienceLevel.MID,
                behaviours=[LevelBehaviour(level=ExperienceLevel.MID, behaviour="Designs testable modules")],
            ),
            Competency(id="communication", name="Communication", importance=Importance.IMPORTANT),
        ],
        source=source("engineer"),
    )


def item(
    evidence_id: str,
    *,
    promotion: list[str] = (),
    competencies: list[str] = (),
    kpis: list[str] = (),
    strength: float = 0.9,
    verification: Verification = Verification.MANAGER_VERIFIED,
    mapping: MappingStatus = MappingStatus.DECLARED,
    kind: EvidenceKind = EvidenceKind.SHIPPED_WORK,
    system: str = "github",
    days: float = 0,
    judgement: KpiOutcome | None = None,
    person: str = PERSON,
) -> EvidenceItem:
    return EvidenceItem(
        evidence_id=evidence_id,
        revision=1,
        person_id=person,
        role_id="associate-engineer",
        role_version=1,
        kind=kind,
        source=EvidenceSource(origin=SourceOrigin.UPSTREAM, system=system),
        occurred_at=T0 + timedelta(days=days),
        supports=EvidenceTargets(
            competency_ids=list(competencies), kpi_ids=list(kpis), promotion_criterion_ids=list(promotion)
        ),
        mapping=mapping,
        strength=strength,
        verification=verification,
        kpi_judgement=KpiJudgement(
            kpi_id=kpis[0], outcome=judgement, reason="no number" if judgement is KpiOutcome.NOT_JUDGEABLE else None
        )
        if judgement
        else None,
    )


def rating(competency: str, level: ExperienceLevel, *, assessor: str = "manager-1", role: AssessorRole = AssessorRole.MANAGER):
    return CompetencyAssessmentOutcome(
        kind="competency_assessment",
        assessor_role=role,
        assessor_id=assessor,
        ratings=[CompetencyRating(competency_id=competency, level=level)],
    )
