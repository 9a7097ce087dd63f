"""Replaying the topics into an empty store rebuilds the same readiness, on SQLite and PostgreSQL.

A first progression service consumes a person's history (evidence before the
hire, a correction, a retraction, an assessment, a new role version); then it
stops, its consumer group is rewound to the start of every topic it reads, and
a second service on an empty database consumes everything again. Arrival order
across topics and partitions differs between the two runs; readiness may not.
"""

from __future__ import annotations

from functools import partial

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from ladder_contracts.common import ExperienceLevel
from ladder_contracts.events.assessment import AssessorRole
from ladder_contracts.events.evidence import CorrectionReason, EvidenceCorrectedV1, EvidenceRetractedV1, RetractionReason
from ladder_progression.bootstrap import NAME, bootstrap
from ladder_runtime.dead_letter_tools import rewind_consumer_group
from ladder_runtime.embedded import EmbeddedKafka, free_port
from ladder_runtime.store.tables import inbox
from tests.conftest import eventually
from tests.integration.test_progression import (
    POLICY,
    Ladder,
    at,
    captured,
    corroborated,
    hired,
    produce,
    rated,
    readiness_of,
    role_updated,
    unique,
)
from tests.service_harness import running_service

DETERMINISTIC = ("band", "score", "as_of", "current_role", "target_role", "target_level", "capped_by", "top_gaps", "thresholds")


@pytest.fixture
def kafka_bootstrap():
    """A broker of this test's own: replay means reading the topics from their start, and the
    session's shared topics hold every other test's events too."""
    with EmbeddedKafka(port=free_port()) as broker:
        yield broker.bootstrap_servers


@pytest.fixture
async def producer(kafka_bootstrap):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    yield producer
    await producer.stop()


def rebuildable(readiness: dict) -> dict:
    """Everything about readiness that must not depend on arrival order (not which event came last)."""
    return {key: readiness[key] for key in DETERMINISTIC} | {
        "criteria": [
            {key: value for key, value in criterion.items() if key != "latest_evidence"}
            | {"latest_evidence": sorted(e["item_id"] for e in criterion["latest_evidence"])}
            for criterion in readiness["criteria"]
        ]
    }


async def settled(service, event_ids: set[str]) -> bool:
    """Every one of our events handled and no role-wide re-evaluation still walking."""
    async with service.runtime.engine.connect() as conn:
        handled = (
            await conn.execute(select(func.count()).select_from(inbox).where(inbox.c.event_id.in_(event_ids)))
        ).scalar_one()
    pending = (await service.http.get("/v1/reevaluations")).json()
    return handled == len(event_ids) and not pending


async def test_replaying_the_topics_into_an_empty_store_rebuilds_the_same_readiness(
    make_settings, new_database, kafka_bootstrap, producer
):
    ladder, person = Ladder(), unique("person")
    first_item = captured(person, ladder.current_id, days=2, promotion=("delivery",), strength=0.6)
    corrected = EvidenceCorrectedV1(
        **(first_item.model_dump(exclude={"captured_at"}) | {"revision": 2, "strength": 0.95}),
        reason=CorrectionReason.DATA_ERROR,
        corrected_at=at(9),
    )
    doubtful = captured(person, ladder.current_id, days=4, kpi="uptime", met=False)
    history = [
        captured(person, ladder.current_id, days=1, promotion=("evaluation",)),  # before the hire
        first_item,
        role_updated(ladder.current(), 1),
        role_updated(ladder.target(), 1),
        hired(person, ladder.current_id, days=3),
        doubtful,
        *corroborated(person, ladder, "latency", days=5),
        rated(person, ladder.target_id, assessor="manager-1", role=AssessorRole.MANAGER, days=6),
        rated(person, ladder.target_id, assessor="manager-1", role=AssessorRole.MANAGER, days=7).model_copy(
            update={"outcome": _rating_at(ExperienceLevel.ENTRY)}  # the same assessor's later, lower view
        ),
        corrected,
        EvidenceRetractedV1(
            evidence_id=doubtful.evidence_id, person_id=person, reason=RetractionReason.DISPUTED, retracted_at=at(10)
        ),
        captured(person, ladder.current_id, days=11, promotion=("delivery",), system="jira"),
        role_updated(ladder.current(extra_criteria=("mentoring",)), 2, days=12),
    ]
    envelopes = await produce(producer, *history)
    event_ids = {envelope.id for envelope in envelopes}

    first_settings = make_settings(NAME, database_url=await new_database("first"))
    async with running_service(partial(bootstrap, progression=POLICY), first_settings) as first:
        topics = first.runtime.consumer.topics
        await eventually(lambda: settled(first, event_ids), timeout_s=60, message="the first run settled")
        original = await readiness_of(first, person)
    assert original is not None and original["current_role"]["version"] == 2
    assert original["as_of"].startswith(at(11).date().isoformat())  # the person's latest own event
    by_id = {c["id"]: c for c in original["criteria"]}
    assert by_id["python"]["attainment"] == 0.5  # Entry against Mid: the later rating replaced the earlier
    assert by_id["uptime"]["status"] == "missing"  # the retracted measurement is gone
    assert by_id["mentoring"]["status"] == "missing"  # from role version 2

    for topic in topics:
        await rewind_consumer_group(kafka_bootstrap, f"ladder-{NAME}", topic, offset=0)

    second_settings = make_settings(NAME, database_url=await new_database("second"))
    async with running_service(partial(bootstrap, progression=POLICY), second_settings) as second:
        await eventually(lambda: settled(second, event_ids), timeout_s=120, message="the replay settled")
        rebuilt = await readiness_of(second, person)
    assert rebuilt is not None
    assert rebuildable(rebuilt) == rebuildable(original)


def _rating_at(level: ExperienceLevel):
    from ladder_contracts.events.assessment import CompetencyAssessmentOutcome, CompetencyRating

    return CompetencyAssessmentOutcome(
        kind="competency_assessment",
        assessor_role=AssessorRole.MANAGER,
        assessor_id="manager-1",
        ratings=[CompetencyRating(competency_id="python", level=level)],
    )
