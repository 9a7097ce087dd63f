"""One valid, realistic instance of every contract, for the contract tests.

Values come from the seed blueprints (the Associate Applied AI Engineer post),
so the samples also show how the normalized role holds a real document.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from ladder_contracts.common import (
    CriterionKind,
    CriterionStatus,
    ExperienceLevel,
    Importance,
    ReadinessBand,
    Recommendation,
    SourceShape,
)
from ladder_contracts.envelope import EventData
from ladder_contracts.events import (
    AssessmentCompletedV1,
    EvidenceCapturedV1,
    EvidenceCorrectedV1,
    EvidenceRetractedV1,
    PersonErasedV1,
    PromotionReadinessChangedV1,
    RoleUpdatedV1,
)
from ladder_contracts.events.assessment import (
    AssessorRole,
    CompetencyAssessmentOutcome,
    CompetencyRating,
    DecisionSignal,
    DimensionAggregate,
    DisagreementFlag,
    HiringSignal,
    InterviewLoopOutcome,
    LoopCompletion,
    RecommendationTally,
)
from ladder_contracts.events.evidence import (
    CorrectionReason,
    EvidenceKind,
    EvidenceSource,
    EvidenceTargets,
    KpiJudgement,
    KpiOutcome,
    MappingStatus,
    RetractionReason,
    SourceOrigin,
    Verification,
)
from ladder_contracts.events.progression import ReadinessGap
from ladder_contracts.events.roles import RoleChangeOrigin
from ladder_contracts.inputs import (
    EmployeeHiredV1,
    PersonErasureRequestedV1,
    ReviewSubmittedV1,
    ScorecardSubmittedV1,
)
from ladder_contracts.inputs.hr import CompetencyReviewRating, KpiReviewRating, ReviewPeriod
from ladder_contracts.role import (
    CareerPath,
    Competency,
    DecisionRight,
    InterviewExercise,
    Kpi,
    LevelBehaviour,
    PartChange,
    PromotionCriterion,
    Responsibility,
    Role,
    RolePart,
    RoleRef,
    RoleSource,
    Scenario,
    ScorecardDimension,
    Tool,
)

AT = datetime(2026, 4, 16, 9, 30, tzinfo=UTC)
PERSON = "person-7f3a"
ROLE_ID = "associate-applied-ai-engineer"


def sample_role() -> Role:
    return Role(
        id=ROLE_ID,
        title="Associate Applied AI Engineer",
        level="Associate",
        family="AI/ML",
        summary="Builds and operationalizes AI-enabled features and services.",
        mission="Integrate models into production systems with evaluation, monitoring and safe rollout.",
        responsibilities=[
            Responsibility(
                id="implement-inference-endpoints",
                category="Technical responsibilities",
                text="Implement inference endpoints and batch jobs.",
                sub_points=["p95 latency budgets", "rollback plans"],
            )
        ],
        competencies=[
            Competency(
                id="python-for-ml-production-scripting",
                name="Python for ML/production scripting",
                category="Must-have technical skills",
                importance=Importance.CRITICAL,
                importance_label="Critical",
                expected_level=ExperienceLevel.MID,
                expected_level_label="Intermediate",
                description="Proficiency in Python for data processing, model integration, and service code.",
                usage="Feature preprocessing, evaluation pipelines, glue code, backend logic.",
                behaviours=[
                    LevelBehaviour(level=ExperienceLevel.ENTRY, behaviour="Writes scripts with guidance."),
                    LevelBehaviour(level=ExperienceLevel.MID, behaviour="Ships tested service code independently."),
                ],
            )
        ],
        kpis=[
            Kpi(
                id="inference-latency-p95",
                name="Inference latency (p95)",
                measures="Runtime performance of serving endpoint",
                why_it_matters="Product performance & cost",
                target="Meet SLA (e.g., p95 < 100ms)",
                frequency="Continuous",
            )
        ],
        scorecard_dimensions=[
            ScorecardDimension(
                id="coding-python",
                name="Coding (Python)",
                meets="Correct solution, readable structure, basic tests",
                exceeds_or_strong="Strong modularity, thoughtful edge cases, strong tests",
                concerns="Messy code, no tests, poor debugging",
            ),
            ScorecardDimension(id="ml-fundamentals", name="ML fundamentals"),
        ],
        interview_exercises=[
            InterviewExercise(
                id="ship-a-minimal-inference-service",
                title="Ship a minimal inference service",
                description="Build a small FastAPI service.",
                expectations=["input validation", "a /predict endpoint"],
            )
        ],
        scenarios=[
            Scenario(
                id="recommendations-turn-generic",
                prompt="Recommendations suddenly turn generic for 30% of users; no errors are thrown.",
                answer_strategy="Define scope, check the data pipeline, then input data and dependencies.",
            )
        ],
        tools=[
            Tool(id="mlflow", name="MLflow", category="AI/ML lifecycle", usage="Experiment tracking", adoption="Common")
        ],
        decision_rights=[
            DecisionRight(
                id="changes-to-api-contracts",
                decision="Changes to API contracts consumed by other services.",
                authority="Decisions requiring team approval",
            )
        ],
        career_path=CareerPath(
            feeders=[RoleRef(role_id="junior-backend-engineer", title="Junior Backend Engineer")],
            next_roles=[
                RoleRef(
                    role_id="applied-ai-engineer-mid-level",
                    title="Applied AI Engineer (Mid-level)",
                    time_range="2-3 years",
                    note="Larger ownership of features/services.",
                )
            ],
            promotion_label="Associate → Mid-level",
        ),
        promotion_criteria=[
            PromotionCriterion(
                id="stronger-evaluation-maturity",
                text="Stronger evaluation maturity:",
                sub_points=["Slice analysis", "Regression detection", "Clear go/no-go recommendations"],
            )
        ],
        source=RoleSource(file_name="003_9a79835783c6dbca.txt", shape=SourceShape.CMS_POST_JSON, sha256="a" * 64),
    )


def _evidence_fields() -> dict:
    return {
        "evidence_id": "ev-1",
        "person_id": PERSON,
        "role_id": ROLE_ID,
        "role_version": 2,
        "kind": EvidenceKind.KPI_MEASUREMENT,
        "source": EvidenceSource(origin=SourceOrigin.UPSTREAM, system="workday", reference="review-42"),
        "occurred_at": AT,
        "supports": EvidenceTargets(kpi_ids=["inference-latency-p95"]),
        "mapping": MappingStatus.DECLARED,
        "strength": 0.8,
        "verification": Verification.SYSTEM_MEASURED,
        "kpi_judgement": KpiJudgement(kpi_id="inference-latency-p95", outcome=KpiOutcome.MET, measured_value=87.0),
        "link": "https://grafana.example.com/d/latency",
    }


def samples() -> dict[type[EventData], EventData]:
    """model -> a valid instance, for every contract the registry knows."""
    return {
        RoleUpdatedV1: RoleUpdatedV1(
            role=sample_role(),
            role_version=2,
            previous_role_version=1,
            changes=[PartChange(part=RolePart.KPIS, changed=["inference-latency-p95"])],
            origin=RoleChangeOrigin.IMPORT,
            updated_at=AT,
        ),
        AssessmentCompletedV1: AssessmentCompletedV1(
            assessment_id="loop-1",
            person_id="candidate-9",
            role_id=ROLE_ID,
            role_version=2,
            outcome=InterviewLoopOutcome(
                kind="interview_loop",
                completion=LoopCompletion.ALL_SUBMITTED,
                interviewer_ids=["iv-1", "iv-2"],
                dimensions=[DimensionAggregate(dimension_id="coding-python", mean=3.0, spread=1.0, count=2)],
                recommendations=RecommendationTally(strong_no=0, no=1, yes=1, strong_yes=0),
                decision=DecisionSignal(signal=HiringSignal.NEEDS_DISCUSSION, rule="split recommendations"),
                disagreements=[
                    DisagreementFlag(
                        dimension_id="coding-python", min_rating=2, max_rating=4, interviewer_ids=["iv-1", "iv-2"]
                    )
                ],
            ),
            completed_at=AT,
        ),
        EvidenceCapturedV1: EvidenceCapturedV1(**_evidence_fields(), revision=1, captured_at=AT),
        EvidenceCorrectedV1: EvidenceCorrectedV1(
            **_evidence_fields(), revision=2, reason=CorrectionReason.VERIFICATION_CHANGED, corrected_at=AT
        ),
        EvidenceRetractedV1: EvidenceRetractedV1(
            evidence_id="ev-1", person_id=PERSON, reason=RetractionReason.DUPLICATE, retracted_at=AT
        ),
        PersonErasedV1: PersonErasedV1(
            request_id="erase-1", service="evidence", person_id=PERSON, erased={"evidence_items": 12}, erased_at=AT
        ),
        PromotionReadinessChangedV1: PromotionReadinessChangedV1(
            person_id=PERSON,
            current_role_id=ROLE_ID,
            current_role_version=2,
            target_role_id="applied-ai-engineer-mid-level",
            previous_band=ReadinessBand.DEVELOPING,
            new_band=ReadinessBand.READY,
            previous_score=0.55,
            new_score=0.81,
            top_gaps=[
                ReadinessGap(
                    criterion_id="stronger-evaluation-maturity",
                    kind=CriterionKind.PROMOTION_CRITERION,
                    status=CriterionStatus.PARTIAL,
                )
            ],
            caused_by_event_id="3f0c1c9e-4b1a-4c55-9d2a-0a7c1d1e2f3a",
            caused_by_event_type="ladder.evidence.captured.v1",
            computed_at=AT,
        ),
        EmployeeHiredV1: EmployeeHiredV1(
            person_id=PERSON, role_id=ROLE_ID, hired_at=AT, manager_id="person-1", hr_system="workday"
        ),
        ReviewSubmittedV1: ReviewSubmittedV1(
            review_id="review-42",
            person_id=PERSON,
            reviewer_id="person-1",
            period=ReviewPeriod(starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31), label="2026-Q1"),
            submitted_at=AT,
            competency_ratings=[CompetencyReviewRating(competency_id="python-for-ml-production-scripting", rating=4)],
            kpi_ratings=[KpiReviewRating(kpi_id="inference-latency-p95", rating=5, measured_value=87.0)],
        ),
        ScorecardSubmittedV1: ScorecardSubmittedV1(
            submission_id="sub-1",
            loop_id="loop-1",
            interviewer_id="iv-1",
            ratings={"coding-python": 4, "ml-fundamentals": 3},
            recommendation=Recommendation.YES,
            notes="Clear, tested solution.",
            submitted_at=AT,
        ),
        PersonErasureRequestedV1: PersonErasureRequestedV1(
            request_id="erase-1", person_id=PERSON, requested_at=AT, requested_by="dpo-office"
        ),
    }


def competency_assessment() -> AssessmentCompletedV1:
    """The other kind of AssessmentCompleted: a manager's competency assessment."""
    return AssessmentCompletedV1(
        assessment_id="ca-1",
        person_id=PERSON,
        role_id=ROLE_ID,
        role_version=2,
        outcome=CompetencyAssessmentOutcome(
            kind="competency_assessment",
            assessor_role=AssessorRole.MANAGER,
            assessor_id="person-1",
            ratings=[CompetencyRating(competency_id="python-for-ml-production-scripting", level=ExperienceLevel.MID)],
        ),
        completed_at=AT,
    )
