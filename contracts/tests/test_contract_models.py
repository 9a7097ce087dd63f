"""The event models: round trips, strictness, subjects and domain rules."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from contract_samples import AT, PERSON, competency_assessment, sample_role, samples
from ladder_contracts import REGISTRY, CloudEvent, EventData
from ladder_contracts.events import (
    AssessmentCompletedV1,
    EvidenceCapturedV1,
    PromotionReadinessChangedV1,
    RoleUpdatedV1,
)
from ladder_contracts.inputs import ReviewSubmittedV1, ScorecardSubmittedV1
from ladder_contracts.role import Role, slugify
from ladder_contracts.schema import envelope_schema

SAMPLES = samples()
MODELS = list(REGISTRY)


def _data(model: type[EventData]) -> dict[str, Any]:
    return json.loads(SAMPLES[model].model_dump_json())


def _error_fields(error: ValidationError) -> set[str]:
    return {".".join(str(part) for part in item["loc"]) for item in error.errors()}


def test_every_registered_model_has_a_sample():
    assert set(SAMPLES) == set(MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_model_round_trips_through_json(model):
    sample = SAMPLES[model]
    assert model.model_validate_json(sample.model_dump_json()) == sample


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_envelope_round_trips_through_the_registry(model):
    event = CloudEvent.wrap(SAMPLES[model], source="/ladder/tests", time=AT)
    decoded = REGISTRY.decode(event.to_json())
    assert decoded == event
    assert decoded.type == model.ce_type()
    assert decoded.subject == SAMPLES[model].subject()


def test_competency_assessment_round_trips():
    assessment = competency_assessment()
    assert AssessmentCompletedV1.model_validate_json(assessment.model_dump_json()) == assessment
    assert assessment.kind == "competency_assessment"


@pytest.mark.parametrize(
    ("model", "subject"),
    [
        (RoleUpdatedV1, "associate-applied-ai-engineer"),
        (AssessmentCompletedV1, "loop-1"),
        (EvidenceCapturedV1, PERSON),
        (PromotionReadinessChangedV1, PERSON),
        (ScorecardSubmittedV1, "loop-1"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_subject_is_the_entity_id(model, subject):
    assert SAMPLES[model].subject() == subject


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_unknown_field_is_rejected_and_named(model):
    with pytest.raises(ValidationError) as raised:
        model.model_validate({**_data(model), "nickname": "Sam"})
    assert "nickname" in _error_fields(raised.value)


def test_unknown_nested_field_is_rejected_with_its_path():
    data = _data(RoleUpdatedV1)
    data["role"]["competencies"][0]["owner_email"] = "someone@example.com"
    with pytest.raises(ValidationError) as raised:
        RoleUpdatedV1.model_validate(data)
    assert "role.competencies.0.owner_email" in _error_fields(raised.value)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (RoleUpdatedV1, "updated_at"),
        (EvidenceCapturedV1, "occurred_at"),
        (ScorecardSubmittedV1, "submitted_at"),
        (PromotionReadinessChangedV1, "computed_at"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_naive_datetime_is_rejected(model, field):
    data = {**_data(model), field: "2026-04-16T09:30:00"}
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    assert field in _error_fields(raised.value)
    assert "timezone" in str(raised.value)


def test_envelope_rejects_a_naive_time():
    event = json.loads(CloudEvent.wrap(SAMPLES[RoleUpdatedV1], source="/ladder/roles").to_json())
    event["time"] = datetime(2026, 4, 16, 9, 30).isoformat()
    with pytest.raises(ValidationError) as raised:
        CloudEvent[RoleUpdatedV1].model_validate(event)
    assert "time" in _error_fields(raised.value)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_no_required_field_is_nullable(model):
    """Envelopes are written with exclude_none, so a required-but-nullable field could not be read back."""
    schema = envelope_schema(model)
    for name, definition in schema["$defs"].items():
        for field in definition.get("required", ()):
            variants = definition["properties"][field].get("anyOf", [])
            assert {"type": "null"} not in variants, f"{name}.{field} is required yet nullable"


PERSONAL_FIELD_NAMES = {"name", "email", "full_name", "first_name", "last_name", "notes", "comment", "summary"}


@pytest.mark.parametrize(
    "model", [m for m in MODELS if m.published and m is not RoleUpdatedV1], ids=lambda m: m.__name__
)
def test_published_events_carry_no_free_text_about_people(model):
    schema = envelope_schema(model)
    names = {field for definition in schema["$defs"].values() for field in definition.get("properties", {})}
    assert not names & PERSONAL_FIELD_NAMES


# --- domain rules --------------------------------------------------------------------


def test_role_rejects_duplicate_item_ids():
    role = sample_role().model_dump()
    role["competencies"].append(role["competencies"][0])
    with pytest.raises(ValidationError) as raised:
        Role.model_validate(role)
    assert "competencies" in _error_fields(raised.value)
    assert "duplicate competency id 'python-for-ml-production-scripting'" in str(raised.value)


@pytest.mark.parametrize(("role_version", "previous"), [(1, 1), (3, None), (3, 1)])
def test_role_updated_versions_must_follow_each_other(role_version, previous):
    data = {**_data(RoleUpdatedV1), "role_version": role_version, "previous_role_version": previous}
    with pytest.raises(ValidationError) as raised:
        RoleUpdatedV1.model_validate(data)
    assert "previous_role_version" in _error_fields(raised.value)


def test_role_updated_later_version_must_name_its_previous():
    data = _data(RoleUpdatedV1)
    del data["previous_role_version"]
    with pytest.raises(ValidationError) as raised:
        RoleUpdatedV1.model_validate(data)
    assert "previous_role_version" in _error_fields(raised.value)


def test_role_updated_first_version_has_no_previous():
    data = {**_data(RoleUpdatedV1), "role_version": 1, "previous_role_version": None}
    assert RoleUpdatedV1.model_validate(data).previous_role_version is None


def test_scorecard_rating_off_the_rubric_is_rejected():
    data = _data(ScorecardSubmittedV1)
    data["ratings"]["coding-python"] = 6
    with pytest.raises(ValidationError) as raised:
        ScorecardSubmittedV1.model_validate(data)
    assert "ratings.coding-python" in _error_fields(raised.value)


def test_review_rating_off_its_scale_is_rejected():
    data = _data(ReviewSubmittedV1)
    data["kpi_ratings"][0]["rating"] = 9
    with pytest.raises(ValidationError) as raised:
        ReviewSubmittedV1.model_validate(data)
    assert "kpi_ratings" in _error_fields(raised.value)
    assert "off the scale 1-5" in str(raised.value)


def test_review_must_rate_something():
    data = {**_data(ReviewSubmittedV1), "competency_ratings": [], "kpi_ratings": []}
    with pytest.raises(ValidationError, match="at least one competency or KPI rating"):
        ReviewSubmittedV1.model_validate(data)


def test_interview_tally_must_match_the_panel():
    data = _data(AssessmentCompletedV1)
    data["outcome"]["recommendations"]["strong_yes"] = 3
    with pytest.raises(ValidationError) as raised:
        AssessmentCompletedV1.model_validate(data)
    assert "outcome.interview_loop.recommendations" in _error_fields(raised.value)


def test_assessment_kind_selects_the_outcome_shape():
    data = _data(AssessmentCompletedV1)
    data["outcome"]["kind"] = "competency_assessment"
    with pytest.raises(ValidationError) as raised:
        AssessmentCompletedV1.model_validate(data)
    assert "outcome.competency_assessment.ratings" in _error_fields(raised.value)


def test_kpi_judgement_must_be_about_a_supported_kpi():
    data = _data(EvidenceCapturedV1)
    data["kpi_judgement"]["kpi_id"] = "another-kpi"
    with pytest.raises(ValidationError) as raised:
        EvidenceCapturedV1.model_validate(data)
    assert "kpi_judgement" in _error_fields(raised.value)


def test_not_judgeable_kpi_needs_a_reason():
    data = _data(EvidenceCapturedV1)
    data["kpi_judgement"] = {"kpi_id": "inference-latency-p95", "outcome": "not_judgeable"}
    with pytest.raises(ValidationError) as raised:
        EvidenceCapturedV1.model_validate(data)
    assert "kpi_judgement.reason" in _error_fields(raised.value)


def test_previous_score_comes_with_previous_band():
    data = {**_data(PromotionReadinessChangedV1), "previous_band": None}
    with pytest.raises(ValidationError) as raised:
        PromotionReadinessChangedV1.model_validate(data)
    assert "previous_score" in _error_fields(raised.value)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Mean Time to Resolution (MTTR)", "mean-time-to-resolution-mttr"),
        ("AI Engineer (mid-level / AI Engineer II)", "ai-engineer-mid-level-ai-engineer-ii"),
        ("Données & Modèles", "donnees-modeles"),
    ],
)
def test_slugify_makes_stable_ids(title, slug):
    assert slugify(title) == slug


def test_slugify_refuses_text_without_letters():
    with pytest.raises(ValueError, match="no letters or digits"):
        slugify(" -- ")
