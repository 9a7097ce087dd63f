"""The assessment service on a real broker, on SQLite and PostgreSQL.

RoleUpdated and upstream scorecards are produced onto their topics by the
test; AssessmentCompleted and dead letters are read back by an independent
aiokafka consumer and checked against the published JSON Schema.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select

from ladder_assessment.bootstrap import bootstrap as assessment_bootstrap
from ladder_contracts import CloudEvent
from ladder_contracts.common import ExperienceLevel, SourceShape
from ladder_contracts.events.assessment import AssessmentCompletedV1
from ladder_contracts.events.roles import RoleChangeOrigin, RoleUpdatedV1
from ladder_contracts.inputs.interviews import ScorecardSubmittedV1
from ladder_contracts.role import Competency, InterviewExercise, Role, RoleSource, Scenario, ScorecardDimension
from ladder_runtime.auth import Scopes
from ladder_runtime.embedded import free_port
from ladder_runtime.settings import ServiceSettings
from ladder_runtime.store.tables import outbox
from tests.conftest import POSTGRES_ADMIN_URL, _admin_execute, _postgres_reachable, eventually
from tests.kafka_tools import header, produce_raw, read_topic
from tests.service_harness import running_service

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
COMPLETED_SCHEMA = json.loads((ROOT / "contracts/ladder_contracts/schemas/ladder.assessment.completed.v1.json").read_text())
DEAD_LETTERS = "ladder.assessment.dlq"


# --- one running service per backend for the whole module --------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def assessment(request, kafka_bootstrap, tmp_path_factory):
    """Starting a service (migrations, consumer group join) takes seconds, so the tests of this
    module share one per backend and keep apart by using ids of their own.

    conftest's ``new_database`` and ``make_settings`` are function-scoped, hence this fixture
    builds the same things for module scope.
    """
    data_dir = tmp_path_factory.mktemp(f"assessment-{request.param}")
    database = None
    if request.param == "sqlite":
        database_url = f"sqlite+aiosqlite:///{data_dir / 'assessment.db'}"
    else:
        if not _postgres_reachable():
            pytest.skip("PostgreSQL not reachable")
        from sqlalchemy.engine import make_url

        database = f"ladder_test_assessment_{uuid.uuid4().hex[:10]}"
        await _admin_execute(f'CREATE DATABASE "{database}"')
        database_url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg", database=database).render_as_string(
            hide_password=False
        )
    settings = ServiceSettings(
        service_name="assessment",
        data_dir=data_dir,
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        auth_secret=secrets.token_urlsafe(48),
        trace_file=data_dir / "traces.jsonl",
        outbox_poll_interval_s=0.5,
        kafka_session_timeout_ms=6000,
        consumer_retry_backoff_max_s=1.0,
        http_port=free_port(),
    )
    try:
        async with running_service(assessment_bootstrap, settings) as service:
            yield service
    finally:
        if database:
            await _admin_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- building and moving events ----------------------------------------------------------


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_role(role_id: str, dimensions=("coding", "system-design", "communication"), *, summary: str = "Builds ML systems.") -> Role:
    return Role(
        id=role_id,
        title="Machine Learning Engineer",
        summary=summary,
        scorecard_dimensions=[
            ScorecardDimension(
                id=d,
                name=d.replace("-", " ").capitalize(),
                meets=f"Meets: solid {d}",
                exceeds_or_strong=f"Strong: exemplary {d}",
                concerns=f"Concern: weak {d}",
            )
            for d in dimensions
        ],
        competencies=[
            Competency(id="python", name="Python", expected_level=ExperienceLevel.MID),
            Competency(id="ml-evaluation", name="ML evaluation", expected_level=ExperienceLevel.MID),
        ],
        interview_exercises=[InterviewExercise(id="case-study", title="Case study (90 minutes)", expectations=["A plan"])],
        scenarios=[Scenario(id="silent-degradation", prompt="Accuracy drops, no errors.", answer_strategy="Suspect the data first.")],
        source=RoleSource(file_name="manual", shape=SourceShape.CMS_POST_JSON, sha256=hashlib.sha256(summary.encode()).hexdigest()),
    )


async def publish_role(kafka_bootstrap: str, role: Role, version: int) -> None:
    """What the roles service publishes, produced straight onto its topic."""
    event = RoleUpdatedV1(
        role=role,
        role_version=version,
        previous_role_version=version - 1 if version > 1 else None,
        origin=RoleChangeOrigin.IMPORT if version == 1 else RoleChangeOrigin.EDIT,
        updated_at=datetime.now(UTC),
    )
    envelope = CloudEvent.wrap(event, source="/ladder/roles")
    await produce_raw(kafka_bootstrap, RoleUpdatedV1.topic, envelope.to_json(), key=role.id.encode())


async def replicated(service, role_id: str, version: int) -> None:
    async def known():
        async with service.runtime.unit_of_work() as uow:
            return await uow.roles.get(role_id, version)

    await eventually(known, message=f"{role_id} v{version} in the assessment service's replica")


async def role_known(service, kafka_bootstrap: str, role: Role, version: int = 1) -> Role:
    await publish_role(kafka_bootstrap, role, version)
    await replicated(service, role.id, version)
    return role


def scorecard(loop_id: str, interviewer: str, ratings: dict, recommendation: str = "yes", **overrides) -> dict:
    """A ScorecardSubmittedV1 payload, as JSON: the HTTP body and the topic's data alike."""
    return {
        "submission_id": unique("sub"),
        "loop_id": loop_id,
        "interviewer_id": interviewer,
        "ratings": ratings,
        "recommendation": recommendation,
        "notes": f"private notes of {interviewer}",
        "submitted_at": datetime.now(UTC).isoformat(),
    } | overrides


def scorecard_record(body: dict, *, event_id: str | None = None) -> bytes:
    envelope = CloudEvent.wrap(ScorecardSubmittedV1.model_validate(body), source="/ats/acme", event_id=event_id)
    return envelope.to_json()


async def produce_scorecard(kafka_bootstrap: str, body: dict, *, event_id: str | None = None) -> bytes:
    record = scorecard_record(body, event_id=event_id)
    await produce_raw(kafka_bootstrap, ScorecardSubmittedV1.topic, record, key=body["loop_id"].encode())
    return record


async def completed_events(kafka_bootstrap: str, *assessment_ids: str) -> dict[str, list]:
    """AssessmentCompleted records per assessment id, read until each id has one.

    Every read joins a fresh consumer group, which costs seconds: tests read once, for all their ids.
    """

    def by_id(records) -> dict[str, list]:
        found: dict[str, list] = {assessment_id: [] for assessment_id in assessment_ids}
        for record in records:
            if record.key is not None and record.key.decode() in found:
                found[record.key.decode()].append(record)
        return found

    records = await read_topic(
        kafka_bootstrap, AssessmentCompletedV1.topic, until=lambda rs: all(by_id(rs).values())
    )
    return by_id(records)


async def dead_letters(kafka_bootstrap: str, key: str, *, count: int) -> list:
    def mine(records):
        return [r for r in records if r.key == key.encode()]

    return mine(await read_topic(kafka_bootstrap, DEAD_LETTERS, until=lambda rs: len(mine(rs)) >= count))


async def open_loop(service, role_id: str, panel: list, *, candidate: str | None = None, **fields) -> dict:
    body = {"candidate_id": candidate or unique("cand"), "role_id": role_id, "panel": panel} | fields
    response = await service.http.post("/v1/loops", json=body, headers=service.token("hm", Scopes.ASSESSMENTS_WRITE))
    assert response.status_code == 201, response.text
    return response.json()


async def submit(service, body: dict, *, subject: str | None = None):
    headers = service.token(subject or body["interviewer_id"], Scopes.SCORECARDS_SUBMIT)
    return await service.http.post("/v1/scorecards", json=body, headers=headers)


async def get_loop(service, loop_id: str) -> dict:
    response = await service.http.get(f"/v1/loops/{loop_id}", headers=service.token("hr", Scopes.PEOPLE_READ))
    assert response.status_code == 200, response.text
    return response.json()


async def loop_status(service, loop_id: str, expected: str) -> dict | None:
    loop = await get_loop(service, loop_id)
    return loop if loop["status"] == expected else None


# --- the tests -----------------------------------------------------------------------------


async def test_full_loop_from_role_updated_to_assessment_completed_with_disagreement(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    ana, bo, cy = unique("ana"), unique("bo"), unique("cy")
    loop = await open_loop(assessment, role.id, [{"interviewer_id": ana}, {"interviewer_id": bo}, {"interviewer_id": cy, "dimension_ids": ["communication"]}])
    assert loop["role_version"] == 1 and loop["status"] == "open"  # the latest version by default
    assert loop["panel"][0]["dimension_ids"] == ["coding", "system-design", "communication"]
    loop_id = loop["loop_id"]

    own_kit = await assessment.http.get(f"/v1/loops/{loop_id}/kits/{cy}", headers=assessment.token(cy, Scopes.SCORECARDS_SUBMIT))
    assert own_kit.status_code == 200, own_kit.text
    kit = own_kit.json()
    assert [(d["id"], d["meets"], d["exceeds_or_strong"], d["concerns"]) for d in kit["dimensions"]] == [
        ("communication", "Meets: solid communication", "Strong: exemplary communication", "Concern: weak communication")
    ]
    assert kit["exercises"][0]["title"] == "Case study (90 minutes)"
    assert kit["scenarios"] == [{"id": "silent-degradation", "prompt": "Accuracy drops, no errors.", "answer_strategy": "Suspect the data first."}]
    assert kit["rating_scale"]["3"] == "Meets the bar"
    someone_elses = await assessment.http.get(f"/v1/loops/{loop_id}/kits/{ana}", headers=assessment.token(cy, Scopes.SCORECARDS_SUBMIT))
    assert someone_elses.status_code == 403

    first = await submit(assessment, scorecard(loop_id, ana, {"coding": 2, "system-design": 3, "communication": 4}, "no"))
    assert first.status_code == 201 and first.json()["result"] == "accepted", first.text
    second = await submit(assessment, scorecard(loop_id, bo, {"coding": 4, "system-design": 4, "communication": 4}, "yes"))
    assert second.json()["awaiting"] == [cy]
    await produce_scorecard(kafka_bootstrap, scorecard(loop_id, cy, {"communication": 5}, "strong_yes"))  # the upstream ATS

    (record,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]
    event = json.loads(record.value)
    jsonschema.validate(event, COMPLETED_SCHEMA)
    assert event["type"] == "ladder.assessment.completed.v1" and event["subject"] == loop_id
    data = event["data"]
    assert (data["assessment_id"], data["person_id"], data["role_id"], data["role_version"]) == (loop_id, loop["candidate_id"], role.id, 1)
    outcome = data["outcome"]
    assert outcome["kind"] == "interview_loop" and outcome["completion"] == "all_submitted"
    assert outcome["interviewer_ids"] == [ana, bo, cy]
    assert outcome["dimensions"] == [
        {"dimension_id": "coding", "mean": 3.0, "spread": 1.0, "count": 2},
        {"dimension_id": "system-design", "mean": 3.5, "spread": 0.5, "count": 2},
        {"dimension_id": "communication", "mean": 4.33, "spread": 0.47, "count": 3},
    ]
    assert outcome["recommendations"] == {"strong_no": 0, "no": 1, "yes": 1, "strong_yes": 1}
    assert outcome["disagreements"] == [{"dimension_id": "coding", "min_rating": 2, "max_rating": 4, "interviewer_ids": [ana, bo]}]
    assert outcome["decision"]["signal"] == "needs_discussion"
    assert "1 of 3 recommend no or strong_no" in outcome["decision"]["rule"]
    assert "disagreement on coding" in outcome["decision"]["rule"]
    assert b"private notes" not in record.value  # notes never leave the service

    stored = await get_loop(assessment, loop_id)
    assert stored["status"] == "completed" and stored["outcome"] == outcome and stored["awaiting"] == []
    cards = (await assessment.http.get(f"/v1/loops/{loop_id}/scorecards", headers=assessment.token("hr", Scopes.PEOPLE_READ))).json()
    assert [(c["interviewer_id"], c["channel"], c["counted"]) for c in cards] == [(ana, "http", True), (bo, "http", True), (cy, "topic", True)]


async def test_each_scorecard_rejection_over_http_names_the_problem_and_writes_nothing(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    ana, bo = unique("ana"), unique("bo")
    loop_id = (await open_loop(assessment, role.id, [{"interviewer_id": ana}, {"interviewer_id": bo, "dimension_ids": ["coding"]}]))["loop_id"]
    full = {"coding": 3, "system-design": 3, "communication": 3}

    unknown = await submit(assessment, scorecard(loop_id, ana, full | {"cooking": 4}))
    assert unknown.status_code == 422
    assert f"ratings.cooking: not a dimension of role {role.id!r} version 1" in unknown.json()["detail"]

    uncovered = await submit(assessment, scorecard(loop_id, bo, {"coding": 3, "communication": 4}))
    assert uncovered.status_code == 422 and "ratings.communication: not among the dimensions" in uncovered.json()["detail"]

    missing = await submit(assessment, scorecard(loop_id, ana, {"coding": 3}))
    assert missing.status_code == 422
    assert "ratings: missing covered dimension(s) system-design, communication" in missing.json()["detail"]

    off_scale = await submit(assessment, scorecard(loop_id, ana, full | {"coding": 6}))
    assert off_scale.status_code == 422
    assert [e["loc"] for e in off_scale.json()["detail"]] == [["body", "ratings", "coding"]]

    stranger = unique("mallory")
    not_on_panel = await submit(assessment, scorecard(loop_id, stranger, full))
    assert not_on_panel.status_code == 403 and f"{stranger!r} is not on the panel" in not_on_panel.json()["detail"]

    impersonation = await submit(assessment, scorecard(loop_id, ana, full), subject=bo)
    assert impersonation.status_code == 403 and "is not the token's subject" in impersonation.json()["detail"]

    wrong_scope = await assessment.http.post("/v1/scorecards", json=scorecard(loop_id, ana, full), headers=assessment.token(ana, Scopes.PEOPLE_READ))
    assert wrong_scope.status_code == 403 and Scopes.SCORECARDS_SUBMIT in wrong_scope.json()["detail"]
    assert (await assessment.http.post("/v1/scorecards", json=scorecard(loop_id, ana, full))).status_code == 401

    no_such_loop = await submit(assessment, scorecard(unique("loop"), ana, full))
    assert no_such_loop.status_code == 404

    malformed = await submit(assessment, scorecard(loop_id, ana, full, recommendation="maybe", submitted_at="yesterday"))
    assert malformed.status_code == 422
    assert {e["loc"][-1] for e in malformed.json()["detail"]} == {"recommendation", "submitted_at"}

    assert (await get_loop(assessment, loop_id))["awaiting"] == [ana, bo]  # nothing was written

    # Before completion a new scorecard replaces the earlier one; after completion nothing changes.
    earlier = scorecard(loop_id, ana, full, "no")
    assert (await submit(assessment, earlier)).json()["result"] == "accepted"
    later = scorecard(loop_id, ana, full | {"coding": 4}, "yes")
    assert (await submit(assessment, later)).json()["result"] == "replaced"
    assert (await submit(assessment, scorecard(loop_id, bo, {"coding": 4}))).json()["loop_status"] == "completed"

    too_late = await submit(assessment, scorecard(loop_id, bo, {"coding": 1}, "strong_no"))
    assert too_late.status_code == 409 and "already completed" in too_late.json()["detail"]
    repeated = await submit(assessment, later)
    assert repeated.status_code == 200 and repeated.json()["result"] == "duplicate"

    outcome = (await get_loop(assessment, loop_id))["outcome"]  # as published (the full-loop test reads the topic)
    assert outcome["recommendations"] == {"strong_no": 0, "no": 0, "yes": 2, "strong_yes": 0}  # ana's replacement counted
    assert outcome["dimensions"][0] == {"dimension_id": "coding", "mean": 4.0, "spread": 0.0, "count": 2}
    assert outcome["decision"]["signal"] == "hire"


async def test_scorecard_rejections_over_the_topic_become_dead_letters(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), dimensions=("coding", "design")))
    ana, bo = unique("ana"), unique("bo")
    loop_id = (await open_loop(assessment, role.id, [{"interviewer_id": ana}, {"interviewer_id": bo}]))["loop_id"]

    refused = [
        (scorecard(loop_id, unique("mallory"), {"coding": 3, "design": 3}), "is not on the panel"),
        (scorecard(loop_id, ana, {"coding": 3, "design": 3, "cooking": 2}), "ratings.cooking: not a dimension"),
        (scorecard(loop_id, ana, {"coding": 3}), "ratings: missing covered dimension(s) design"),
    ]
    for body, _ in refused:
        await produce_scorecard(kafka_bootstrap, body)
    off_scale = json.loads(scorecard_record(scorecard(loop_id, ana, {"coding": 3, "design": 3})))
    off_scale["data"]["ratings"]["coding"] = 7  # what a buggy upstream tool might send
    await produce_raw(kafka_bootstrap, ScorecardSubmittedV1.topic, json.dumps(off_scale).encode(), key=loop_id.encode())
    # The consumer goes on past them: these two complete the loop.
    await produce_scorecard(kafka_bootstrap, scorecard(loop_id, ana, {"coding": 3, "design": 3}))
    await produce_scorecard(kafka_bootstrap, scorecard(loop_id, bo, {"coding": 4, "design": 4}))
    await eventually(lambda: loop_status(assessment, loop_id, "completed"), message="loop completed after the dead letters")
    after_completion = scorecard(loop_id, bo, {"coding": 1, "design": 1}, "strong_no")
    await produce_scorecard(kafka_bootstrap, after_completion)

    dead = await dead_letters(kafka_bootstrap, loop_id, count=5)
    reasons = [header(record, "ladder-dlq-reason") for record in dead]
    kinds = [header(record, "ladder-dlq-kind") for record in dead]
    for (_, expected), reason in zip(refused, reasons[:3], strict=True):
        assert expected in reason
    assert kinds == ["rejected", "rejected", "rejected", "invalid", "rejected"]
    assert reasons[3].startswith("data.ratings.coding:") and "less than or equal to 5" in reasons[3]
    assert "already completed" in reasons[4]
    assert json.loads(dead[4].value)["data"]["submission_id"] == after_completion["submission_id"]  # original value kept
    assert all(header(record, "ladder-dlq-original-topic") == ScorecardSubmittedV1.topic for record in dead)

    assert (await get_loop(assessment, loop_id))["outcome"]["recommendations"]["strong_no"] == 0


async def test_the_same_scorecard_delivered_twice_counts_once(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), dimensions=("coding",)))
    ana, bo = unique("ana"), unique("bo")
    loop_id = (await open_loop(assessment, role.id, [{"interviewer_id": ana}, {"interviewer_id": bo}]))["loop_id"]

    stats = assessment.runtime.consumer.stats
    handled_before, duplicates_before = stats.handled, stats.duplicates
    body = scorecard(loop_id, ana, {"coding": 5}, "strong_yes")
    record = await produce_scorecard(kafka_bootstrap, body)
    await produce_raw(kafka_bootstrap, ScorecardSubmittedV1.topic, record, key=loop_id.encode())  # the same record again
    await produce_scorecard(kafka_bootstrap, body)  # the ATS retried: same submission, new envelope
    await eventually(
        lambda: stats.handled >= handled_before + 2 and stats.duplicates >= duplicates_before + 1,
        message="all three deliveries consumed",
    )
    by_hand = await submit(assessment, body)  # and once more over HTTP
    assert by_hand.status_code == 200 and by_hand.json()["result"] == "duplicate"

    cards = (await assessment.http.get(f"/v1/loops/{loop_id}/scorecards", headers=assessment.token("hr", Scopes.PEOPLE_READ))).json()
    assert [c["submission_id"] for c in cards] == [body["submission_id"]]
    loop = await get_loop(assessment, loop_id)
    assert loop["status"] == "open" and loop["awaiting"] == [bo]  # one panelist's copies never complete a two-person panel

    await submit(assessment, scorecard(loop_id, bo, {"coding": 4}))
    (completed,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]  # one event, counting ana once
    outcome = json.loads(completed.value)["data"]["outcome"]
    assert outcome["recommendations"] == {"strong_no": 0, "no": 0, "yes": 1, "strong_yes": 1}
    assert outcome["dimensions"] == [{"dimension_id": "coding", "mean": 4.5, "spread": 0.5, "count": 2}]


async def test_concurrent_last_scorecards_complete_the_loop_exactly_once(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), dimensions=("coding",)))
    panel = [unique(f"panelist{n}") for n in range(4)]
    loop_id = (await open_loop(assessment, role.id, [{"interviewer_id": who} for who in panel]))["loop_id"]

    responses = await asyncio.gather(*(submit(assessment, scorecard(loop_id, who, {"coding": 4})) for who in panel))
    assert sorted(r.status_code for r in responses) == [201] * 4, [r.text for r in responses]
    assert sorted(r.json()["loop_status"] for r in responses) == ["completed"] + ["open"] * 3  # only the last saw the full panel

    loop = await get_loop(assessment, loop_id)
    assert loop["outcome"]["interviewer_ids"] == panel and loop["outcome"]["recommendations"]["yes"] == 4
    async with assessment.runtime.engine.connect() as conn:
        published = await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.message_key == loop_id))
    assert published == 1


async def test_a_role_updated_mid_loop_leaves_the_loop_on_its_pinned_version(assessment, kafka_bootstrap):
    role_id = unique("ml-engineer")
    await role_known(assessment, kafka_bootstrap, make_role(role_id, dimensions=("coding", "design")))
    ana = unique("ana")
    loop_id = (await open_loop(assessment, role_id, [{"interviewer_id": ana}]))["loop_id"]

    # Version 2 drops "design" and adds "ethics".
    await role_known(assessment, kafka_bootstrap, make_role(role_id, dimensions=("coding", "ethics"), summary="Revised."), version=2)

    kit = (await assessment.http.get(f"/v1/loops/{loop_id}/kits/{ana}", headers=assessment.token(ana, Scopes.SCORECARDS_SUBMIT))).json()
    assert (kit["role_version"], [d["id"] for d in kit["dimensions"]]) == (1, ["coding", "design"])
    refused = await submit(assessment, scorecard(loop_id, ana, {"coding": 4, "ethics": 4}))
    assert refused.status_code == 422
    assert "ratings.ethics: not a dimension of role" in refused.json()["detail"] and "version 1" in refused.json()["detail"]
    assert (await submit(assessment, scorecard(loop_id, ana, {"coding": 4, "design": 3}))).json()["loop_status"] == "completed"

    (record,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]
    data = json.loads(record.value)["data"]
    assert data["role_version"] == 1
    assert [d["dimension_id"] for d in data["outcome"]["dimensions"]] == ["coding", "design"]

    newer = await open_loop(assessment, role_id, [{"interviewer_id": ana}])
    assert (newer["role_version"], newer["rubric_ids"]) == (2, ["coding", "ethics"])
    pinned_old = await open_loop(assessment, role_id, [{"interviewer_id": ana}], role_version=1)
    assert pinned_old["rubric_ids"] == ["coding", "design"]


async def test_opening_a_loop_refuses_what_it_cannot_pin_and_repeats_safely(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    headers = assessment.token("hm", Scopes.ASSESSMENTS_WRITE)
    ana = unique("ana")

    async def attempt(**fields):
        body = {"candidate_id": "cand-x", "role_id": role.id, "panel": [{"interviewer_id": ana}]} | fields
        return await assessment.http.post("/v1/loops", json=body, headers=headers)

    unknown_role = await attempt(role_id=unique("no-such-role"))
    assert unknown_role.status_code == 422 and unknown_role.json()["detail"].startswith("role_id: no version of role")
    unknown_version = await attempt(role_version=9)
    assert unknown_version.status_code == 422 and "has no version 9 here (latest known: 1)" in unknown_version.json()["detail"]
    bad_panel = await attempt(panel=[{"interviewer_id": ana, "dimension_ids": ["cooking"]}, {"interviewer_id": ana}])
    assert bad_panel.status_code == 422
    assert "panel[0].dimension_ids: cooking not in the rubric" in bad_panel.json()["detail"]
    assert "panel[1].interviewer_id" in bad_panel.json()["detail"]
    empty_panel = await attempt(panel=[])
    assert empty_panel.status_code == 422 and empty_panel.json()["detail"][0]["loc"] == ["body", "panel"]
    bad_ids = await attempt(candidate_id="has spaces", role_id="Not A Slug")
    assert {tuple(e["loc"]) for e in bad_ids.json()["detail"]} == {("body", "candidate_id"), ("body", "role_id")}
    assert (await assessment.http.post("/v1/loops", json={}, headers=assessment.token("hm", Scopes.PEOPLE_READ))).status_code == 403

    loop_id = unique("ats-loop")
    created = await attempt(loop_id=loop_id)
    assert created.status_code == 201 and created.json()["loop_id"] == loop_id
    again = await attempt(loop_id=loop_id)
    assert again.status_code == 200 and again.json() == created.json()
    clash = await attempt(loop_id=loop_id, candidate_id="someone-else")
    assert clash.status_code == 409 and f"loop_id: {loop_id!r} already identifies another interview loop" in clash.json()["detail"]

    # Reads about people need people:read.
    assert (await assessment.http.get(f"/v1/loops/{loop_id}")).status_code == 401
    assert (await assessment.http.get(f"/v1/loops/{loop_id}", headers=assessment.token("x", Scopes.ASSESSMENTS_WRITE))).status_code == 403
    listed = await assessment.http.get("/v1/candidates/cand-x/loops", headers=assessment.token("hr", Scopes.PEOPLE_READ))
    assert loop_id in [loop["loop_id"] for loop in listed.json()]
    known = (await assessment.http.get("/v1/roles")).json()
    assert {"role_id": role.id, "latest_version": 1} in known


async def test_closing_early_and_interviewer_calibration(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), dimensions=("coding", "design")))
    generous, strict, absent = unique("generous"), unique("strict"), unique("absent")
    write = assessment.token("hm", Scopes.ASSESSMENTS_WRITE)

    panel = [{"interviewer_id": generous}, {"interviewer_id": strict}, {"interviewer_id": absent}]
    first = (await open_loop(assessment, role.id, panel))["loop_id"]
    nothing = await assessment.http.post(f"/v1/loops/{first}/close", headers=write)
    assert nothing.status_code == 409 and "no scorecards yet" in nothing.json()["detail"]
    await submit(assessment, scorecard(first, generous, {"coding": 5, "design": 5}, "strong_yes"))
    await submit(assessment, scorecard(first, strict, {"coding": 3, "design": 3}, "no"))
    closed = await assessment.http.post(f"/v1/loops/{first}/close", headers=write)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["completion"], closed.json()["awaiting"]) == ("closed_early", [absent])
    assert (await assessment.http.post(f"/v1/loops/{first}/close", headers=write)).status_code == 409

    second = (await open_loop(assessment, role.id, panel[:2]))["loop_id"]
    await submit(assessment, scorecard(second, generous, {"coding": 4, "design": 5}, "yes"))
    await submit(assessment, scorecard(second, strict, {"coding": 3, "design": 2}, "no"))

    await eventually(lambda: loop_status(assessment, second, "completed"), message="second loop completed")
    (record,) = (await completed_events(kafka_bootstrap, first))[first]
    outcome = json.loads(record.value)["data"]["outcome"]
    jsonschema.validate(json.loads(record.value), COMPLETED_SCHEMA)
    assert outcome["completion"] == "closed_early" and outcome["interviewer_ids"] == [generous, strict]
    assert outcome["decision"]["signal"] == "needs_discussion" and "1 of 3 panelists did not submit" in outcome["decision"]["rule"]

    read = assessment.token("hr", Scopes.PEOPLE_READ)
    calibration = (await assessment.http.get(f"/v1/interviewers/{generous}/calibration", headers=read)).json()
    # first: coding 5-3, design 5-3; second: coding 4-3, design 5-2
    assert (calibration["panels"], calibration["comparisons"], calibration["mean_deviation"]) == (2, 4, 2.0)
    assert calibration["tendency"] == "lenient" and calibration["recommendation_agreement"] == 0.0
    assert [d["dimension_id"] for d in calibration["dimensions"]] == ["coding", "design"]
    assert (await assessment.http.get(f"/v1/interviewers/{strict}/calibration", headers=read)).json()["tendency"] == "severe"
    missed = (await assessment.http.get(f"/v1/interviewers/{absent}/calibration", headers=read)).json()
    assert (missed["panels"], missed["panels_without_scorecard"], missed["tendency"]) == (0, 1, "insufficient_data")
    assert (await assessment.http.get(f"/v1/interviewers/{generous}/calibration", headers=write)).status_code == 403


async def test_competency_assessments_by_self_manager_and_peer_end_in_assessment_completed(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    employee, manager = unique("emp"), unique("mgr")

    async def record(subject: str, assessor_role: str, ratings: list, **fields):
        body = {"person_id": employee, "role_id": role.id, "assessor_role": assessor_role, "ratings": ratings} | fields
        return await assessment.http.post("/v1/competency-assessments", json=body, headers=assessment.token(subject, Scopes.ASSESSMENTS_WRITE))

    own = await record(employee, "self", [{"competency_id": "python", "level": "Mid"}], assessment_id=unique("self"), notes="I am improving")
    assert own.status_code == 201, own.text
    assert (own.json()["assessor_id"], own.json()["role_version"]) == (employee, 1)
    assert (await record(employee, "self", [{"competency_id": "python", "level": "Mid"}], assessment_id=own.json()["assessment_id"], notes="I am improving")).status_code == 200
    by_manager = await record(manager, "manager", [{"competency_id": "python", "level": "Senior"}, {"competency_id": "ml-evaluation", "level": "Entry"}])
    assert by_manager.status_code == 201, by_manager.text

    not_self = await record(manager, "self", [{"competency_id": "python", "level": "Mid"}])
    assert not_self.status_code == 422 and "assessor_role: a self assessment is made by" in not_self.json()["detail"]
    unknown = await record(manager, "peer", [{"competency_id": "cobol", "level": "Mid"}])
    assert unknown.status_code == 422 and "ratings[0].competency_id: 'cobol' is not a competency" in unknown.json()["detail"]
    off_scale = await record(manager, "peer", [{"competency_id": "python", "level": "Guru"}])
    assert off_scale.status_code == 422 and off_scale.json()["detail"][0]["loc"] == ["body", "ratings", 0, "level"]
    clash = await record(manager, "peer", [{"competency_id": "python", "level": "Mid"}], assessment_id=own.json()["assessment_id"])
    assert clash.status_code == 409

    created_ids = [own.json()["assessment_id"], by_manager.json()["assessment_id"]]
    published = await completed_events(kafka_bootstrap, *created_ids)
    for created in (own.json(), by_manager.json()):
        (event,) = published[created["assessment_id"]]
        envelope = json.loads(event.value)
        jsonschema.validate(envelope, COMPLETED_SCHEMA)
        outcome = envelope["data"]["outcome"]
        assert outcome["kind"] == "competency_assessment" and envelope["data"]["person_id"] == employee
        assert (outcome["assessor_role"], outcome["assessor_id"]) == (created["assessor_role"], created["assessor_id"])
        assert outcome["ratings"] == created["ratings"]
        assert b"improving" not in event.value

    read = assessment.token("hr", Scopes.PEOPLE_READ)
    listed = (await assessment.http.get(f"/v1/people/{employee}/competency-assessments", headers=read)).json()
    assert [a["assessor_role"] for a in listed] == ["self", "manager"]
    assert (await assessment.http.get(f"/v1/people/{employee}/competency-assessments", headers=assessment.token(employee, Scopes.ASSESSMENTS_WRITE))).status_code == 403
    single = await assessment.http.get(f"/v1/competency-assessments/{by_manager.json()['assessment_id']}", headers=read)
    assert single.json() == by_manager.json()
    assert (await assessment.http.get(f"/v1/competency-assessments/{unique('none')}", headers=read)).status_code == 404


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"role blueprints not found at {SEEDS}")
async def test_seed_blueprints_give_kits_with_their_rubric_and_scenarios(assessment, kafka_bootstrap):
    importers = pytest.importorskip("ladder_roles.domain.importers")
    if not hasattr(importers, "import_blueprint"):
        pytest.skip("the roles service's importers are not there yet")

    async def seed_role(prefix: str) -> Role:
        path = next(SEEDS.glob(f"{prefix}_*"))
        role = importers.import_blueprint(path.name, path.read_bytes()).role
        await publish_role(kafka_bootstrap, role, 1)
        return role

    skill_guide, cms_post = await seed_role("001"), await seed_role("002")
    await replicated(assessment, skill_guide.id, 1)
    await replicated(assessment, cms_post.id, 1)
    ana = unique("ana")

    loop_id = (await open_loop(assessment, skill_guide.id, [{"interviewer_id": ana}]))["loop_id"]
    kit = (await assessment.http.get(f"/v1/loops/{loop_id}/kits/{ana}", headers=assessment.token(ana, Scopes.SCORECARDS_SUBMIT))).json()
    assert kit["scenarios"] and all(s["prompt"] for s in kit["scenarios"])
    assert any(s["answer_strategy"] for s in kit["scenarios"])
    ratings = {d["id"]: 4 for d in kit["dimensions"]}
    assert (await submit(assessment, scorecard(loop_id, ana, ratings))).json()["loop_status"] == "completed"

    cms_loop = await open_loop(assessment, cms_post.id, [{"interviewer_id": ana}])
    cms_kit = (await assessment.http.get(f"/v1/loops/{cms_loop['loop_id']}/kits/{ana}", headers=assessment.token(ana, Scopes.SCORECARDS_SUBMIT))).json()
    assert cms_kit["rubric_source"] == "scorecard_dimensions"
    assert [d["id"] for d in cms_kit["dimensions"]] == [d.id for d in cms_post.scorecard_dimensions]

    (record,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]
    jsonschema.validate(json.loads(record.value), COMPLETED_SCHEMA)
    assert json.loads(record.value)["data"]["outcome"]["dimensions"][0]["dimension_id"] == skill_guide.competencies[0].id
