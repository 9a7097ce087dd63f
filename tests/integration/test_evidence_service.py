"""The evidence service on a real broker, on SQLite and PostgreSQL.

One service runs per backend for the whole module (each start costs a consumer
group join), and one independent reader records its output topics for the
whole module; every test works on people of its own, so tests never see each
other's evidence. Inputs are produced and outputs read with plain aiokafka.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from sqlalchemy import func, inspect, select, text

from ladder_contracts import CloudEvent, EventData
from ladder_contracts.common import ExperienceLevel, Importance, SourceShape
from ladder_contracts.events.assessment import (
    AssessmentCompletedV1,
    CompetencyAssessmentOutcome,
    CompetencyRating,
    DecisionSignal,
    DimensionAggregate,
    InterviewLoopOutcome,
    RecommendationTally,
)
from ladder_contracts.events.evidence import EVIDENCE_TOPIC
from ladder_contracts.events.privacy import PersonErasedV1
from ladder_contracts.events.roles import RoleChangeOrigin, RoleUpdatedV1
from ladder_contracts.inputs.hr import (
    CompetencyReviewRating,
    EmployeeHiredV1,
    KpiReviewRating,
    ReviewPeriod,
    ReviewSubmittedV1,
)
from ladder_contracts.inputs.privacy import PersonErasureRequestedV1
from ladder_contracts.role import Competency, Kpi, PromotionCriterion, Role, RoleSource
from ladder_evidence.bootstrap import bootstrap as evidence_bootstrap
from ladder_evidence.store.tables import evidence_items
from ladder_runtime.auth import Scopes
from ladder_runtime.store.tables import inbox, outbox
from tests.conftest import eventually, service_settings
from tests.kafka_tools import header, produce_raw, read_topic
from tests.service_harness import running_service

SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "ladder_contracts" / "schemas"
DLQ_TOPIC = "ladder.evidence.dlq"
HR_SOURCE = "/hr/workday"

ROLE = Role(
    id="junior-ai-engineer-evidence-test",
    title="Junior AI Engineer",
    competencies=[
        Competency(
            id="model-monitoring",
            name="Model monitoring",
            importance=Importance.IMPORTANT,
            expected_level=ExperienceLevel.MID,
            description="Dashboards and alerts for model quality, data drift and latency in production.",
        ),
        Competency(
            id="debugging",
            name="Debugging across layers",
            expected_level=ExperienceLevel.MID,
            description="Finding root causes across data, model, service and infrastructure.",
        ),
        Competency(id="documentation", name="Documentation", description="Runbooks and model cards others can follow."),
    ],
    kpis=[
        Kpi(id="inference-latency-p95-p99", name="Inference latency (p95/p99)", target="Meet SLO (e.g., p95 < 200ms)"),
        Kpi(id="story-completion-rate", name="Story completion rate", target="80–90% completion for owned items"),
        Kpi(id="cost-per-1k-predictions", name="Cost per 1k predictions", target="Trending down QoQ; target set per product"),
    ],
    promotion_criteria=[
        PromotionCriterion(id="end-to-end-delivery", text="Independently deliver medium-scope features end-to-end."),
        PromotionCriterion(
            id="system-thinking", text="Stronger system thinking: failure modes, data dependencies, monitoring design."
        ),
    ],
    source=RoleSource(file_name="manual", shape=SourceShape.CMS_POST_JSON, sha256=hashlib.sha256(b"ev").hexdigest()),
)


# -- the service, once per backend ---------------------------------------------------


@pytest.fixture(scope="module")
async def evidence(module_databases, kafka_bootstrap, tmp_path_factory):
    settings = service_settings(
        "evidence",
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp("evidence"),
        database_url=await module_databases.create("evidence"),
    )
    async with running_service(evidence_bootstrap, settings) as service:
        await produce(
            kafka_bootstrap,
            RoleUpdatedV1(role=ROLE, role_version=1, changes=[], origin=RoleChangeOrigin.IMPORT, updated_at=datetime.now(UTC)),
            source="/ladder/roles",
        )
        await eventually(lambda: _replicated(service), message="the role replicated")
        yield service


class TopicRecorder:
    """An independent reader of output topics: plain aiokafka, no consumer group, from the beginning.

    Without a group there is no join to wait for, so tests wait only for the
    records themselves (``read_topic`` pays a group join on every call).
    """

    def __init__(self, bootstrap: str, *topics: str) -> None:
        self._consumer = AIOKafkaConsumer(
            *topics, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest", enable_auto_commit=False
        )
        self.records: list[ConsumerRecord] = []
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._task = asyncio.create_task(self._record())

    async def _record(self) -> None:
        async for record in self._consumer:
            self.records.append(record)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def about(self, topic: str, key: str, count: int) -> list[dict]:
        """The first ``count`` events on ``topic`` keyed ``key``, once that many arrived, as JSON."""

        def arrived():
            mine = [r for r in self.records if r.topic == topic and r.key == key.encode()]
            return mine if len(mine) >= count else None

        return [json.loads(r.value) for r in await eventually(arrived, message=f"{count} record(s) of {key} on {topic}")]


@pytest.fixture(scope="module")
async def published(evidence, kafka_bootstrap):
    recorder = TopicRecorder(kafka_bootstrap, EVIDENCE_TOPIC, PersonErasedV1.topic, DLQ_TOPIC)
    await recorder.start()
    try:
        yield recorder
    finally:
        await recorder.stop()


async def _replicated(service) -> bool:
    async with service.runtime.unit_of_work() as uow:
        return await uow.roles.get(ROLE.id) is not None


# -- helpers -------------------------------------------------------------------------


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def event_json(data: EventData, *, source: str = HR_SOURCE) -> bytes:
    return CloudEvent.wrap(data, source=source).to_json()


async def produce(bootstrap: str, data: EventData, *, source: str = HR_SOURCE, value: bytes | None = None) -> bytes:
    value = value or event_json(data, source=source)
    await produce_raw(bootstrap, type(data).topic, value, key=data.subject().encode())
    return value


async def hire(evidence, bootstrap: str, *, manager_id: str | None = None) -> str:
    person_id = unique("person")
    await produce(
        bootstrap,
        EmployeeHiredV1(
            person_id=person_id,
            role_id=ROLE.id,
            hired_at=datetime.now(UTC) - timedelta(days=200),
            manager_id=manager_id,
            hr_system="workday",
        ),
    )

    async def assigned():
        async with evidence.runtime.unit_of_work() as uow:
            return await uow.people.get(person_id)

    await eventually(assigned, message=f"the hire of {person_id}")
    return person_id


def a_review(person_id: str, *, reviewer_id: str, **overrides) -> ReviewSubmittedV1:
    values = {
        "review_id": unique("review"),
        "person_id": person_id,
        "reviewer_id": reviewer_id,
        "period": ReviewPeriod(starts_on=datetime(2026, 1, 1).date(), ends_on=datetime(2026, 6, 30).date(), label="2026-H1"),
        "submitted_at": datetime.now(UTC) - timedelta(days=3),
        "competency_ratings": [
            CompetencyReviewRating(competency_id="model-monitoring", rating=4),
            CompetencyReviewRating(competency_id="debugging", rating=3),
        ],
        "kpi_ratings": [KpiReviewRating(kpi_id="inference-latency-p95-p99", rating=5, measured_value=150)],
        "summary": "Private note: handled the outage calmly",
    }
    return ReviewSubmittedV1(**(values | overrides))


async def events_about(bootstrap: str, topic: str, person_id: str, count: int) -> list[dict]:
    """The person's events read as a downstream team would start: a fresh consumer group, from the beginning."""
    records = await read_topic(
        bootstrap, topic, until=lambda rs: sum(r.key == person_id.encode() for r in rs) >= count
    )
    mine = [r for r in records if r.key == person_id.encode()]
    return [json.loads(r.value) for r in mine]


def schema_of(ce_type: str) -> dict:
    return json.loads((SCHEMAS / f"{ce_type}.json").read_text())


def conforms(event: dict) -> dict:
    """What an independent consumer does: validate against the committed JSON Schema of the event's type."""
    jsonschema.validate(event, schema_of(event["type"]))
    return event


async def item_count(evidence, person_id: str) -> int:
    async with evidence.runtime.engine.connect() as conn:
        return (
            await conn.execute(select(func.count()).select_from(evidence_items).where(evidence_items.c.person_id == person_id))
        ).scalar_one()


async def outbox_rows_about(evidence, person_id: str) -> list[str]:
    async with evidence.runtime.engine.connect() as conn:
        rows = await conn.execute(select(outbox.c.event_type).where(outbox.c.message_key == person_id).order_by(outbox.c.seq))
        return [row.event_type for row in rows]


async def processed(evidence, event_id: str) -> bool:
    async with evidence.runtime.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(inbox).where(inbox.c.event_id == event_id))).scalar_one() == 1


async def capture_over_http(evidence, person_id: str, body: dict, *, subject: str = "someone"):
    return await evidence.http.post(
        f"/v1/people/{person_id}/evidence", json=body, headers=evidence.token(subject, Scopes.EVIDENCE_WRITE)
    )


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


# -- tests ---------------------------------------------------------------------------


async def test_a_review_becomes_one_captured_event_per_rating_for_an_independent_consumer(evidence, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap, manager_id="manager-1")
    review = a_review(person_id, reviewer_id="manager-1")
    await produce(kafka_bootstrap, review)

    received = [conforms(e) for e in await events_about(kafka_bootstrap, EVIDENCE_TOPIC, person_id, 3)]
    assert len(received) == 3
    assert {e["type"] for e in received} == {"ladder.evidence.captured.v1"}
    by_target = {
        (e["data"]["supports"].get("competency_ids") or e["data"]["supports"].get("kpi_ids"))[0]: e["data"] for e in received
    }
    assert set(by_target) == {"model-monitoring", "debugging", "inference-latency-p95-p99"}
    monitoring = by_target["model-monitoring"]
    assert (monitoring["kind"], monitoring["mapping"], monitoring["verification"]) == (
        "review_rating",
        "declared",
        "manager_verified",
    )
    assert monitoring["strength"] == 0.75  # 4 on the 1-5 scale
    assert monitoring["source"] == {"origin": "upstream", "system": "workday", "reference": review.review_id}
    assert (monitoring["role_id"], monitoring["role_version"], monitoring["revision"]) == (ROLE.id, 1, 1)
    latency = by_target["inference-latency-p95-p99"]
    assert latency["kind"] == "kpi_measurement"
    assert latency["kpi_judgement"] == {"kpi_id": "inference-latency-p95-p99", "outcome": "met", "measured_value": 150.0}
    assert all("Private note" not in json.dumps(e) for e in received)  # the summary stays in the portfolio

    portfolio = await evidence.http.get(
        f"/v1/people/{person_id}/evidence", headers=evidence.token("hr", Scopes.PEOPLE_READ)
    )
    assert portfolio.status_code == 200, portfolio.text
    assert {item["summary"] for item in portfolio.json()["items"]} == {"Private note: handled the outage calmly"}


async def test_a_redelivered_review_changes_nothing_and_an_amended_one_corrects(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap, manager_id="manager-2")
    review = a_review(person_id, reviewer_id="manager-2")
    value = await produce(kafka_bootstrap, review)
    await published.about(EVIDENCE_TOPIC, person_id, 3)

    duplicates_before = evidence.runtime.consumer.stats.duplicates
    await produce(kafka_bootstrap, review, value=value)  # the very same record again
    resent = event_json(review)  # the same review under a new event id, as an HR system re-sends
    await produce(kafka_bootstrap, review, value=resent)
    await eventually(lambda: evidence.runtime.consumer.stats.duplicates > duplicates_before, message="duplicate seen")
    await eventually(lambda: processed(evidence, json.loads(resent)["id"]), message="re-sent review handled")
    assert await item_count(evidence, person_id) == 3
    assert await outbox_rows_about(evidence, person_id) == ["ladder.evidence.captured.v1"] * 3

    amended = review.model_copy(update={"competency_ratings": [CompetencyReviewRating(competency_id="debugging", rating=5)]})
    await produce(kafka_bootstrap, amended)
    received = await published.about(EVIDENCE_TOPIC, person_id, 4)
    correction = conforms(received[-1])
    assert correction["type"] == "ladder.evidence.corrected.v1"
    assert (correction["data"]["reason"], correction["data"]["revision"]) == ("data_error", 2)
    assert correction["data"]["supports"]["competency_ids"] == ["debugging"] and correction["data"]["strength"] == 1.0
    assert await item_count(evidence, person_id) == 3


async def test_retraction_is_published_and_hides_the_item(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap)
    created = await capture_over_http(
        evidence,
        person_id,
        {
            "kind": "shipped_work",
            "occurred_at": days_ago(2),
            "supports": {"promotion_criterion_ids": ["end-to-end-delivery"]},
            "strength": 0.8,
            "link": "https://git.example.org/pr/42",
        },
    )
    assert created.status_code == 201, created.text
    evidence_id = created.json()["evidence_id"]

    writer = evidence.token("someone", Scopes.EVIDENCE_WRITE)
    retracted = await evidence.http.post(f"/v1/evidence/{evidence_id}/retraction", json={"reason": "duplicate"}, headers=writer)
    assert retracted.status_code == 200, retracted.text
    assert retracted.json()["retraction_reason"] == "duplicate"

    captured, retraction = [conforms(e) for e in await published.about(EVIDENCE_TOPIC, person_id, 2)]
    assert captured["type"] == "ladder.evidence.captured.v1"
    assert retraction["type"] == "ladder.evidence.retracted.v1"
    assert retraction["data"] | {"retracted_at": None} == {
        "evidence_id": evidence_id,
        "person_id": person_id,
        "reason": "duplicate",
        "retracted_at": None,
    }

    reader = evidence.token("hr", Scopes.PEOPLE_READ)
    assert (await evidence.http.get(f"/v1/people/{person_id}/evidence", headers=reader)).json()["items"] == []
    shown = (await evidence.http.get(f"/v1/people/{person_id}/evidence?include_retracted=true", headers=reader)).json()
    assert [item["evidence_id"] for item in shown["items"]] == [evidence_id]
    again = await evidence.http.post(f"/v1/evidence/{evidence_id}/retraction", json={"reason": "disputed"}, headers=writer)
    assert again.status_code == 409 and "retracted" in again.json()["detail"]
    history = (await evidence.http.get(f"/v1/evidence/{evidence_id}", headers=reader)).json()["history"]
    assert [(h["action"], h["actor"]) for h in history] == [("captured", "someone"), ("retracted:duplicate", "someone")]


async def test_an_item_naming_no_targets_gets_scored_suggestions_confirmed_by_a_person(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap, manager_id="manager-3")
    created = await capture_over_http(
        evidence,
        person_id,
        {
            "kind": "incident_postmortem",
            "occurred_at": days_ago(5),
            "source": {"origin": "upstream", "system": "pagerduty", "reference": unique("pd")},
            "strength": 0.7,
            "summary": "Added drift alerts and a latency dashboard after the ranking model incident in production",
        },
    )
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["mapping"] == "suggested"
    best = item["suggestions"][0]
    assert (best["kind"], best["target_id"]) == ("competency", "model-monitoring")
    assert 0 < best["score"] <= 1 and {"drift", "latency"} <= set(best["matched_terms"])
    assert "model-monitoring" in item["supports"]["competency_ids"]

    confirmed = await evidence.http.post(
        f"/v1/evidence/{item['evidence_id']}/mapping-confirmation",
        json={"targets": {"competency_ids": ["model-monitoring"], "promotion_criterion_ids": ["system-thinking"]}},
        headers=evidence.token("manager-3", Scopes.EVIDENCE_WRITE),
    )
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["mapping"], confirmed.json()["revision"]) == ("confirmed", 2)

    captured, correction = [conforms(e) for e in await published.about(EVIDENCE_TOPIC, person_id, 2)]
    assert captured["data"]["mapping"] == "suggested"
    assert (correction["type"], correction["data"]["reason"], correction["data"]["mapping"]) == (
        "ladder.evidence.corrected.v1",
        "mapping_confirmed",
        "confirmed",
    )
    assert correction["data"]["supports"] == {
        "competency_ids": ["model-monitoring"],
        "kpi_ids": [],
        "promotion_criterion_ids": ["system-thinking"],
    }


async def test_kpi_measurements_are_judged_against_the_roles_target(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap)
    measured = await capture_over_http(
        evidence,
        person_id,
        {
            "kind": "kpi_measurement",
            "occurred_at": days_ago(1),
            "source": {"origin": "upstream", "system": "grafana"},
            "verification": "system_measured",
            "measurement": {"kpi_id": "inference-latency-p95-p99", "value": 0.25, "unit": "s"},
        },
    )
    assert measured.status_code == 201, measured.text
    assert measured.json()["kpi_judgement"] == {
        "kpi_id": "inference-latency-p95-p99",
        "outcome": "not_met",
        "measured_value": 250.0,
        "reason": None,
    }
    assert measured.json()["strength"] == 0.0 and measured.json()["supports"]["kpi_ids"] == ["inference-latency-p95-p99"]

    unjudgeable = {
        "kind": "kpi_measurement",
        "occurred_at": days_ago(1),
        "measurement": {"kpi_id": "cost-per-1k-predictions", "value": 0.8},
    }
    refused = await capture_over_http(evidence, person_id, unjudgeable)
    assert refused.status_code == 422 and refused.json()["detail"].startswith("strength: required")
    accepted = await capture_over_http(evidence, person_id, unjudgeable | {"strength": 0.5})
    judgement = accepted.json()["kpi_judgement"]
    assert judgement["outcome"] == "not_judgeable" and "has no number" in judgement["reason"]

    readings = (await evidence.http.get(f"/v1/roles/{ROLE.id}/kpi-targets")).json()
    assert [(r["kpi_id"], r["judgeable"], r["reading"]) for r in readings] == [
        ("inference-latency-p95-p99", True, "p95 < 200 ms"),
        ("story-completion-rate", True, "80–90%"),
        ("cost-per-1k-predictions", False, None),
    ]
    events = [conforms(e) for e in await published.about(EVIDENCE_TOPIC, person_id, 2)]
    assert [e["data"]["kpi_judgement"]["outcome"] for e in events] == ["not_met", "not_judgeable"]


async def test_a_competency_assessment_becomes_evidence_and_an_interview_loop_does_not(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap)
    loop = AssessmentCompletedV1(
        assessment_id=unique("loop"),
        person_id=person_id,
        role_id=ROLE.id,
        role_version=1,
        outcome=InterviewLoopOutcome(
            kind="interview_loop",
            completion="all_submitted",
            interviewer_ids=["i-1"],
            dimensions=[DimensionAggregate(dimension_id="coding", mean=4, spread=0, count=1)],
            recommendations=RecommendationTally(strong_no=0, no=0, yes=1, strong_yes=0),
            decision=DecisionSignal(signal="hire", rule="all yes"),
        ),
        completed_at=datetime.now(UTC) - timedelta(days=300),
    )
    assessment = AssessmentCompletedV1(
        assessment_id=unique("assessment"),
        person_id=person_id,
        role_id=ROLE.id,
        role_version=1,
        outcome=CompetencyAssessmentOutcome(
            kind="competency_assessment",
            assessor_role="manager",
            assessor_id="manager-9",
            ratings=[
                CompetencyRating(competency_id="model-monitoring", level=ExperienceLevel.SENIOR),
                CompetencyRating(competency_id="debugging", level=ExperienceLevel.ENTRY),
            ],
        ),
        completed_at=datetime.now(UTC) - timedelta(hours=2),
    )
    loop_event = await produce(kafka_bootstrap, loop, source="/ladder/assessment")
    await produce(kafka_bootstrap, assessment, source="/ladder/assessment")

    received = [conforms(e)["data"] for e in await published.about(EVIDENCE_TOPIC, person_id, 2)]
    assert {(e["supports"]["competency_ids"][0], e["strength"], e["verification"]) for e in received} == {
        ("model-monitoring", 1.0, "manager_verified"),
        ("debugging", 0.5, "manager_verified"),
    }
    assert {(e["kind"], e["source"]["origin"], e["source"]["reference"]) for e in received} == {
        ("assessment_result", "derived", assessment.assessment_id)
    }
    await eventually(lambda: processed(evidence, json.loads(loop_event)["id"]), message="the interview loop handled")
    assert await item_count(evidence, person_id) == 2


async def test_erasure_leaves_no_row_of_the_person_and_is_published(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap, manager_id="manager-4")
    bystander = await hire(evidence, kafka_bootstrap, manager_id="manager-4")
    await produce(kafka_bootstrap, a_review(person_id, reviewer_id="manager-4"))
    await produce(kafka_bootstrap, a_review(bystander, reviewer_id="manager-4"))
    suggested = await capture_over_http(
        evidence, person_id, {"kind": "feedback", "occurred_at": days_ago(1), "strength": 0.4, "summary": "Great runbooks"}
    )
    await evidence.http.post(
        f"/v1/evidence/{suggested.json()['evidence_id']}/retraction",
        json={"reason": "entered_in_error"},
        headers=evidence.token("someone", Scopes.EVIDENCE_WRITE),
    )
    await published.about(EVIDENCE_TOPIC, person_id, 5)
    await published.about(EVIDENCE_TOPIC, bystander, 3)
    assert await rows_mentioning(evidence, person_id), "the person is in the store before the erasure"

    request = PersonErasureRequestedV1(
        request_id=unique("erasure"), person_id=person_id, requested_at=datetime.now(UTC), requested_by="dpo-1"
    )
    await produce(kafka_bootstrap, request, source="/privacy/portal")
    (erased,) = await published.about(PersonErasedV1.topic, person_id, 1)
    conforms(erased)
    assert erased["data"]["request_id"] == request.request_id and erased["data"]["service"] == "evidence"
    suggested_targets = sum(len(ids) for ids in suggested.json()["supports"].values())
    assert erased["data"]["erased"] == {
        "evidence_items": 4,  # three from the review, one entered over HTTP
        "evidence_targets": 3 + suggested_targets,
        "evidence_mapping_suggestions": len(suggested.json()["suggestions"]),
        "evidence_audit_entries": 5,  # four captures and a retraction
        "role_assignments": 1,
        "outbox_records": 5,  # four EvidenceCaptured and one EvidenceRetracted
    }

    # Only the confirmation itself still names the person; the bystander keeps everything.
    assert await rows_mentioning(evidence, person_id) == [("outbox", "ladder.person.erased.v1")]
    assert await item_count(evidence, bystander) == 3
    response = await evidence.http.get(
        f"/v1/people/{person_id}/evidence", headers=evidence.token("hr", Scopes.PEOPLE_READ)
    )
    assert response.status_code == 404


async def rows_mentioning(evidence, person_id: str) -> list[tuple[str, str]]:
    """Every row of every table of the service's database whose values contain the person's id."""
    async with evidence.runtime.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        found = []
        for table in tables:
            for row in await conn.execute(text(f'SELECT * FROM "{table}"')):
                values = [v.decode(errors="replace") if isinstance(v, bytes) else str(v) for v in row]
                if any(person_id in value for value in values):
                    found.append((table, row._mapping.get("event_type", "")))
        return found


async def test_bad_http_input_is_refused_naming_the_field_and_writes_nothing(evidence, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap, manager_id="manager-5")
    good = {
        "kind": "certification",
        "occurred_at": days_ago(10),
        "supports": {"competency_ids": ["model-monitoring"]},
        "strength": 0.6,
    }

    async def refused(body: dict, *, person: str = person_id, subject: str = "someone") -> tuple[int, str]:
        response = await capture_over_http(evidence, person, body, subject=subject)
        return response.status_code, json.dumps(response.json()["detail"])

    status, detail = await refused(good, person="nobody-we-know")
    assert status == 404 and "person_id" in detail and "nobody-we-know" in detail
    status, detail = await refused(good | {"supports": {"competency_ids": ["model-monitoring", "juggling"]}})
    assert status == 422 and detail.startswith('"supports.competency_ids:') and "'juggling'" in detail
    status, detail = await refused(good | {"occurred_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()})
    assert status == 422 and detail.startswith('"occurred_at:') and "in the future" in detail
    status, detail = await refused(good | {"summary": "x" * 501})
    assert status == 422 and '"summary"' in detail
    status, detail = await refused(good | {"summary": "x" * 20_000})
    assert status == 413 and "request body" in detail
    status, detail = await refused(good | {"verification": "manager_verified"}, subject="not-the-manager")
    assert status == 403 and detail.startswith('"verification:')
    status, detail = await refused(good | {"kind": "kpi_measurement"})
    assert status == 422 and '"measurement"' in detail

    no_token = await evidence.http.post(f"/v1/people/{person_id}/evidence", json=good)
    assert no_token.status_code == 401
    wrong_scope = await evidence.http.post(
        f"/v1/people/{person_id}/evidence", json=good, headers=evidence.token("x", Scopes.PEOPLE_READ)
    )
    assert wrong_scope.status_code == 403 and Scopes.EVIDENCE_WRITE in wrong_scope.json()["detail"]
    read_without_scope = await evidence.http.get(
        f"/v1/people/{person_id}/evidence", headers=evidence.token("x", Scopes.EVIDENCE_WRITE)
    )
    assert read_without_scope.status_code == 403 and Scopes.PEOPLE_READ in read_without_scope.json()["detail"]

    assert await item_count(evidence, person_id) == 0 and await outbox_rows_about(evidence, person_id) == []
    by_manager = await capture_over_http(evidence, person_id, good | {"verification": "manager_verified"}, subject="manager-5")
    assert by_manager.status_code == 201, by_manager.text


async def test_bad_topic_input_is_dead_lettered_with_the_reason_and_nothing_partial(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap, manager_id="manager-6")
    stranger = unique("stranger")
    rejected = {
        "unknown person": a_review(stranger, reviewer_id="manager-6"),
        "ids not on the role": a_review(
            person_id,
            reviewer_id="manager-6",
            competency_ratings=[
                CompetencyReviewRating(competency_id="debugging", rating=4),
                CompetencyReviewRating(competency_id="juggling", rating=5),
            ],
        ),
        "future date": a_review(person_id, reviewer_id="manager-6", submitted_at=datetime.now(UTC) + timedelta(days=2)),
    }
    values = {label: await produce(kafka_bootstrap, review) for label, review in rejected.items()}
    oversize = json.loads(event_json(a_review(person_id, reviewer_id="manager-6")))
    oversize["data"]["summary"] = "x" * 5000
    values["oversize"] = json.dumps(oversize).encode()
    await produce_raw(kafka_bootstrap, ReviewSubmittedV1.topic, values["oversize"], key=person_id.encode())
    good = a_review(person_id, reviewer_id="manager-6")
    await produce(kafka_bootstrap, good)  # the consumer goes on after the rejections

    await published.about(EVIDENCE_TOPIC, person_id, 3)
    ids = {label: json.loads(value)["id"] for label, value in values.items()}

    def dead_letters():
        letters = {json.loads(r.value)["id"]: r for r in published.records if r.topic == DLQ_TOPIC}
        return letters if letters.keys() >= set(ids.values()) else None

    letters = await eventually(dead_letters, message="the four dead letters")
    reasons = {label: header(letters[event_id], "ladder-dlq-reason") for label, event_id in ids.items()}
    assert "person_id: no hire is known" in reasons["unknown person"] and stranger in reasons["unknown person"]
    assert "competency_ratings.competency_id: 'juggling' is not among the competencies" in reasons["ids not on the role"]
    assert reasons["future date"].startswith("rejected by handler: submitted_at:") and "in the future" in reasons["future date"]
    assert reasons["oversize"].startswith("data.summary:") and "500" in reasons["oversize"]
    assert {header(letters[i], "ladder-dlq-kind") for i in ids.values()} == {"rejected", "invalid"}
    assert all(letters[i].value == values[label] for label, i in ids.items())  # original records, untouched
    assert all(header(letters[i], "ladder-dlq-original-topic") == "hr.reviews" for i in ids.values())

    # Nothing partial: the good review's three items are all the person has; the stranger has nothing.
    assert await item_count(evidence, person_id) == 3
    assert await item_count(evidence, stranger) == 0


async def test_reads_of_a_portfolio_and_an_item_need_people_read(evidence, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap)
    created = await capture_over_http(
        evidence,
        person_id,
        {"kind": "feedback", "occurred_at": days_ago(3), "supports": {"competency_ids": ["documentation"]}, "strength": 0.5},
    )
    item_url = f"/v1/evidence/{created.json()['evidence_id']}"
    assert (await evidence.http.get(item_url)).status_code == 401
    assert (await evidence.http.get(item_url, headers=evidence.token("x", Scopes.EVIDENCE_WRITE))).status_code == 403
    shown = await evidence.http.get(item_url, headers=evidence.token("x", Scopes.PEOPLE_READ))
    assert shown.status_code == 200 and shown.json()["supports"]["competency_ids"] == ["documentation"]
    assert (await evidence.http.get("/v1/evidence/no-such-item", headers=evidence.token("x", Scopes.PEOPLE_READ))).status_code == 404


async def test_a_correction_is_published_as_the_whole_item_at_its_next_revision(evidence, published, kafka_bootstrap):
    person_id = await hire(evidence, kafka_bootstrap, manager_id="manager-7")
    created = await capture_over_http(
        evidence,
        person_id,
        {"kind": "shipped_work", "occurred_at": days_ago(4), "supports": {"competency_ids": ["debugging"]}, "strength": 0.6},
        subject=person_id,
    )
    item_url = f"/v1/evidence/{created.json()['evidence_id']}"
    verify = {"expected_revision": 1, "verification": "manager_verified"}

    by_the_person = await evidence.http.patch(item_url, json=verify, headers=evidence.token(person_id, Scopes.EVIDENCE_WRITE))
    assert by_the_person.status_code == 403 and by_the_person.json()["detail"].startswith("verification:")
    by_the_manager = await evidence.http.patch(item_url, json=verify, headers=evidence.token("manager-7", Scopes.EVIDENCE_WRITE))
    assert by_the_manager.status_code == 200, by_the_manager.text
    assert (by_the_manager.json()["revision"], by_the_manager.json()["verification"]) == (2, "manager_verified")

    stale = await evidence.http.patch(
        item_url, json={"expected_revision": 1, "strength": 0.9}, headers=evidence.token("manager-7", Scopes.EVIDENCE_WRITE)
    )
    assert stale.status_code == 409 and "revision 2, not 1" in stale.json()["detail"]
    remapped = await evidence.http.patch(
        item_url,
        json={"expected_revision": 2, "supports": {"competency_ids": ["debugging", "documentation"]}},
        headers=evidence.token("manager-7", Scopes.EVIDENCE_WRITE),
    )
    assert remapped.status_code == 200, remapped.text
    off_role = await evidence.http.patch(
        item_url,
        json={"expected_revision": 3, "supports": {"kpi_ids": ["uptime"]}},
        headers=evidence.token("manager-7", Scopes.EVIDENCE_WRITE),
    )
    assert off_role.status_code == 422 and off_role.json()["detail"].startswith("supports.kpi_ids:")

    captured, verified, remap = [conforms(e)["data"] for e in await published.about(EVIDENCE_TOPIC, person_id, 3)]
    assert (verified["reason"], verified["revision"], verified["verification"]) == ("verification_changed", 2, "manager_verified")
    assert (remap["reason"], remap["revision"], remap["mapping"]) == ("mapping_changed", 3, "confirmed")
    assert remap["supports"]["competency_ids"] == ["debugging", "documentation"]
    assert remap["verification"] == "manager_verified" and remap["strength"] == 0.6  # the whole item, as it now stands
