"""The five seed blueprints import with the content their documents state.

Expected values are copied from the documents in ``../shared/seeds`` (relative to the repository root).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import pytest

from ladder_contracts.common import ExperienceLevel, Importance, SourceShape
from ladder_contracts.role import Role, RolePart

from ladder_roles.domain.importers import ImportResult, import_blueprint

REPO_ROOT = Path(__file__).resolve().parents[3]
SEEDS_DIR = (REPO_ROOT / ".." / "shared" / "seeds").resolve()

ROLE_PROFILE = "000_"
SKILL_GUIDE = "001_"
MACHINE_LEARNING_SPECIALIST = "002_"
ASSOCIATE_APPLIED_AI_ENGINEER = "003_"
JUNIOR_AI_ENGINEER = "004_"
ALL_SEEDS = (ROLE_PROFILE, SKILL_GUIDE, MACHINE_LEARNING_SPECIALIST, ASSOCIATE_APPLIED_AI_ENGINEER, JUNIOR_AI_ENGINEER)


def seed_path(prefix: str) -> Path:
    matches = sorted(SEEDS_DIR.glob(f"{prefix}*")) if SEEDS_DIR.is_dir() else []
    if not matches:
        pytest.skip(f"seed document {prefix}* not found in {SEEDS_DIR} (the shared seeds live next to the repository)")
    return matches[0]


@cache
def imported(prefix: str) -> ImportResult:
    path = seed_path(prefix)
    return import_blueprint(path.name, path.read_bytes())


def by_id(items, item_id: str):
    return next(item for item in items if item.id == item_id)


def refs(role_refs) -> list[tuple[str, str | None]]:
    return [(ref.role_id, ref.time_range) for ref in role_refs]


# --- 000: plain-text role profile ----------------------------------------------------------


def test_role_profile_is_recognised_and_named_after_the_role_it_describes():
    result = imported(ROLE_PROFILE)
    role = result.role
    assert result.report.shape is SourceShape.ROLE_PROFILE_TEXT
    assert (role.id, role.title, role.level) == ("ai-ml-support-specialist", "AI/ML Support Specialist", "Mid-Level")
    assert role.family == "Technical_roles"
    assert role.summary.startswith("The AI/ML Support Specialist is here to make sure our AI and Machine Learning")


def test_role_profile_kpis():
    role = imported(ROLE_PROFILE).role
    assert len(role.kpis) == 8
    mttr = by_id(role.kpis, "mean-time-to-resolution-mttr")
    assert mttr.category == "Quantitative Metrics"
    assert mttr.target == "Under 4 hours for P3 tickets, under 8 hours for P2 tickets."
    assert mttr.frequency == "Weekly, reviewed monthly."
    assert mttr.example.startswith("You pick up a P3 ticket about a slow API at 10 AM")
    accuracy = by_id(role.kpis, "problem-diagnosis-accuracy")
    assert accuracy.category == "Qualitative Metrics"
    assert accuracy.example.startswith("Your initial diagnosis often matches the eventual root cause")


def test_role_profile_competencies_with_expected_level():
    role = imported(ROLE_PROFILE).role
    assert len(role.competencies) == 34
    triage = by_id(role.competencies, "incident-triage-root-cause-analysis-rca")
    assert triage.name == "Incident Triage & Root Cause Analysis (RCA)"
    assert triage.category == "Technical Competencies"
    assert (triage.expected_level, triage.expected_level_label) == (ExperienceLevel.MID, "Intermediate")
    assert triage.importance is None  # the profile does not grade importance
    listening = by_id(role.competencies, "active-listening")
    assert listening.category == "Communication & Collaboration"
    assert listening.description == "Genuinely hearing and understanding the user's problem, not just waiting to speak."
    calm = by_id(role.competencies, "calm-under-pressure")
    assert calm.shows_up_as.startswith("When a P1 incident hits at 2 AM")


def test_role_profile_decision_making_is_graded_entry_mid_senior():
    role = imported(ROLE_PROFILE).role
    assert [right.decision for right in role.decision_rights] == [
        "Troubleshooting Steps for a Known Issue",
        "Escalation to Engineering Team",
        "Customer Communication During Incident",
        "Prioritisation of Workload",
    ]
    escalation = by_id(role.decision_rights, "escalation-to-engineering-team")
    graded = {behaviour.level: behaviour.behaviour for behaviour in escalation.behaviours}
    assert list(graded) == [ExperienceLevel.ENTRY, ExperienceLevel.MID, ExperienceLevel.SENIOR]
    assert graded[ExperienceLevel.ENTRY] == (
        "Escalates any issue that can't be resolved with a runbook, providing all gathered information."
    )
    assert graded[ExperienceLevel.SENIOR].startswith("Decides on the urgency and appropriate engineering team")


def test_role_profile_career_path_with_time_ranges():
    career = imported(ROLE_PROFILE).role.career_path
    assert refs(career.feeders) == [
        ("associate-ai-ml-support-analyst-l1", "1-2 years"),
        ("experienced-it-helpdesk-technical-support-specialist", "2-3 years (with relevant technical exposure)"),
        ("junior-mlops-engineer-data-operations-analyst", "1-2 years"),
    ]
    assert refs(career.next_roles) == [
        ("senior-ai-ml-support-specialist-l3", "2-3 years from this role"),
        ("junior-mlops-engineer", "3-4 years from this role"),
    ]
    assert refs(career.adjacent_roles) == [
        ("lead-ai-ml-support-engineer-l4", "5-8 years"),
        ("mlops-engineer-site-reliability-engineer-sre", "6-10 years"),
        ("ai-ml-support-manager-l5", "8-12 years"),
    ]


def test_role_profile_responsibilities_tools_and_absent_parts():
    role = imported(ROLE_PROFILE).role
    assert len(role.responsibilities) == 8
    assert {responsibility.category for responsibility in role.responsibilities} == {
        "AI/ML Support Specialist (Mid-Level)"
    }
    assert role.responsibilities[1].text.startswith("Take ownership of the entire lifecycle of an incident")
    assert len(role.tools) == 10  # six digital tools and four AI tools
    assert by_id(role.tools, "datadog-grafana").proficiency == "Intermediate"
    assert by_id(role.tools, "anomaly-detection-in-logs").usage.startswith(
        "Forget manually scanning endless log files."
    )
    # The profile has no interview rubric and no promotion criteria.
    assert role.scorecard_dimensions == [] and role.promotion_criteria == []


def test_role_profile_report_accounts_for_what_has_no_place_in_the_model():
    report = imported(ROLE_PROFILE).report
    assert "Performance Metrics" in report.sections_found
    assert report.sections_absent == ()
    assert "ADHD Positives" in report.sections_not_modeled
    assert "Experience Levels Responsibilities: Supervision, Decision, Success" in report.sections_not_modeled
    assert any("'Weekly time savings potential'" in warning for warning in report.warnings)


# --- 001: skill guide ------------------------------------------------------------------------


def test_skill_guide_is_recognised_and_named_after_its_role():
    result = imported(SKILL_GUIDE)
    role = result.role
    assert result.report.shape is SourceShape.SKILL_GUIDE_TEXT
    assert (role.id, role.title) == (
        "ai-service-level-optimization-specialist",
        "AI Service Level Optimization Specialist",
    )
    assert role.summary.startswith("An AI Service Level Optimization Specialist ensures AI-powered customer-facing")


def test_skill_guide_scenarios_with_answer_strategies_in_document_order():
    result = imported(SKILL_GUIDE)
    scenarios = result.role.scenarios
    assert len(scenarios) == 3
    assert [scenario.answer_strategy is not None for scenario in scenarios] == [True, True, False]
    assert scenarios[0].prompt.startswith("An e-commerce platform's 'Recommended for You' section suddenly shows")
    assert scenarios[0].answer_strategy.startswith(
        "The candidate must demonstrate a structured approach beyond infrastructure checks."
    )
    assert scenarios[1].answer_strategy.startswith("Tests prioritization, communication, and technical leadership")
    assert "3 scenario(s) but 2 answer strategy(ies): they were paired in document order" in result.report.warnings


def test_skill_guide_definition_and_tool_notes():
    result = imported(SKILL_GUIDE)
    role = result.role
    (skill,) = role.competencies
    assert skill.description.startswith("The systematic process of identifying, diagnosing, and resolving failures")
    assert [tool.name for tool in role.tools] == [
        "PagerDuty",
        "ServiceNow",
        "5 Whys and Fishbone Diagrams",
        "SEV levels (SEV1-SEV4)",
        "MLflow",
        "W&B",
        "Data validation libraries",
    ]
    assert by_id(role.tools, "pagerduty").usage == "PagerDuty for alert orchestration and escalation."
    assert any(warning.startswith("tool note names no tool") for warning in result.report.warnings)


def test_skill_guide_has_no_kpis_rubric_career_or_criteria():
    result = imported(SKILL_GUIDE)
    role = result.role
    assert role.kpis == [] and role.scorecard_dimensions == [] and role.promotion_criteria == []
    assert role.career_path.next_roles == []
    assert any("'1 career found'" in warning for warning in result.report.warnings)


# --- 002: CMS post, Machine Learning Specialist -------------------------------------------------


def test_machine_learning_specialist_identity():
    result = imported(MACHINE_LEARNING_SPECIALIST)
    role = result.role
    assert result.report.shape is SourceShape.CMS_POST_JSON
    assert (role.id, role.title, role.level) == (
        "machine-learning-specialist",
        "Machine Learning Specialist",
        "mid-level",
    )
    assert role.mission.startswith("Deliver production-grade machine learning capabilities that are accurate")


def test_machine_learning_specialist_kpis():
    role = imported(MACHINE_LEARNING_SPECIALIST).role
    assert len(role.kpis) == 18
    mttr = by_id(role.kpis, "mean-time-to-recover-mttr")
    assert (mttr.measures, mttr.why_it_matters) == ("Time to mitigate/rollback", "Limits customer impact")
    assert (mttr.target, mttr.frequency) == ("<4 hours for high-severity model issues", "Monthly")
    latency = by_id(role.kpis, "inference-latency-p95")
    assert (latency.target, latency.frequency) == ("Meet SLA (e.g., p95 < 100ms)", "Continuous")


def test_machine_learning_specialist_scorecard_dimensions_are_a_list_without_anchors():
    dimensions = imported(MACHINE_LEARNING_SPECIALIST).role.scorecard_dimensions
    assert [dimension.name for dimension in dimensions] == [
        "Problem framing & metrics",
        "Modeling & evaluation rigor",
        "Data engineering fluency (SQL + pipelines awareness)",
        "Production/MLOps readiness",
        "Software engineering practices (code quality, testing, versioning)",
        "Communication & stakeholder collaboration",
        "Responsible ML & risk awareness",
        "Learning agility & execution discipline",
    ]
    assert all(d.meets is None and d.exceeds_or_strong is None and d.concerns is None for d in dimensions)


def test_machine_learning_specialist_promotion_criteria_and_career():
    role = imported(MACHINE_LEARNING_SPECIALIST).role
    criteria = role.promotion_criteria
    assert len(criteria) == 5
    assert criteria[0].text == "Independently ships multiple production ML iterations with measurable impact."
    assert all(criterion.sub_points == [] for criterion in criteria)
    assert role.career_path.promotion_label == "to Senior"
    assert refs(role.career_path.next_roles) == [
        ("senior-machine-learning-specialist-senior-ml-engineer", None),
        ("staff-principal-ml-engineer", None),
        ("applied-scientist-senior", None),
        ("mlops-engineer-ml-platform-engineer", None),
        ("ai-product-specialist-technical-product-manager-ml", None),
    ]
    assert role.career_path.next_roles[0].note == "larger scope, more autonomy, higher-risk systems"
    assert len(role.career_path.feeders) == 4 and len(role.career_path.adjacent_roles) == 4


def test_machine_learning_specialist_competencies_with_importance():
    role = imported(MACHINE_LEARNING_SPECIALIST).role
    assert len(role.competencies) == 27
    python = by_id(role.competencies, "python-for-ml-and-data")
    assert (python.name, python.category) == ("Python for ML and data", "Must-have technical skills")
    assert (python.importance, python.importance_label) == (Importance.CRITICAL, "Critical")
    assert python.usage == "modeling, feature engineering, pipelines, evaluation tooling"
    assert python.description == "Includes: NumPy, pandas, data manipulation, packaging basics"
    streaming = by_id(role.competencies, "streaming-near-real-time-features")
    assert (streaming.importance, streaming.importance_label) == (Importance.OPTIONAL, "Optional to Important")
    framing = by_id(role.competencies, "problem-framing-and-analytical-thinking")
    assert framing.category == "Soft Skills and Behavioral Capabilities"
    assert framing.why_it_matters == "Many ML failures come from poorly framed problems or mismatched success metrics."


def test_machine_learning_specialist_exercises_tools_and_decision_rights():
    role = imported(MACHINE_LEARNING_SPECIALIST).role
    case_study = role.interview_exercises[0]
    assert case_study.title == "Case study (90 minutes)"
    assert case_study.description == "“Design an ML system to reduce support ticket resolution time.”"
    assert case_study.expectations[0].startswith("Expect: problem framing, data needs, modeling approach")
    assert len(role.interview_exercises) == 3
    assert len(role.tools) == 36
    mlflow = by_id(role.tools, "mlflow")
    assert (mlflow.category, mlflow.usage, mlflow.adoption) == (
        "AI/ML lifecycle",
        "Experiment tracking, model registry",
        "Common",
    )
    assert len(role.decision_rights) == 17
    assert by_id(role.decision_rights, "budget").authority == "Budget/architecture/vendor/hiring authority"


# --- 003: CMS post, Associate Applied AI Engineer ----------------------------------------------


def test_associate_applied_ai_engineer_identity_and_kpis():
    role = imported(ASSOCIATE_APPLIED_AI_ENGINEER).role
    assert (role.id, role.title, role.level) == (
        "associate-applied-ai-engineer",
        "Associate Applied AI Engineer",
        "Associate",
    )
    assert len(role.kpis) == 20
    latency = by_id(role.kpis, "p95-inference-latency")
    assert (latency.target, latency.frequency) == ("P95 within SLO (e.g., < 200–500ms)", "Daily/Weekly")


def test_associate_applied_ai_engineer_scorecard_dimensions_with_three_anchors():
    dimensions = imported(ASSOCIATE_APPLIED_AI_ENGINEER).role.scorecard_dimensions
    assert [dimension.name for dimension in dimensions] == [
        "Coding (Python)",
        "ML fundamentals",
        "Data/SQL",
        "Production mindset",
        "Collaboration",
        "Learning agility",
        "Values/responsible AI",
    ]
    assert all(d.meets and d.exceeds_or_strong and d.concerns for d in dimensions)
    coding = dimensions[0]
    assert coding.meets == "Correct solution, readable structure, basic tests"
    assert coding.exceeds_or_strong == "Strong modularity, thoughtful edge cases, strong tests"
    assert coding.concerns == "Messy code, no tests, poor debugging"


def test_associate_applied_ai_engineer_promotion_criteria_keep_their_nesting():
    role = imported(ASSOCIATE_APPLIED_AI_ENGINEER).role
    criteria = role.promotion_criteria
    assert [criterion.text for criterion in criteria] == [
        "Independent delivery of medium-scope features (design + implementation + rollout support).",
        "Stronger evaluation maturity",
        "Operational ownership",
        "Better cross-functional leadership",
    ]
    assert criteria[1].sub_points == ["Slice analysis", "Regression detection", "Clear go/no-go recommendations"]
    assert "Reduced alert noise" in criteria[2].sub_points
    assert role.career_path.promotion_label == "Associate → Mid-level"


def test_associate_applied_ai_engineer_career_and_competencies():
    role = imported(ASSOCIATE_APPLIED_AI_ENGINEER).role
    assert refs(role.career_path.next_roles) == [
        ("applied-ai-engineer-mid-level", None),
        ("ml-engineer", None),
        ("software-engineer-platform-or-backend", None),
    ]
    assert role.career_path.next_roles[0].note == (
        "larger ownership of features/services, deeper evaluation rigor, more autonomy."
    )
    python = by_id(role.competencies, "python-for-ml-production-scripting")
    assert (python.importance, python.category) == (Importance.CRITICAL, "Must-have technical skills")
    assert python.description == "Proficiency in Python for data processing, model integration, and service code."
    frameworks = by_id(role.competencies, "ml-frameworks-pytorch-or-tensorflow")
    assert (frameworks.importance, frameworks.importance_label) == (Importance.IMPORTANT, "Important (varies by stack)")
    assert len(role.interview_exercises) == 4
    assert role.interview_exercises[0].expectations[2] == "input validation"  # from a nested list


# --- 004: CMS post, Junior AI Engineer -------------------------------------------------------


def test_junior_ai_engineer_identity_and_kpis_with_type():
    role = imported(JUNIOR_AI_ENGINEER).role
    assert (role.id, role.title, role.level, role.family) == (
        "junior-ai-engineer",
        "Junior AI Engineer",
        "Junior",
        "AI & ML",
    )
    assert len(role.kpis) == 19
    throughput = by_id(role.kpis, "pr-throughput-merged-prs")
    assert throughput.category == "Output"
    assert (throughput.target, throughput.frequency) == (
        "3–6 meaningful PRs/sprint (context-dependent)",
        "Weekly/Sprint",
    )


def test_junior_ai_engineer_scorecard_dimensions_with_meets_and_strong():
    dimensions = imported(JUNIOR_AI_ENGINEER).role.scorecard_dimensions
    assert [dimension.name for dimension in dimensions] == [
        "Python + engineering",
        "ML fundamentals",
        "Data/SQL",
        "Production mindset",
        "Collaboration",
        "Learning agility",
    ]
    assert all(d.meets and d.exceeds_or_strong and d.concerns is None for d in dimensions)
    assert dimensions[0].meets == "Writes clean functions, uses basic testing, debugs effectively"
    assert dimensions[0].exceeds_or_strong == "Strong code structure, good testing instincts, explains trade-offs"


def test_junior_ai_engineer_promotion_criteria():
    role = imported(JUNIOR_AI_ENGINEER).role
    criteria = role.promotion_criteria
    assert len(criteria) == 5
    assert criteria[0].text == "Independently deliver medium-scope features end-to-end."
    assert all(criterion.sub_points == [] for criterion in criteria)
    assert role.career_path.promotion_label == "Junior → AI Engineer"


def test_junior_ai_engineer_next_roles_take_their_notes_from_the_flattened_list():
    next_roles = imported(JUNIOR_AI_ENGINEER).role.career_path.next_roles
    assert refs(next_roles) == [
        ("ai-engineer-mid-level-ai-engineer-ii", None),
        ("ml-engineer-specialized", None),
        ("applied-data-scientist-product-focused", None),
    ]
    assert next_roles[0].title == "AI Engineer (mid-level / AI Engineer II)"
    assert next_roles[0].note == "Increased ownership: designs small systems, owns releases, leads integrations."


def test_junior_ai_engineer_competencies_with_importance_after_the_name():
    role = imported(JUNIOR_AI_ENGINEER).role
    python = by_id(role.competencies, "python-for-ml-engineering")
    assert (python.importance, python.importance_label) == (Importance.CRITICAL, "Critical")
    assert python.usage == "Implement preprocessing, inference logic, pipeline steps, and tests."
    testing = by_id(role.competencies, "unit-testing-basics")
    assert (testing.importance, testing.description) == (Importance.IMPORTANT, "(e.g., pytest)")


def test_junior_ai_engineer_lists_flattened_by_the_cms_are_regrouped_only_under_introducing_items():
    role = imported(JUNIOR_AI_ENGINEER).role
    assert len(role.responsibilities) == 23
    assert by_id(role.responsibilities, "no-people-management").sub_points == []  # a sentence, not an introduction
    assert len(role.decision_rights) == 12
    decision = by_id(role.decision_rights, "implementation-details-inside-a-reviewed-design")
    assert decision.authority == "Can decide independently (expected)"
    assert decision.decision == (
        "Implementation details inside a reviewed design: Code structure, helper functions, refactors within scope; "
        "Adding tests and validations; Logging and metric naming consistent with standards"
    )


# --- every seed ----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_reimporting_the_same_bytes_gives_an_identical_role(prefix):
    path = seed_path(prefix)
    first = import_blueprint(path.name, path.read_bytes())
    second = import_blueprint(path.name, path.read_bytes())
    assert first.role == second.role
    assert first.role.model_dump_json() == second.role.model_dump_json()
    assert first.report == second.report


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_html_entities_are_decoded_everywhere(prefix):
    document = imported(prefix).role.model_dump_json()
    assert "&amp;" not in document
    assert "&#8217;" not in document
    assert re.search(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", document, re.IGNORECASE) is None


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_source_names_the_file_the_shape_and_the_content_hash(prefix):
    path = seed_path(prefix)
    result = imported(prefix)
    assert result.role.source.file_name == path.name
    assert result.role.source.shape is result.report.shape
    assert result.role.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("prefix", ALL_SEEDS)
def test_report_counts_match_the_role(prefix):
    result = imported(prefix)
    role: Role = result.role
    assert result.report.counts[RolePart.KPIS] == len(role.kpis)
    assert result.report.counts[RolePart.COMPETENCIES] == len(role.competencies)
    assert result.report.counts[RolePart.CAREER_NEXT_ROLES] == len(role.career_path.next_roles)
    assert result.report.counts[RolePart.PROMOTION_CRITERIA] == len(role.promotion_criteria)


@pytest.mark.parametrize(
    ("prefix", "misleading_name", "shape"),
    [
        (ROLE_PROFILE, "post.json", SourceShape.ROLE_PROFILE_TEXT),
        (SKILL_GUIDE, "role_profile.txt", SourceShape.SKILL_GUIDE_TEXT),
        (JUNIOR_AI_ENGINEER, "skill_guide.txt", SourceShape.CMS_POST_JSON),
    ],
)
def test_shape_is_chosen_by_content_not_by_file_name(prefix, misleading_name, shape):
    result = import_blueprint(misleading_name, seed_path(prefix).read_bytes())
    assert result.report.shape is shape
    assert result.role == imported(prefix).role.model_copy(update={"source": result.role.source})
