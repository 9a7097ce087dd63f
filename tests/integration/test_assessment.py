"""The assessment service on a real broker, on SQLite and PostgreSQL.

RoleUpdated and upstream scorecards are produced onto their topics by the
test; AssessmentCompleted and dead letters are read back by an independent
aiokafka consumer and checked against the published JSON Schema.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime
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
from ladder_runtime.store.tables import outbox
from tests.conftest import eventually, service_settings
from tests.kafka_tools import header, produce_raw, read_topic
from tests.service_harness import running_service

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SCHEMAS = ROOT / "contracts" / "ladder_contracts" / "schemas"
COMPLETED_SCHEMA = json.loads((SCHEMAS / "ladder.assessment.completed.v1.json").read_text())
DEAD_LETTERS = "ladder.assessment.dlq"
RUBRIC = ("coding", "system-design", "communication")


# --- one running service per backend for the whole module --------------------------------


@pytest.fixture(scope="module")
async def assessment(module_databases, kafka_bootstrap, tmp_path_factory):
    """Starting a service (migrations, consumer group join) takes seconds, so the tests of this
    module share one per backend and keep apart by using ids of their own."""
    settings = service_settings(
        "assessment",
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp("assessment"),
        database_url=await module_databases.create("assessment"),
    )
    async with running_service(assessment_bootstrap, settings) as service:
        yield service


# --- roles onto the topic ------------------------------------------------------------------


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_role(role_id: str, dimensions=RUBRIC, *, summary: str = "Builds ML systems.") -> Role:
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
        interview_exercises=[InterviewExercise(id="case-study", title="Case study (90 minutes)")],
        scenarios=[
            Scenario(id="silent-degradation", prompt="Accuracy drops, no errors.", answer_strategy="Suspect the data.")
        ],
        source=RoleSource(
            file_name="manual", shape=SourceShape.CMS_POST_JSON, sha256=hashlib.sha256(summary.encode()).hexdigest()
        ),
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


# --- scorecards onto the topic, events off it ----------------------------------------------


def scorecard(loop_id: str, interviewer: str, ratings: dict, recommendation: str = "yes", **overrides) -> dict:
    """A ScorecardSubmittedV1 payload as JSON: the HTTP body and the topic's data alike."""
    return {
        "submission_id": unique("sub"),
        "loop_id": loop_id,
        "interviewer_id": interviewer,
        "ratings": ratings,
        "recommendation": recommendation,
        "notes": f"private notes of {interviewer}",
        "submitted_at": datetime.now(UTC).isoformat(),
    } | overrides


def scorecard_record(body: dict) -> bytes:
    return CloudEvent.wrap(ScorecardSubmittedV1.model_validate(body), source="/ats/acme").to_json()


async def produce_scorecard(kafka_bootstrap: str, body: dict) -> bytes:
    record = scorecard_record(body)
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

    records = await read_topic(kafka_bootstrap, AssessmentCompletedV1.topic, until=lambda rs: all(by_id(rs).values()))
    return by_id(records)


async def dead_letters(kafka_bootstrap: str, key: str, *, count: int) -> list:
    def mine(records):
        return [r for r in records if r.key == key.encode()]

    return mine(await read_topic(kafka_bootstrap, DEAD_LETTERS, until=lambda rs: len(mine(rs)) >= count))


# --- the HTTP API --------------------------------------------------------------------------


def seat(interviewer: str, *dimensions: str) -> dict:
    return {"interviewer_id": interviewer} | ({"dimension_ids": list(dimensions)} if dimensions else {})


async def open_loop(service, role_id: str, panel: list[dict], *, candidate: str | None = None, **fields) -> dict:
    body = {"candidate_id": candidate or unique("cand"), "role_id": role_id, "panel": panel} | fields
    response = await service.http.post("/v1/loops", json=body, headers=service.token("hm", Scopes.ASSESSMENTS_WRITE))
    assert response.status_code == 201, response.text
    return response.json()


async def submit(service, body: dict, *, subject: str | None = None):
    headers = service.token(subject or body["interviewer_id"], Scopes.SCORECARDS_SUBMIT)
    return await service.http.post("/v1/scorecards", json=body, headers=headers)


async def read(service, path: str, *, scope: str = Scopes.PEOPLE_READ, subject: str = "hr"):
    return await service.http.get(path, headers=service.token(subject, scope))


async def kit_of(service, loop_id: str, interviewer: str, *, subject: str | None = None):
    """An interviewer's kit, read by themself unless ``subject`` says otherwise."""
    path = f"/v1/loops/{loop_id}/kits/{interviewer}"
    return await read(service, path, scope=Scopes.SCORECARDS_SUBMIT, subject=subject or interviewer)


async def get_loop(service, loop_id: str) -> dict:
    response = await read(service, f"/v1/loops/{loop_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def loop_status(service, loop_id: str, expected: str) -> dict | None:
    loop = await get_loop(service, loop_id)
    return loop if loop["status"] == expected else None


# --- the tests -----------------------------------------------------------------------------


async def test_full_loop_from_role_updated_to_assessment_completed_with_disagreement(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    ana, bo, cy = unique("ana"), unique("bo"), unique("cy")
    loop = await open_loop(assessment, role.id, [seat(ana), seat(bo), seat(cy, "communication")])
    assert loop["role_version"] == 1 and loop["status"] == "open"  # the latest version by default
    assert loop["panel"][0]["dimension_ids"] == list(RUBRIC)
    loop_id = loop["loop_id"]

    own_kit = await kit_of(assessment, loop_id, cy)
    assert own_kit.status_code == 200, own_kit.text
    kit = own_kit.json()
    (communication,) = kit["dimensions"]
    assert communication == {
        "id": "communication",
        "name": "Communication",
        "meets": "Meets: solid communication",
        "exceeds_or_strong": "Strong: exemplary communication",
        "concerns": "Concern: weak communication",
    }
    assert kit["exercises"][0]["title"] == "Case study (90 minutes)"
    assert [(s["id"], s["answer_strategy"]) for s in kit["scenarios"]] == [("silent-degradation", "Suspect the data.")]
    assert kit["rating_scale"]["3"] == "Meets the bar"
    assert (await kit_of(assessment, loop_id, ana, subject=cy)).status_code == 403  # someone else's kit

    first = await submit(assessment, scorecard(loop_id, ana, dict(zip(RUBRIC, (2, 3, 4), strict=True)), "no"))
    assert first.status_code == 201 and first.json()["result"] == "accepted", first.text
    second = await submit(assessment, scorecard(loop_id, bo, dict.fromkeys(RUBRIC, 4), "yes"))
    assert second.json()["awaiting"] == [cy]
    await produce_scorecard(kafka_bootstrap, scorecard(loop_id, cy, {"communication": 5}, "strong_yes"))  # the ATS

    (record,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]
    event = json.loads(record.value)
    jsonschema.validate(event, COMPLETED_SCHEMA)
    assert (event["type"], event["subject"]) == ("ladder.assessment.completed.v1", loop_id)
    assert record.key == loop_id.encode()
    data = event["data"]
    assert (data["assessment_id"], data["person_id"]) == (loop_id, loop["candidate_id"])
    assert (data["role_id"], data["role_version"]) == (role.id, 1)
    outcome = data["outcome"]
    assert outcome["kind"] == "interview_loop" and outcome["completion"] == "all_submitted"
    assert outcome["interviewer_ids"] == [ana, bo, cy]
    assert outcome["dimensions"] == [
        {"dimension_id": "coding", "mean": 3.0, "spread": 1.0, "count": 2},
        {"dimension_id": "system-design", "mean": 3.5, "spread": 0.5, "count": 2},
        {"dimension_id": "communication", "mean": 4.33, "spread": 0.47, "count": 3},
    ]
    assert outcome["recommendations"] == {"strong_no": 0, "no": 1, "yes": 1, "strong_yes": 1}
    assert outcome["disagreements"] == [
        {"dimension_id": "coding", "min_rating": 2, "max_rating": 4, "interviewer_ids": [ana, bo]}
    ]
    assert outcome["decision"]["signal"] == "needs_discussion"
    assert "1 of 3 recommend no or strong_no" in outcome["decision"]["rule"]
    assert "disagreement on coding" in outcome["decision"]["rule"]
    assert b"private notes" not in record.value  # notes never leave the service

    stored = await get_loop(assessment, loop_id)
    assert stored["status"] == "completed" and stored["outcome"] == outcome and stored["awaiting"] == []
    cards = (await read(assessment, f"/v1/loops/{loop_id}/scorecards")).json()
    assert [(c["interviewer_id"], c["channel"], c["counted"]) for c in cards] == [
        (ana, "http", True),
        (bo, "http", True),
        (cy, "topic", True),
    ]


async def test_each_scorecard_rejection_over_http_names_the_problem_and_writes_nothing(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    ana, bo = unique("ana"), unique("bo")
    loop_id = (await open_loop(assessment, role.id, [seat(ana), seat(bo, "coding")]))["loop_id"]
    full = dict.fromkeys(RUBRIC, 3)

    unknown = await submit(assessment, scorecard(loop_id, ana, full | {"cooking": 4}))
    assert unknown.status_code == 422
    assert f"ratings.cooking: not a dimension of role {role.id!r} version 1" in unknown.json()["detail"]

    uncovered = await submit(assessment, scorecard(loop_id, bo, {"coding": 3, "communication": 4}))
    assert uncovered.status_code == 422
    assert "ratings.communication: not among the dimensions" in uncovered.json()["detail"]

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

    wrong_scope = await assessment.http.post(
        "/v1/scorecards", json=scorecard(loop_id, ana, full), headers=assessment.token(ana, Scopes.PEOPLE_READ)
    )
    assert wrong_scope.status_code == 403 and Scopes.SCORECARDS_SUBMIT in wrong_scope.json()["detail"]
    assert (await assessment.http.post("/v1/scorecards", json=scorecard(loop_id, ana, full))).status_code == 401

    assert (await submit(assessment, scorecard(unique("loop"), ana, full))).status_code == 404

    malformed = await submit(assessment, scorecard(loop_id, ana, full, recommendation="maybe", submitted_at="today"))
    assert malformed.status_code == 422
    assert {e["loc"][-1] for e in malformed.json()["detail"]} == {"recommendation", "submitted_at"}

    assert (await get_loop(assessment, loop_id))["awaiting"] == [ana, bo]  # nothing was written

    # Before completion a new scorecard replaces the earlier one; after completion nothing changes.
    assert (await submit(assessment, scorecard(loop_id, ana, full, "no"))).json()["result"] == "accepted"
    later = scorecard(loop_id, ana, full | {"coding": 4}, "yes")
    assert (await submit(assessment, later)).json()["result"] == "replaced"
    assert (await submit(assessment, scorecard(loop_id, bo, {"coding": 4}))).json()["loop_status"] == "completed"

    too_late = await submit(assessment, scorecard(loop_id, bo, {"coding": 1}, "strong_no"))
    assert too_late.status_code == 409 and "already completed" in too_late.json()["detail"]
    repeated = await submit(assessment, later)
    assert repeated.status_code == 200 and repeated.json()["result"] == "duplicate"

    outcome = (await get_loop(assessment, loop_id))["outcome"]  # as published (the full-loop test reads the topic)
    assert outcome["recommendations"] == {"strong_no": 0, "no": 0, "yes": 2, "strong_yes": 0}  # ana's replacement
    assert outcome["dimensions"][0] == {"dimension_id": "coding", "mean": 4.0, "spread": 0.0, "count": 2}
    assert outcome["decision"]["signal"] == "hire"


async def test_scorecard_rejections_over_the_topic_become_dead_letters(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), ("coding", "design")))
    ana, bo = unique("ana"), unique("bo")
    loop_id = (await open_loop(assessment, role.id, [seat(ana), seat(bo)]))["loop_id"]
    both = {"coding": 3, "design": 3}

    refused = [
        (scorecard(loop_id, unique("mallory"), both), "is not on the panel"),
        (scorecard(loop_id, ana, both | {"cooking": 2}), "ratings.cooking: not a dimension"),
        (scorecard(loop_id, ana, {"coding": 3}), "ratings: missing covered dimension(s) design"),
    ]
    for body, _ in refused:
        await produce_scorecard(kafka_bootstrap, body)
    off_scale = json.loads(scorecard_record(scorecard(loop_id, ana, both)))
    off_scale["data"]["ratings"]["coding"] = 7  # what a buggy upstream tool might send
    await produce_raw(kafka_bootstrap, ScorecardSubmittedV1.topic, json.dumps(off_scale).encode(), key=loop_id.encode())
    # The consumer goes on past them: these two complete the loop.
    await produce_scorecard(kafka_bootstrap, scorecard(loop_id, ana, both))
    await produce_scorecard(kafka_bootstrap, scorecard(loop_id, bo, {"coding": 4, "design": 4}))
    await eventually(lambda: loop_status(assessment, loop_id, "completed"), message="loop completed past dead letters")
    after_completion = scorecard(loop_id, bo, {"coding": 1, "design": 1}, "strong_no")
    await produce_scorecard(kafka_bootstrap, after_completion)

    dead = await dead_letters(kafka_bootstrap, loop_id, count=5)
    reasons = [header(record, "ladder-dlq-reason") for record in dead]
    assert [header(record, "ladder-dlq-kind") for record in dead] == ["rejected"] * 3 + ["invalid", "rejected"]
    for (_, expected), reason in zip(refused, reasons[:3], strict=True):
        assert expected in reason
    assert reasons[3].startswith("data.ratings.coding:") and "less than or equal to 5" in reasons[3]
    assert "already completed" in reasons[4]
    assert json.loads(dead[4].value)["data"]["submission_id"] == after_completion["submission_id"]  # value kept
    assert all(header(record, "ladder-dlq-original-topic") == ScorecardSubmittedV1.topic for record in dead)

    assert (await get_loop(assessment, loop_id))["outcome"]["recommendations"]["strong_no"] == 0


async def test_the_same_scorecard_delivered_twice_counts_once(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), ("coding",)))
    ana, bo = unique("ana"), unique("bo")
    loop_id = (await open_loop(assessment, role.id, [seat(ana), seat(bo)]))["loop_id"]

    stats = assessment.runtime.consumer.stats
    handled_before, duplicates_before = stats.handled, stats.duplicates
    body = scorecard(loop_id, ana, {"coding": 5}, "strong_yes")
    record = await produce_scorecard(kafka_bootstrap, body)
    await produce_raw(kafka_bootstrap, ScorecardSubmittedV1.topic, record, key=loop_id.encode())  # the record again
    await produce_scorecard(kafka_bootstrap, body)  # the ATS retried: same submission, new envelope
    await eventually(
        lambda: stats.handled >= handled_before + 2 and stats.duplicates >= duplicates_before + 1,
        message="all three deliveries consumed",
    )
    by_hand = await submit(assessment, body)  # and once more over HTTP
    assert by_hand.status_code == 200 and by_hand.json()["result"] == "duplicate"

    cards = (await read(assessment, f"/v1/loops/{loop_id}/scorecards")).json()
    assert [c["submission_id"] for c in cards] == [body["submission_id"]]
    loop = await get_loop(assessment, loop_id)
    assert loop["status"] == "open" and loop["awaiting"] == [bo]  # copies from one panelist never complete a panel

    await submit(assessment, scorecard(loop_id, bo, {"coding": 4}))
    (completed,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]
    outcome = json.loads(completed.value)["data"]["outcome"]
    assert outcome["recommendations"] == {"strong_no": 0, "no": 0, "yes": 1, "strong_yes": 1}
    assert outcome["dimensions"] == [{"dimension_id": "coding", "mean": 4.5, "spread": 0.5, "count": 2}]


async def test_concurrent_last_scorecards_complete_the_loop_exactly_once(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), ("coding",)))
    panel = [unique(f"panelist{n}") for n in range(4)]
    loop_id = (await open_loop(assessment, role.id, [seat(who) for who in panel]))["loop_id"]

    responses = await asyncio.gather(*(submit(assessment, scorecard(loop_id, who, {"coding": 4})) for who in panel))
    assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
    # Only the last one to commit saw the full panel.
    assert sorted(r.json()["loop_status"] for r in responses) == ["completed"] + ["open"] * 3

    loop = await get_loop(assessment, loop_id)
    assert loop["outcome"]["interviewer_ids"] == panel and loop["outcome"]["recommendations"]["yes"] == 4
    async with assessment.runtime.engine.connect() as conn:
        events = await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.message_key == loop_id))
    assert events == 1


async def test_a_role_updated_mid_loop_leaves_the_loop_on_its_pinned_version(assessment, kafka_bootstrap):
    role_id = unique("ml-engineer")
    await role_known(assessment, kafka_bootstrap, make_role(role_id, ("coding", "design")))
    ana = unique("ana")
    loop_id = (await open_loop(assessment, role_id, [seat(ana)]))["loop_id"]

    # Version 2 drops "design" and adds "ethics".
    revised = make_role(role_id, ("coding", "ethics"), summary="Revised.")
    await role_known(assessment, kafka_bootstrap, revised, version=2)

    kit = (await kit_of(assessment, loop_id, ana)).json()
    assert (kit["role_version"], [d["id"] for d in kit["dimensions"]]) == (1, ["coding", "design"])
    refused = await submit(assessment, scorecard(loop_id, ana, {"coding": 4, "ethics": 4}))
    assert refused.status_code == 422
    assert f"ratings.ethics: not a dimension of role {role_id!r} version 1" in refused.json()["detail"]
    accepted = await submit(assessment, scorecard(loop_id, ana, {"coding": 4, "design": 3}))
    assert accepted.json()["loop_status"] == "completed"

    (record,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]
    data = json.loads(record.value)["data"]
    assert data["role_version"] == 1
    assert [d["dimension_id"] for d in data["outcome"]["dimensions"]] == ["coding", "design"]

    newer = await open_loop(assessment, role_id, [seat(ana)])
    assert (newer["role_version"], newer["rubric_ids"]) == (2, ["coding", "ethics"])
    pinned_old = await open_loop(assessment, role_id, [seat(ana)], role_version=1)
    assert pinned_old["rubric_ids"] == ["coding", "design"]


async def test_opening_a_loop_refuses_what_it_cannot_pin_and_repeats_safely(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    ana = unique("ana")

    async def attempt(scope: str = Scopes.ASSESSMENTS_WRITE, **fields):
        body = {"candidate_id": "cand-x", "role_id": role.id, "panel": [seat(ana)]} | fields
        return await assessment.http.post("/v1/loops", json=body, headers=assessment.token("hm", scope))

    unknown_role = await attempt(role_id=unique("no-such-role"))
    assert unknown_role.status_code == 422 and unknown_role.json()["detail"].startswith("role_id: no version of role")
    unknown_version = await attempt(role_version=9)
    assert unknown_version.status_code == 422
    assert "has no version 9 here (latest known: 1)" in unknown_version.json()["detail"]
    bad_panel = await attempt(panel=[seat(ana, "cooking"), seat(ana)])
    assert bad_panel.status_code == 422
    assert "panel[0].dimension_ids: cooking not in the rubric" in bad_panel.json()["detail"]
    assert "panel[1].interviewer_id" in bad_panel.json()["detail"]
    empty_panel = await attempt(panel=[])
    assert empty_panel.status_code == 422 and empty_panel.json()["detail"][0]["loc"] == ["body", "panel"]
    bad_ids = await attempt(candidate_id="has spaces", role_id="Not A Slug")
    assert {tuple(e["loc"]) for e in bad_ids.json()["detail"]} == {("body", "candidate_id"), ("body", "role_id")}
    assert (await attempt(scope=Scopes.PEOPLE_READ)).status_code == 403

    loop_id = unique("ats-loop")
    created = await attempt(loop_id=loop_id)
    assert created.status_code == 201 and created.json()["loop_id"] == loop_id
    again = await attempt(loop_id=loop_id)
    assert again.status_code == 200 and again.json() == created.json()
    clash = await attempt(loop_id=loop_id, candidate_id="someone-else")
    assert clash.status_code == 409
    assert f"loop_id: {loop_id!r} already identifies another interview loop" in clash.json()["detail"]

    # Reads about people need people:read.
    assert (await assessment.http.get(f"/v1/loops/{loop_id}")).status_code == 401
    assert (await read(assessment, f"/v1/loops/{loop_id}", scope=Scopes.ASSESSMENTS_WRITE)).status_code == 403
    listed = (await read(assessment, "/v1/candidates/cand-x/loops")).json()
    assert loop_id in [loop["loop_id"] for loop in listed]
    known = (await assessment.http.get("/v1/roles")).json()
    assert {"role_id": role.id, "latest_version": 1} in known


async def test_closing_early_and_interviewer_calibration(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer"), ("coding", "design")))
    generous, strict, absent = unique("generous"), unique("strict"), unique("absent")
    write = assessment.token("hm", Scopes.ASSESSMENTS_WRITE)

    first = (await open_loop(assessment, role.id, [seat(generous), seat(strict), seat(absent)]))["loop_id"]
    nothing = await assessment.http.post(f"/v1/loops/{first}/close", headers=write)
    assert nothing.status_code == 409 and "no scorecards yet" in nothing.json()["detail"]
    await submit(assessment, scorecard(first, generous, {"coding": 5, "design": 5}, "strong_yes"))
    await submit(assessment, scorecard(first, strict, {"coding": 3, "design": 3}, "no"))
    closed = await assessment.http.post(f"/v1/loops/{first}/close", headers=write)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["completion"], closed.json()["awaiting"]) == ("closed_early", [absent])
    assert (await assessment.http.post(f"/v1/loops/{first}/close", headers=write)).status_code == 409

    second = (await open_loop(assessment, role.id, [seat(generous), seat(strict)]))["loop_id"]
    await submit(assessment, scorecard(second, generous, {"coding": 4, "design": 5}, "yes"))
    await submit(assessment, scorecard(second, strict, {"coding": 3, "design": 2}, "no"))
    assert await loop_status(assessment, second, "completed")

    (record,) = (await completed_events(kafka_bootstrap, first))[first]
    jsonschema.validate(json.loads(record.value), COMPLETED_SCHEMA)
    outcome = json.loads(record.value)["data"]["outcome"]
    assert outcome["completion"] == "closed_early" and outcome["interviewer_ids"] == [generous, strict]
    assert outcome["decision"]["signal"] == "needs_discussion"
    assert "1 of 3 panelists did not submit" in outcome["decision"]["rule"]

    calibration = (await read(assessment, f"/v1/interviewers/{generous}/calibration")).json()
    # first: coding 5-3, design 5-3; second: coding 4-3, design 5-2
    assert (calibration["panels"], calibration["comparisons"], calibration["mean_deviation"]) == (2, 4, 2.0)
    assert calibration["tendency"] == "lenient" and calibration["recommendation_agreement"] == 0.0
    assert [d["dimension_id"] for d in calibration["dimensions"]] == ["coding", "design"]
    assert (await read(assessment, f"/v1/interviewers/{strict}/calibration")).json()["tendency"] == "severe"
    missed = (await read(assessment, f"/v1/interviewers/{absent}/calibration")).json()
    assert (missed["panels"], missed["panels_without_scorecard"], missed["tendency"]) == (0, 1, "insufficient_data")
    no_scope = await read(assessment, f"/v1/interviewers/{generous}/calibration", scope=Scopes.ASSESSMENTS_WRITE)
    assert no_scope.status_code == 403


async def test_competency_assessments_by_self_manager_and_peer_end_in_assessment_completed(assessment, kafka_bootstrap):
    role = await role_known(assessment, kafka_bootstrap, make_role(unique("ml-engineer")))
    employee, manager = unique("emp"), unique("mgr")
    python_mid = [{"competency_id": "python", "level": "Mid"}]

    async def record(subject: str, assessor_role: str, ratings: list, **fields):
        body = {"person_id": employee, "role_id": role.id, "assessor_role": assessor_role, "ratings": ratings}
        headers = assessment.token(subject, Scopes.ASSESSMENTS_WRITE)
        return await assessment.http.post("/v1/competency-assessments", json=body | fields, headers=headers)

    own_id = unique("self-assessment")
    own = await record(employee, "self", python_mid, assessment_id=own_id, notes="I am improving")
    assert own.status_code == 201, own.text
    assert (own.json()["assessor_id"], own.json()["role_version"]) == (employee, 1)
    retried = await record(employee, "self", python_mid, assessment_id=own_id, notes="I am improving")
    assert retried.status_code == 200 and retried.json() == own.json()
    levels = [{"competency_id": "python", "level": "Senior"}, {"competency_id": "ml-evaluation", "level": "Entry"}]
    by_manager = await record(manager, "manager", levels)
    assert by_manager.status_code == 201, by_manager.text

    not_self = await record(manager, "self", python_mid)
    assert not_self.status_code == 422 and "assessor_role: a self assessment is made by" in not_self.json()["detail"]
    unknown = await record(manager, "peer", [{"competency_id": "cobol", "level": "Mid"}])
    assert unknown.status_code == 422
    assert "ratings[0].competency_id: 'cobol' is not a competency" in unknown.json()["detail"]
    off_scale = await record(manager, "peer", [{"competency_id": "python", "level": "Guru"}])
    assert off_scale.status_code == 422 and off_scale.json()["detail"][0]["loc"] == ["body", "ratings", 0, "level"]
    assert (await record(manager, "peer", python_mid, assessment_id=own_id)).status_code == 409

    published = await completed_events(kafka_bootstrap, own_id, by_manager.json()["assessment_id"])
    for created in (own.json(), by_manager.json()):
        (event,) = published[created["assessment_id"]]
        envelope = json.loads(event.value)
        jsonschema.validate(envelope, COMPLETED_SCHEMA)
        outcome = envelope["data"]["outcome"]
        assert outcome["kind"] == "competency_assessment" and envelope["data"]["person_id"] == employee
        assert (outcome["assessor_role"], outcome["assessor_id"]) == (created["assessor_role"], created["assessor_id"])
        assert outcome["ratings"] == created["ratings"]
        assert b"improving" not in event.value

    listed = (await read(assessment, f"/v1/people/{employee}/competency-assessments")).json()
    assert [a["assessor_role"] for a in listed] == ["self", "manager"]
    own_read = await read(
        assessment, f"/v1/people/{employee}/competency-assessments", scope=Scopes.ASSESSMENTS_WRITE, subject=employee
    )
    assert own_read.status_code == 403
    single = await read(assessment, f"/v1/competency-assessments/{by_manager.json()['assessment_id']}")
    assert single.json() == by_manager.json()
    assert (await read(assessment, f"/v1/competency-assessments/{unique('none')}")).status_code == 404


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"role blueprints not found at {SEEDS}")
async def test_seed_blueprints_give_kits_with_their_rubric_and_scenarios(assessment, kafka_bootstrap):
    importers = pytest.importorskip("ladder_roles.domain.importers")

    async def seed_role(prefix: str) -> Role:
        path = next(SEEDS.glob(f"{prefix}_*"))
        role = importers.import_blueprint(path.name, path.read_bytes()).role
        await publish_role(kafka_bootstrap, role, 1)
        return role

    skill_guide, cms_post = await seed_role("001"), await seed_role("002")
    await replicated(assessment, skill_guide.id, 1)
    await replicated(assessment, cms_post.id, 1)
    ana = unique("ana")

    # The skill guide has no scorecard table: its competency is the rubric, and its scenarios come with the kit.
    loop_id = (await open_loop(assessment, skill_guide.id, [seat(ana)]))["loop_id"]
    kit = (await kit_of(assessment, loop_id, ana)).json()
    assert kit["rubric_source"] == "competencies"
    assert [d["id"] for d in kit["dimensions"]] == [c.id for c in skill_guide.competencies]
    assert kit["scenarios"] and any(s["answer_strategy"] for s in kit["scenarios"])
    ratings = {d["id"]: 4 for d in kit["dimensions"]}
    assert (await submit(assessment, scorecard(loop_id, ana, ratings))).json()["loop_status"] == "completed"

    cms_loop = (await open_loop(assessment, cms_post.id, [seat(ana)]))["loop_id"]
    cms_kit = (await kit_of(assessment, cms_loop, ana)).json()
    assert cms_kit["rubric_source"] == "scorecard_dimensions"
    assert [d["id"] for d in cms_kit["dimensions"]] == [d.id for d in cms_post.scorecard_dimensions]
    assert [e["id"] for e in cms_kit["exercises"]] == [e.id for e in cms_post.interview_exercises]

    (record,) = (await completed_events(kafka_bootstrap, loop_id))[loop_id]
    jsonschema.validate(json.loads(record.value), COMPLETED_SCHEMA)
    assert [d["dimension_id"] for d in json.loads(record.value)["data"]["outcome"]["dimensions"]] == list(ratings)
