"""The progression service on a real broker, on SQLite and PostgreSQL.

Role versions, hires, evidence and assessments are produced onto their topics
as CloudEvents by the test; PromotionReadinessChanged and dead letters are read
back by an independent aiokafka consumer and checked against the committed
JSON Schema. One service runs per backend for the module; every test uses
roles and people of its own.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import jsonschema
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from ladder_contracts import CloudEvent, EventData
from ladder_contracts.common import ExperienceLevel, Importance, SourceShape
from ladder_contracts.events.assessment import AssessmentCompletedV1, AssessorRole, CompetencyAssessmentOutcome, CompetencyRating
from ladder_contracts.events.evidence import (
    EvidenceCapturedV1,
    EvidenceKind,
    EvidenceRetractedV1,
    EvidenceSource,
    EvidenceTargets,
    KpiJudgement,
    KpiOutcome,
    MappingStatus,
    RetractionReason,
    SourceOrigin,
    Verification,
)
from ladder_contracts.events.progression import PromotionReadinessChangedV1
from ladder_contracts.events.roles import RoleChangeOrigin, RoleUpdatedV1
from ladder_contracts.inputs.hr import EmployeeHiredV1
from ladder_contracts.inputs.privacy import PersonErasureRequestedV1
from ladder_contracts.role import CareerPath, Competency, Kpi, PromotionCriterion, Role, RoleRef, RoleSource
from ladder_progression.bootstrap import bootstrap as progression_bootstrap
from ladder_progression.settings import ProgressionSettings
from ladder_progression.store.tables import contributions, readiness, signals, tracks
from ladder_runtime.auth import Scopes
from ladder_runtime.store.tables import outbox
from tests.conftest import eventually, service_settings
from tests.kafka_tools import header, read_topic
from tests.service_harness import running_service

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "contracts" / "ladder_contracts" / "schemas"
READINESS_TOPIC = PromotionReadinessChangedV1.topic
DEAD_LETTERS = "ladder.progression.dlq"
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=90)
POLICY = ProgressionSettings(reevaluation_batch_size=2, reevaluation_poll_interval_s=0.5)


# --- one running service per backend for the whole module --------------------------------


@pytest.fixture(scope="module")
async def progression(module_databases, kafka_bootstrap, tmp_path_factory):
    """Starting a service (migrations, consumer group join) takes seconds, so the tests share one per backend."""
    settings = service_settings(
        "progression",
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp(f"progression-{module_databases.backend}"),
        database_url=await module_databases.create("progression"),
    )
    async with running_service(partial(progression_bootstrap, progression=POLICY), settings) as service:
        yield service


@pytest.fixture(scope="module")
async def producer(kafka_bootstrap):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


# --- roles, people and events ----------------------------------------------------------------


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def at(days: float) -> datetime:
    return START + timedelta(days=days)


class Ladder:
    """A two-step career ladder of this test's own: an associate role leading to an engineer role."""

    def __init__(self) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.current_id, self.target_id = f"associate-{suffix}", f"engineer-{suffix}"

    def current(self, *, extra_criteria: tuple[str, ...] = ()) -> Role:
        return Role(
            id=self.current_id,
            title="Associate Engineer",
            level="Associate",
            kpis=[Kpi(id="uptime", name="Uptime", target="99.9%"), Kpi(id="latency", name="Latency", target="p95 < 200ms")],
            promotion_criteria=[
                PromotionCriterion(id=criterion, text=f"Shows {criterion}")
                for criterion in ("delivery", "evaluation", *extra_criteria)
            ],
            career_path=CareerPath(
                next_roles=[RoleRef(role_id=self.target_id, title="Engineer (Mid-level)")],
                adjacent_roles=[RoleRef(role_id="data-engineer", title="Data Engineer")],
            ),
            source=_source(self.current_id + "".join(extra_criteria)),
        )

    def target(self) -> Role:
        return Role(
            id=self.target_id,
            title="Engineer (Mid-level)",
            level="Mid-level",
            competencies=[
                Competency(id="python", name="Python", importance=Importance.IMPORTANT, expected_level=ExperienceLevel.MID)
            ],
            source=_source(self.target_id),
        )


def _source(name: str) -> RoleSource:
    return RoleSource(file_name="test.json", shape=SourceShape.CMS_POST_JSON, sha256=hashlib.sha256(name.encode()).hexdigest())


def role_updated(role: Role, version: int, *, days: float = 0) -> RoleUpdatedV1:
    return RoleUpdatedV1(
        role=role,
        role_version=version,
        previous_role_version=version - 1 if version > 1 else None,
        origin=RoleChangeOrigin.IMPORT if version == 1 else RoleChangeOrigin.EDIT,
        updated_at=at(days),
    )


def hired(person_id: str, role_id: str, *, days: float = 0, team_id: str = "team-x") -> EmployeeHiredV1:
    return EmployeeHiredV1(
        person_id=person_id, role_id=role_id, hired_at=at(days), team_id=team_id, manager_id="manager-1", hr_system="workday"
    )


def captured(
    person_id: str,
    role_id: str,
    *,
    days: float,
    promotion: tuple[str, ...] = (),
    competencies: tuple[str, ...] = (),
    kpi: str | None = None,
    met: bool = True,
    kind: EvidenceKind = EvidenceKind.SHIPPED_WORK,
    system: str = "github",
    verification: Verification = Verification.MANAGER_VERIFIED,
    mapping: MappingStatus = MappingStatus.DECLARED,
    strength: float = 0.9,
    evidence_id: str | None = None,
) -> EvidenceCapturedV1:
    if kpi is not None:
        kind = EvidenceKind.KPI_MEASUREMENT
    return EvidenceCapturedV1(
        evidence_id=evidence_id or unique("ev"),
        revision=1,
        person_id=person_id,
        role_id=role_id,
        role_version=1,
        kind=kind,
        source=EvidenceSource(origin=SourceOrigin.UPSTREAM, system=system),
        occurred_at=at(days - 1),
        supports=EvidenceTargets(
            promotion_criterion_ids=list(promotion), competency_ids=list(competencies), kpi_ids=[kpi] if kpi else []
        ),
        mapping=mapping,
        strength=strength,
        verification=verification,
        kpi_judgement=KpiJudgement(kpi_id=kpi, outcome=KpiOutcome.MET if met else KpiOutcome.NOT_MET) if kpi else None,
        captured_at=at(days),
    )


def rated(person_id: str, role_id: str, *, assessor: str, role: AssessorRole, days: float) -> AssessmentCompletedV1:
    return AssessmentCompletedV1(
        assessment_id=unique("assessment"),
        person_id=person_id,
        role_id=role_id,
        role_version=1,
        outcome=CompetencyAssessmentOutcome(
            kind="competency_assessment",
            assessor_role=role,
            assessor_id=assessor,
            ratings=[CompetencyRating(competency_id="python", level=ExperienceLevel.MID)],
        ),
        completed_at=at(days),
    )


def corroborated(person_id: str, ladder: Ladder, target: str, *, days: float) -> list[EvidenceCapturedV1]:
    """Two independent items that meet one criterion: a promotion criterion, or a KPI."""
    kwargs = {"kpi": target} if target in ("uptime", "latency") else {"promotion": (target,)}
    return [
        captured(person_id, ladder.current_id, days=days, **kwargs),
        captured(person_id, ladder.current_id, days=days, system="jira", kind=EvidenceKind.INCIDENT_POSTMORTEM, **kwargs),
    ]


async def produce(producer: AIOKafkaProducer, *events: EventData) -> list[CloudEvent]:
    envelopes = [CloudEvent.wrap(data, source="/test/upstream") for data in events]
    for envelope, data in zip(envelopes, events):
        await producer.send_and_wait(type(data).topic, envelope.to_json(), key=data.subject().encode())
    return envelopes


async def set_up(producer, ladder: Ladder, *people: str, target_version: int | None = 1) -> None:
    roles = [role_updated(ladder.current(), 1)]
    if target_version:
        roles.append(role_updated(ladder.target(), target_version))
    await produce(producer, *roles, *(hired(person, ladder.current_id) for person in people))


def reader(service) -> dict[str, str]:
    return service.token("hr-partner", Scopes.PEOPLE_READ)


async def readiness_of(service, person_id: str) -> dict | None:
    response = await service.http.get(f"/v1/people/{person_id}/readiness", headers=reader(service))
    return response.json() if response.status_code == 200 else None


async def wait_for_readiness(service, person_id: str, check, message: str) -> dict:
    last: dict | None = None

    async def satisfied():
        nonlocal last
        last = await readiness_of(service, person_id)
        return last if last is not None and check(last) else None

    try:
        return await eventually(satisfied, message=message)
    except AssertionError as timeout:
        seen = {k: last[k] for k in ("band", "score", "caused_by", "current_role", "target_role")} if last else None
        raise AssertionError(f"{timeout}; last readiness seen: {seen}") from None


def conforms(record) -> dict:
    """What an independent consumer does: validate against the committed JSON Schema of the event type."""
    event = json.loads(record.value)
    jsonschema.validate(event, json.loads((SCHEMAS / f"{event['type']}.json").read_text()))
    return event


async def readiness_events(bootstrap: str, person_id: str, *, until) -> list[dict]:
    """The person's PromotionReadinessChanged events, read until ``until`` holds for them."""

    def mine(records) -> list[dict]:
        return [json.loads(r.value) for r in records if r.key == person_id.encode()]

    records = await read_topic(bootstrap, READINESS_TOPIC, until=lambda rs: bool(mine(rs)) and until(mine(rs)))
    return [conforms(r) for r in records if r.key == person_id.encode()]


def follow_the_publication_rule(events: list[dict]) -> None:
    """Each event carries the previous one's values, and is a new band or a move of at least the step."""
    for before, after in zip(events, events[1:]):
        previous, now = before["data"], after["data"]
        assert (now["previous_band"], now["previous_score"]) == (previous["new_band"], previous["new_score"])
        assert now["new_band"] != now["previous_band"] or abs(now["new_score"] - now["previous_score"]) >= POLICY.score_step


async def outbox_count(service, person_id: str) -> int:
    async with service.runtime.engine.connect() as conn:
        query = select(func.count()).select_from(outbox).where(
            outbox.c.message_key == person_id, outbox.c.event_type == PromotionReadinessChangedV1.ce_type()
        )
        return (await conn.execute(query)).scalar_one()


async def no_reevaluation_pending(service) -> None:
    """Let role-wide re-evaluations already under way finish: whichever recomputation runs first after a
    change is the one that publishes it, and the test wants to know which that is."""

    async def idle():
        return (await service.http.get("/v1/reevaluations")).json() == []

    await eventually(idle, message="re-evaluations finished")


def band_moves(events: list[dict]) -> list[tuple[str | None, str]]:
    return [(e["data"].get("previous_band"), e["data"]["new_band"]) for e in events]  # absent on the first


# --- evidence drives readiness ------------------------------------------------------------------


async def test_evidence_and_assessments_take_a_hire_from_not_ready_to_ready(progression, producer, kafka_bootstrap):
    ladder, person = Ladder(), unique("person")
    await set_up(producer, ladder, person)
    # The target's RoleUpdated may be handled after the hire (another partition): then its arrival re-evaluates.
    first = await wait_for_readiness(progression, person, lambda r: r["target_role"]["version"] == 1, "the target's criteria")
    assert (first["score"], first["band"]) == (0.0, "not_ready")
    assert [c["status"] for c in first["criteria"]] == ["missing"] * 5

    await produce(producer, *corroborated(person, ladder, "delivery", days=10), *corroborated(person, ladder, "evaluation", days=10))
    developing = await wait_for_readiness(progression, person, lambda r: r["score"] == 0.5455, "promotion criteria met")
    assert developing["band"] == "developing"  # 6 of 11

    manager, peer = await produce(
        producer,
        rated(person, ladder.target_id, assessor="manager-1", role=AssessorRole.MANAGER, days=29),
        rated(person, ladder.target_id, assessor="peer-1", role=AssessorRole.PEER, days=29.5),
    )
    await wait_for_readiness(progression, person, lambda r: r["score"] == 0.7273, "python rated at Mid twice")

    *_, last = await produce(
        producer, *corroborated(person, ladder, "uptime", days=30), *corroborated(person, ladder, "latency", days=30)
    )
    ready = await wait_for_readiness(progression, person, lambda r: r["score"] == 1.0, "KPIs met")
    assert (ready["band"], ready["caused_by"]["event_id"], ready["top_gaps"]) == ("ready", last.id, [])
    python = next(c for c in ready["criteria"] if c["id"] == "python")
    assert python["required_level"] == "Mid" and python["sources"] == 2
    assert {e["item_id"] for e in python["latest_evidence"]} == {manager.data.assessment_id, peer.data.assessment_id}

    events = await readiness_events(kafka_bootstrap, person, until=lambda es: es[-1]["data"]["new_band"] == "ready")
    follow_the_publication_rule(events)
    assert band_moves(events)[0] == (None, "not_ready")
    assert "developing" in {e["data"]["new_band"] for e in events}
    assert any(e["data"]["caused_by_event_type"] == "ladder.assessment.completed.v1" for e in events)
    reached = next(e["data"] for e in events if e["data"]["new_band"] == "ready")
    assert reached["previous_band"] == "developing" and reached["caused_by_event_type"] == "ladder.evidence.captured.v1"
    assert (reached["current_role_id"], reached["target_role_id"], reached["target_role_version"]) == (
        ladder.current_id,
        ladder.target_id,
        1,
    )
    assert {"criterion_id": "latency", "kind": "kpi", "status": "missing"} in reached["top_gaps"]


async def test_a_retraction_lowers_readiness_and_publishes(progression, producer, kafka_bootstrap):
    ladder, person = Ladder(), unique("person")
    await set_up(producer, ladder, person, target_version=None)  # target without blueprint: 2 criteria, 2 KPIs
    evaluation = corroborated(person, ladder, "evaluation", days=5)
    await produce(
        producer,
        *corroborated(person, ladder, "delivery", days=5),
        *evaluation,
        *corroborated(person, ladder, "uptime", days=5),
        *corroborated(person, ladder, "latency", days=5),
    )
    await wait_for_readiness(progression, person, lambda r: r["score"] == 1.0, "everything met")

    *_, last = await produce(
        producer,
        *(
            EvidenceRetractedV1(
                evidence_id=item.evidence_id, person_id=person, reason=RetractionReason.DISPUTED, retracted_at=at(6)
            )
            for item in evaluation
        ),
    )
    lowered = await wait_for_readiness(progression, person, lambda r: r["band"] == "developing", "the retractions")
    assert lowered["score"] == 0.6667  # the 'evaluation' criterion (3 of 9) is missing again
    evaluation_criterion = next(c for c in lowered["criteria"] if c["id"] == "evaluation")
    assert (evaluation_criterion["status"], evaluation_criterion["items"], evaluation_criterion["latest_evidence"]) == (
        "missing",
        0,
        [],
    )

    def lowered_from_ready(events: list[dict]) -> list[dict]:
        return [e["data"] for e in events if (e["data"].get("previous_band"), e["data"]["new_band"]) == ("ready", "developing")]

    events = await readiness_events(kafka_bootstrap, person, until=lowered_from_ready)
    follow_the_publication_rule(events)
    (lowering,) = lowered_from_ready(events)
    assert (lowering["previous_band"], lowering["new_band"]) == ("ready", "developing")
    assert (lowering["caused_by_event_id"], lowering["caused_by_event_type"]) == (last.id, "ladder.evidence.retracted.v1")
    assert lowering["top_gaps"][0] == {"criterion_id": "evaluation", "kind": "promotion_criterion", "status": "missing"}


async def test_a_move_smaller_than_the_step_publishes_nothing(progression, producer, kafka_bootstrap):
    ladder, person = Ladder(), unique("person")
    await set_up(producer, ladder, person, target_version=None)
    await wait_for_readiness(progression, person, lambda r: r["band"] == "not_ready", "the first evaluation")
    assert await outbox_count(progression, person) == 1

    (weak,) = await produce(
        producer,
        captured(
            person,
            ladder.current_id,
            days=3,
            kpi="uptime",
            verification=Verification.SELF_REPORTED,
            mapping=MappingStatus.SUGGESTED,
        ),
    )
    nudged = await wait_for_readiness(progression, person, lambda r: r["caused_by"]["event_id"] == weak.id, "the weak item")
    assert 0 < nudged["score"] < POLICY.score_step
    assert nudged["last_published"] == {"band": "not_ready", "score": 0.0}
    assert await outbox_count(progression, person) == 1  # recomputed and explained, but not news

    (strong,) = await produce(producer, captured(person, ladder.current_id, days=4, promotion=("delivery",)))
    events = await readiness_events(kafka_bootstrap, person, until=lambda es: len(es) == 2)
    assert events[1]["data"]["caused_by_event_id"] == strong.id
    assert events[1]["data"]["previous_score"] == 0.0  # measured from what was last published
    assert events[1]["data"]["new_score"] > nudged["score"] + POLICY.score_step
    assert await outbox_count(progression, person) == 2


async def test_a_role_update_that_changes_criteria_reevaluates_everyone_on_the_track(progression, producer, kafka_bootstrap):
    ladder = Ladder()
    people = sorted(unique("person") for _ in range(5))  # batches of 2: three batches
    await set_up(producer, ladder, *people, target_version=None)
    for person in people:
        await produce(
            producer, *(e for target in ("delivery", "evaluation", "uptime", "latency") for e in corroborated(person, ladder, target, days=5))
        )
    for person in people:
        await wait_for_readiness(progression, person, lambda r: r["score"] == 1.0, f"{person} ready")
    await no_reevaluation_pending(progression)
    worker = progression.runtime.state["reevaluation_worker"]
    batches_before = worker.batches_total

    (update,) = await produce(producer, role_updated(ladder.current(extra_criteria=("mentoring",)), 2, days=6))
    for person in people:
        lowered = await wait_for_readiness(
            progression, person, lambda r: r["current_role"]["version"] == 2, f"{person} re-evaluated"
        )
        assert (lowered["band"], lowered["score"]) == ("developing", 0.75)  # 9 of 12: 'mentoring' is new
        assert lowered["top_gaps"][0] == "promotion_criterion:mentoring"

    def caused_by_the_update(records) -> dict[str, dict]:
        events = (json.loads(r.value) for r in records if r.key and r.key.decode() in people)
        return {e["subject"]: e for e in events if e["data"]["caused_by_event_id"] == update.id}

    records = await read_topic(kafka_bootstrap, READINESS_TOPIC, until=lambda rs: len(caused_by_the_update(rs)) == len(people))
    for record in records:
        if record.key and record.key.decode() in people:
            conforms(record)
    for event in caused_by_the_update(records).values():
        data = event["data"]
        assert (data["previous_band"], data["new_band"], data["current_role_version"]) == ("ready", "developing", 2)
        assert datetime.fromisoformat(data["computed_at"]) == at(6)  # the cause's time, not the clock
    assert worker.batches_total - batches_before >= 3
    pending = (await progression.http.get("/v1/reevaluations")).json()
    assert all(item["caused_by_event_id"] != update.id for item in pending)


# --- the API ----------------------------------------------------------------------------------


async def test_readiness_explains_itself_with_its_history_and_its_value_as_of_a_date(progression, producer):
    ladder, person = Ladder(), unique("person")
    await set_up(producer, ladder, person, target_version=None)
    await wait_for_readiness(progression, person, lambda r: r["band"] == "not_ready", "the first evaluation")
    delivery = corroborated(person, ladder, "delivery", days=10)
    await produce(producer, *delivery, *corroborated(person, ladder, "evaluation", days=20))
    current = await wait_for_readiness(progression, person, lambda r: r["score"] == 0.6667, "both criteria met")

    criterion = next(c for c in current["criteria"] if c["id"] == "delivery")
    assert criterion["status"] == "met" and criterion["sources"] == 2 and criterion["blocking"]
    assert {e["item_id"] for e in criterion["latest_evidence"]} == {item.evidence_id for item in delivery}
    assert criterion["evidenced_by"] == [{"kind": "promotion_criterion", "id": "delivery"}]
    assert current["as_of"].startswith(at(20).date().isoformat())
    assert current["top_gaps"] == ["kpi:latency", "kpi:uptime"]

    history = (await progression.http.get(f"/v1/people/{person}/readiness/history", headers=reader(progression))).json()
    assert [h["band"] for h in history] == ["developing", "developing", "not_ready", "not_ready", "not_ready"]
    assert [h["score"] for h in history] == sorted((h["score"] for h in history), reverse=True)  # newest first
    assert (history[0]["score"], history[-1]["score"]) == (0.6667, 0.0)
    assert history[-1]["published"] and history[0]["statuses"]["promotion_criterion:delivery"] == "met"
    in_effect_on_day_15 = next(h for h in history if h["effective_at"] <= at(15).isoformat().replace("+00:00", "Z"))

    as_of = f"/v1/people/{person}/readiness/as-of"
    between = await progression.http.get(as_of, params={"at": at(15).isoformat()}, headers=reader(progression))
    assert between.status_code == 200, between.text
    assert between.json() == in_effect_on_day_15
    assert (between.json()["band"], between.json()["score"]) == ("not_ready", 0.3333)  # delivery met, on day 10
    before = await progression.http.get(as_of, params={"at": at(-1).isoformat()}, headers=reader(progression))
    assert before.status_code == 404 and "none had been computed" in before.json()["detail"]
    naive = await progression.http.get(as_of, params={"at": "2026-01-01T00:00:00"}, headers=reader(progression))
    assert naive.status_code == 422 and naive.json()["detail"][0]["loc"] == ["query", "at"]

    assert (await progression.http.get(f"/v1/people/{person}/readiness")).status_code == 401
    forbidden = await progression.http.get(
        f"/v1/people/{person}/readiness", headers=progression.token("x", Scopes.EVIDENCE_WRITE)
    )
    assert forbidden.status_code == 403 and Scopes.PEOPLE_READ in forbidden.json()["detail"]
    unknown = await progression.http.get("/v1/people/nobody-at-all/readiness", headers=reader(progression))
    assert unknown.status_code == 404 and "no hire event" in unknown.json()["detail"]

    early, unpublished_role = unique("person"), unique("role")
    await produce(producer, hired(early, unpublished_role))

    async def tracked():
        response = await progression.http.get(f"/v1/people/{early}/track", headers=reader(progression))
        return response.json() if response.status_code == 200 else None

    track = await eventually(tracked, message="the hire into a role not received yet")
    assert (track["current_role"], track["target_role"]) == ({"role_id": unpublished_role, "version": None}, None)
    assert [change["reason"] for change in track["history"]] == ["hired", "hired", "hired"]
    pending = await progression.http.get(f"/v1/people/{early}/readiness", headers=reader(progression))
    assert pending.status_code == 404 and "has not been received from the roles service" in pending.json()["detail"]


async def test_a_target_and_thresholds_set_through_the_api_reevaluate_and_publish(progression, producer, kafka_bootstrap):
    ladder, person = Ladder(), unique("person")
    await set_up(producer, ladder, person, target_version=None)
    await produce(producer, *corroborated(person, ladder, "delivery", days=5), *corroborated(person, ladder, "evaluation", days=5))
    await wait_for_readiness(progression, person, lambda r: r["score"] == 0.6667, "criteria met")
    writer = progression.token("hr-admin", Scopes.TRACKS_WRITE)
    target_url = f"/v1/people/{person}/track/target"

    assert (await progression.http.put(target_url, json={"target_role_id": "data-engineer"})).status_code == 401
    unknown_role = await progression.http.put(target_url, json={"target_role_id": "astronaut"}, headers=writer)
    assert unknown_role.status_code == 422 and unknown_role.json()["detail"].startswith("target_role_id:")
    bad_slug = await progression.http.put(target_url, json={"target_role_id": "Not A Slug"}, headers=writer)
    assert bad_slug.status_code == 422 and bad_slug.json()["detail"][0]["loc"] == ["body", "target_role_id"]
    nobody = await progression.http.put("/v1/people/nobody/track/target", json={"target_role_id": None}, headers=writer)
    assert nobody.status_code == 404

    chosen = await progression.http.put(target_url, json={"target_role_id": "data-engineer"}, headers=writer)
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["track"]["target_role"] == {"role_id": "data-engineer", "version": None}
    assert chosen.json()["track"]["target_chosen"] is True
    assert [h["reason"] for h in chosen.json()["track"]["history"]][-1] == "chosen"

    thresholds_url = "/v1/roles/data-engineer/thresholds"
    await no_reevaluation_pending(progression)
    refused = await progression.http.put(thresholds_url, json={"developing_from": 0.7, "ready_from": 0.6}, headers=writer)
    assert refused.status_code == 422 and "ready_from" in json.dumps(refused.json()["detail"])
    lowered = await progression.http.put(thresholds_url, json={"developing_from": 0.3, "ready_from": 0.6}, headers=writer)
    assert lowered.status_code == 200, lowered.text
    change_id = lowered.json()["change_id"]
    assert lowered.json()["reevaluating"] is True
    ready = await wait_for_readiness(progression, person, lambda r: r["band"] == "ready", "the lower thresholds")
    assert ready["thresholds"] == {"developing_from": 0.3, "ready_from": 0.6}
    events = await readiness_events(
        kafka_bootstrap, person, until=lambda es: es[-1]["data"]["caused_by_event_id"] == change_id
    )
    assert events[-1]["data"]["new_band"] == "ready"
    assert events[-1]["data"]["caused_by_event_type"] == "ladder.progression.thresholds-changed.v1"

    reset = await progression.http.delete(thresholds_url, headers=writer)
    assert reset.status_code == 200 and reset.json()["is_default"] is True
    await wait_for_readiness(progression, person, lambda r: r["band"] == "developing", "the default thresholds")
    back = await progression.http.put(target_url, json={"target_role_id": None}, headers=writer)
    assert back.json()["track"]["target_role"]["role_id"] == ladder.target_id and not back.json()["track"]["target_chosen"]


async def test_the_heat_map_shows_criteria_against_people_of_a_role_or_a_team(progression, producer):
    ladder = Ladder()
    strong, new = unique("person-a"), unique("person-b")
    team = unique("team")
    await produce(
        producer,
        role_updated(ladder.current(), 1),
        hired(strong, ladder.current_id, team_id=team),
        hired(new, ladder.current_id, team_id=team),
        *corroborated(strong, ladder, "delivery", days=5),
    )
    await wait_for_readiness(progression, strong, lambda r: r["score"] == 0.3333, "evidence for one of them")
    await wait_for_readiness(progression, new, lambda r: True, "the other one")

    by_role = await progression.http.get("/v1/heatmap", params={"role_id": ladder.current_id}, headers=reader(progression))
    assert by_role.status_code == 200, by_role.text
    heat = by_role.json()
    assert [c["key"] for c in heat["columns"]] == [
        "promotion_criterion:delivery",
        "promotion_criterion:evaluation",
        "kpi:uptime",
        "kpi:latency",
    ]
    rows = {row["person_id"]: row for row in heat["rows"]}
    assert rows[strong]["cells"]["promotion_criterion:delivery"] == {"status": "met", "credit": 1.0}
    assert rows[new]["cells"]["promotion_criterion:delivery"] == {"status": "missing", "credit": 0.0}
    by_team = await progression.http.get("/v1/heatmap", params={"team_id": team, "limit": 1}, headers=reader(progression))
    assert [row["person_id"] for row in by_team.json()["rows"]] == sorted([strong, new])[:1]
    assert by_team.json()["next_after"] == sorted([strong, new])[0]
    neither = await progression.http.get("/v1/heatmap", headers=reader(progression))
    assert neither.status_code == 422 and "role_id, team_id" in neither.json()["detail"]


# --- privacy and bad input ---------------------------------------------------------------------


async def test_an_erasure_request_removes_the_person_and_late_events_cannot_bring_them_back(
    progression, producer, kafka_bootstrap
):
    ladder, person = Ladder(), unique("person")
    await set_up(producer, ladder, person, target_version=None)
    await produce(producer, *corroborated(person, ladder, "delivery", days=5))
    await wait_for_readiness(progression, person, lambda r: r["score"] > 0, "evidence counted")

    request = PersonErasureRequestedV1(
        request_id=unique("erasure"), person_id=person, requested_at=at(7), requested_by="dpo-1"
    )
    await produce(producer, request)
    records = await read_topic(
        kafka_bootstrap,
        "ladder.privacy",
        until=lambda rs: any(json.loads(r.value)["data"].get("request_id") == request.request_id for r in rs),
    )
    erased = next(conforms(r) for r in records if json.loads(r.value)["data"].get("request_id") == request.request_id)
    assert erased["data"]["service"] == "progression"
    assert erased["data"]["erased"]["contributions"] == 2 and erased["data"]["erased"]["tracks"] == 1

    (late,) = await produce(producer, captured(person, ladder.current_id, days=8, promotion=("evaluation",)))
    await eventually(lambda: _inbox_has(progression, late.id), message="the late event handled")
    async with progression.runtime.engine.connect() as conn:
        for table in (tracks, readiness, contributions, signals):
            left = await conn.execute(select(func.count()).select_from(table).where(table.c.person_id == person))
            assert left.scalar_one() == 0, table.name
    assert (await progression.http.get(f"/v1/people/{person}/track", headers=reader(progression))).status_code == 404


async def test_evidence_claiming_another_persons_item_is_dead_lettered_with_the_field_named(progression, producer, kafka_bootstrap):
    ladder, owner, impostor = Ladder(), unique("person"), unique("person")
    await set_up(producer, ladder, owner, impostor, target_version=None)
    shared_id = unique("ev")
    await produce(producer, captured(owner, ladder.current_id, days=2, promotion=("delivery",), evidence_id=shared_id))
    await wait_for_readiness(progression, owner, lambda r: r["score"] > 0, "the owner's evidence")

    (stolen,) = await produce(producer, captured(impostor, ladder.current_id, days=3, promotion=("delivery",), evidence_id=shared_id))
    dead = await read_topic(kafka_bootstrap, DEAD_LETTERS, until=lambda rs: any(r.key == impostor.encode() for r in rs))
    letter = next(r for r in dead if r.key == impostor.encode())
    assert json.loads(letter.value)["id"] == stolen.id  # the original record, untouched
    assert header(letter, "ladder-dlq-kind") == "rejected"
    assert header(letter, "ladder-dlq-reason").startswith("rejected by handler: person_id:")
    impostor_now = await readiness_of(progression, impostor)
    assert impostor_now is None or impostor_now["score"] == 0.0


async def _inbox_has(service, event_id: str) -> bool:
    from ladder_runtime.store.tables import inbox

    async with service.runtime.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(inbox).where(inbox.c.event_id == event_id))).scalar_one() == 1
