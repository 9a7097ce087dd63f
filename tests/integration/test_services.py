"""The four services run through the kit: health, auth, publish through the outbox, consume, trace."""

from __future__ import annotations

import hashlib

import pytest

from ladder_assessment.bootstrap import bootstrap as assessment_bootstrap
from ladder_contracts.common import SourceShape
from ladder_contracts.role import Role, RoleSource
from ladder_evidence.bootstrap import bootstrap as evidence_bootstrap
from ladder_progression.bootstrap import bootstrap as progression_bootstrap
from ladder_roles.bootstrap import bootstrap as roles_bootstrap
from ladder_runtime.auth import Scopes
from ladder_runtime.telemetry import read_spans
from tests.conftest import eventually
from tests.service_harness import running_service


def sample_role(title: str = "Data Steward", summary: str = "Keeps data trustworthy.") -> Role:
    return Role(
        id=title.lower().replace(" ", "-"),
        title=title,
        summary=summary,
        source=RoleSource(file_name="manual", shape=SourceShape.ROLE_PROFILE_TEXT, sha256=hashlib.sha256(b"x").hexdigest()),
    )


def edit(role: Role, expected_version: int) -> dict:
    return {"expected_version": expected_version, "role": role.model_dump(mode="json")}


@pytest.fixture
async def roles(make_settings, new_database):
    async with running_service(roles_bootstrap, make_settings("roles", database_url=await new_database("roles"))) as service:
        yield service


@pytest.fixture
async def assessment(make_settings, new_database):
    settings = make_settings("assessment", database_url=await new_database("assessment"))
    async with running_service(assessment_bootstrap, settings) as service:
        yield service


@pytest.mark.parametrize("bootstrap", [roles_bootstrap, assessment_bootstrap, evidence_bootstrap, progression_bootstrap])
async def test_every_service_migrates_and_reports_ready(bootstrap, make_settings, new_database):
    name = bootstrap.__module__.split(".")[0].removeprefix("ladder_")
    async with running_service(bootstrap, make_settings(name, database_url=await new_database(name))) as service:
        assert (await service.http.get("/healthz")).json() == {"status": "ok", "service": name}
        ready = await service.http.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


async def test_readiness_fails_when_the_database_is_gone(roles):
    from ladder_runtime.db import create_engine

    working = roles.runtime.engine
    roles.runtime.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # nothing listens there
    response = await roles.http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("failing:")
    assert response.json()["checks"]["broker"] == "ok"
    await roles.runtime.engine.dispose()
    roles.runtime.engine = working


async def test_write_endpoints_need_a_token_with_the_right_scope(roles):
    body = edit(sample_role(), 0)
    missing = await roles.http.put("/v1/roles/data-steward", json=body)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")

    garbage = await roles.http.put("/v1/roles/data-steward", json=body, headers={"Authorization": "Bearer nope"})
    assert garbage.status_code == 401

    wrong_scope = await roles.http.put("/v1/roles/data-steward", json=body, headers=roles.token("t", Scopes.PEOPLE_READ))
    assert wrong_scope.status_code == 403
    assert Scopes.ROLES_WRITE in wrong_scope.json()["detail"]

    allowed = await roles.http.put("/v1/roles/data-steward", json=body, headers=roles.token("t", Scopes.ROLES_WRITE))
    assert allowed.status_code == 200, allowed.text
    assert allowed.json() == {"role_id": "data-steward", "version": 1, "changed": True}


async def test_bad_edits_are_refused_with_the_field_named_and_nothing_written(roles):
    headers = roles.token("t", Scopes.ROLES_WRITE)
    broken = edit(sample_role(), 0)
    broken["role"]["title"] = ""
    response = await roles.http.put("/v1/roles/data-steward", json=broken, headers=headers)
    assert response.status_code == 422
    assert any(error["loc"][-1] == "title" for error in response.json()["detail"])

    mismatch = await roles.http.put("/v1/roles/someone-else", json=edit(sample_role(), 0), headers=headers)
    assert mismatch.status_code == 422 and "role.id" in mismatch.json()["detail"]

    assert (await roles.http.put("/v1/roles/data-steward", json=edit(sample_role(), 0), headers=headers)).status_code == 200
    stale = await roles.http.put("/v1/roles/data-steward", json=edit(sample_role(summary="Changed."), 0), headers=headers)
    assert stale.status_code == 409
    assert "version 1, not 0" in stale.json()["detail"]
    assert (await roles.http.get("/v1/roles/data-steward")).json()["version"] == 1
    await eventually(lambda: _backlog(roles, 0), message="relay drained")
    assert roles.runtime.relay.published_total == 1  # only the accepted edit was published


async def test_one_trace_spans_http_relay_and_consumer(roles, assessment):
    response = await roles.http.put(
        "/v1/roles/data-steward", json=edit(sample_role(), 0), headers=roles.token("t", Scopes.ROLES_WRITE)
    )
    assert response.status_code == 200

    async def replicated():
        async with assessment.runtime.unit_of_work() as uow:
            return await uow.roles.get("data-steward")

    version, role = await eventually(replicated, message="assessment's replica of the role")
    assert (version, role.title) == (1, "Data Steward")

    trace_file = roles.runtime.settings.resolved_trace_file()

    def spans_of_the_request():
        roles.runtime.tracer_provider.force_flush()
        assessment.runtime.tracer_provider.force_flush()
        spans = read_spans(trace_file)
        http = [s for s in spans if s["service"] == "roles" and s["kind"] == "SERVER" and "PUT" in s["name"]]
        if not http:
            return None
        trace_id = http[-1]["trace_id"]
        in_trace = [s for s in spans if s["trace_id"] == trace_id]
        names = {(s["service"], s["name"]) for s in in_trace}
        relay = ("roles", "outbox relay ladder.role-updated") in names
        consumed = any(service == "assessment" and "process" in name for service, name in names)
        return in_trace if relay and consumed else None

    in_trace = await eventually(spans_of_the_request, message="HTTP, relay and consumer spans in one trace")
    assert in_trace[0]["trace_id"] == response.headers["x-trace-id"]  # the caller is told its trace
    by_id = {s["span_id"]: s for s in in_trace}
    consumer = next(s for s in in_trace if s["service"] == "assessment" and "process" in s["name"])
    ancestry = []
    span = consumer
    while span is not None:
        ancestry.append((span["service"], span["name"]))
        span = by_id.get(span["parent_span_id"])
    assert ("roles", "outbox relay ladder.role-updated") in ancestry
    assert ancestry[-1][0] == "roles" and "PUT" in ancestry[-1][1]  # the root is the HTTP request


async def test_unchanged_edit_publishes_nothing(roles):
    headers = roles.token("t", Scopes.ROLES_WRITE)
    assert (await roles.http.put("/v1/roles/data-steward", json=edit(sample_role(), 0), headers=headers)).json()["changed"]
    again = await roles.http.put("/v1/roles/data-steward", json=edit(sample_role(), 1), headers=headers)
    assert again.json() == {"role_id": "data-steward", "version": 1, "changed": False}
    await eventually(lambda: _backlog(roles, 0), message="relay drained")
    assert roles.runtime.relay.published_total == 1


async def _backlog(service, expected: int) -> bool:
    return (await service.runtime.relay.stats()).backlog == expected


async def test_metrics_show_outbox_consumption_and_handler_latency(roles, assessment):
    response = await roles.http.put(
        "/v1/roles/data-steward", json=edit(sample_role(), 0), headers=roles.token("t", Scopes.ROLES_WRITE)
    )
    assert response.status_code == 200

    async def consumed():
        # The group may also catch up on other tests' roles on the shared topic: at least ours.
        async with assessment.runtime.unit_of_work() as uow:
            if await uow.roles.get("data-steward") is None:
                return None
        text = (await assessment.http.get("/metrics")).text
        return text if 'ladder_handler_seconds_count{service="assessment",topic="ladder.role-updated"}' in text else None

    assessment_metrics = await eventually(consumed, message="assessment handler histogram")
    assert 'ladder_consumer_lag{partition="' in assessment_metrics and 'topic="ladder.role-updated"}' in assessment_metrics

    async def relayed():
        # The consumer may see the event before the relay has its acknowledgement and counts it.
        text = (await roles.http.get("/metrics")).text
        counted = 'ladder_outbox_published_total{service="roles"} 1.0' in text
        return text if counted and 'ladder_outbox_backlog{service="roles"} 0.0' in text else None

    roles_metrics = await eventually(relayed, message="the relay's count and an empty backlog")
    assert 'faststream_published_messages_total{' in roles_metrics and 'destination="ladder.role-updated"' in roles_metrics
