"""The roles service on a real broker: import the five seeds, version them, publish RoleUpdated."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from ladder_contracts.events.roles import RoleUpdatedV1
from ladder_roles.bootstrap import bootstrap as roles_bootstrap
from ladder_runtime.auth import Scopes
from ladder_runtime.store.tables import outbox
from tests.conftest import eventually
from tests.kafka_tools import read_topic
from tests.service_harness import running_service

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "contracts/ladder_contracts/schemas/ladder.role.updated.v1.json").read_text()
)

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"role blueprints not found at {SEEDS}")


@pytest.fixture
async def roles(make_settings, new_database):
    async with running_service(roles_bootstrap, make_settings("roles", database_url=await new_database("roles"))) as service:
        yield service


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*"))


async def upload(roles, name: str, content: bytes, scope: str = Scopes.ROLES_WRITE):
    return await roles.http.post(
        "/v1/blueprints", files={"document": (name, content)}, headers=roles.token("importer", scope)
    )


async def import_all_seeds(roles) -> dict[str, dict]:
    outcomes = {}
    for path in sorted(SEEDS.iterdir()):
        response = await upload(roles, path.name, path.read_bytes())
        assert response.status_code == 200, f"{path.name}: {response.text}"
        outcomes[path.name[:3]] = response.json()
    return outcomes


async def test_seeds_import_once_and_reimport_changes_nothing(roles, kafka_bootstrap):
    first = await import_all_seeds(roles)
    assert {o["version"] for o in first.values()} == {1}
    assert all(o["changed"] for o in first.values())
    assert first["000"]["report"]["shape"] == "role-profile-text"
    assert first["001"]["report"]["shape"] == "skill-guide-text"
    assert {first[n]["report"]["shape"] for n in ("002", "003", "004")} == {"cms-post-json"}

    again = await import_all_seeds(roles)
    assert [(o["version"], o["changed"]) for o in again.values()] == [(1, False)] * 5
    await eventually(lambda: _backlog(roles) , message="outbox drained")
    assert roles.runtime.relay.published_total == 5  # one RoleUpdated per role, none for the re-import

    listed = (await roles.http.get("/v1/roles")).json()
    assert len(listed) == 5
    assert {r["role_id"] for r in listed} == {o["role_id"] for o in first.values()}


async def test_changed_document_makes_one_new_version_and_one_event(roles, kafka_bootstrap):
    original = seed("004").read_bytes()
    imported = (await upload(roles, "004.json", original)).json()
    role_id = imported["role_id"]
    before = (await roles.http.get(f"/v1/roles/{role_id}")).json()["role"]
    kpi = before["kpis"][0]
    assert kpi["target"], "the seed's first KPI has a target to change"
    document = json.loads(original)
    html = document["content"]["rendered"]
    target = _html_fragment(kpi["target"])
    assert target in html, "the KPI target as imported is found in the document"
    document["content"]["rendered"] = html.replace(target, target + " (revised)", 1)
    response = await upload(roles, "004.json", json.dumps(document).encode())
    assert response.json() == response.json() | {"role_id": role_id, "version": 2, "changed": True}

    async with roles.runtime.engine.connect() as conn:  # this run's event (other runs share the topic)
        event_ids = (await conn.execute(select(outbox.c.event_id).order_by(outbox.c.seq))).scalars().all()
    assert len(event_ids) == 2  # version 1 and version 2, nothing else

    def received(records):
        return [r for r in records if json.loads(r.value)["id"] == event_ids[-1]]

    records = await read_topic(kafka_bootstrap, RoleUpdatedV1.topic, until=lambda rs: len(received(rs)) >= 1)
    events = received(records)
    assert len(events) == 1
    event = json.loads(events[0].value)
    jsonschema.validate(event, SCHEMA)  # what an independent consumer validates against
    assert events[0].key == role_id.encode()
    assert event["type"] == "ladder.role.updated.v1" and event["data"]["previous_role_version"] == 1
    assert {"part": "kpis", "added": [], "removed": [], "changed": [kpi["id"]]} in event["data"]["changes"]
    assert event["data"]["role"]["kpis"][0]["target"].endswith("(revised)")

    old = (await roles.http.get(f"/v1/roles/{role_id}/versions/1")).json()
    assert old["role"]["kpis"][0]["target"] == kpi["target"]  # old versions stay readable
    diff = (await roles.http.get(f"/v1/roles/{role_id}/diff", params={"from": 1, "to": 2})).json()
    assert any(c["part"] == "kpis" and c["changed"] == [kpi["id"]] for c in diff["changes"])


def _html_fragment(text: str) -> str:
    """The KPI target as it appears in the HTML (entities for the characters the CMS escapes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def test_edit_through_the_api_with_expected_version(roles):
    role_id = (await upload(roles, "003.json", seed("003").read_bytes())).json()["role_id"]
    current = (await roles.http.get(f"/v1/roles/{role_id}")).json()
    edited = current["role"] | {"mission": "Ship reliable AI features."}
    headers = roles.token("editor", Scopes.ROLES_WRITE)
    ok = await roles.http.put(f"/v1/roles/{role_id}", json={"expected_version": 1, "role": edited}, headers=headers)
    assert ok.json() == {"role_id": role_id, "version": 2, "changed": True}
    stale = await roles.http.put(f"/v1/roles/{role_id}", json={"expected_version": 1, "role": edited}, headers=headers)
    assert stale.status_code == 409 and "at version 2, not 1" in stale.json()["detail"]


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("notes.txt", b"Groceries\n- milk\n- eggs\n", 422, "shape"),
        ("bad.txt", b"Role Purpose & Context\n\xff\xfe broken", 422, "UTF-8"),
        ("post.json", b'{"content": {"rendered": "<h2>1. Role Summary</h2><p>No title anywhere.</p>"}}', 422, "title"),
        ("huge.txt", b"x" * (2 * 1024 * 1024 + 1), 413, "limit"),
    ],
)
async def test_bad_documents_are_rejected_and_nothing_is_stored(roles, name, content, status, message):
    response = await upload(roles, name, content)
    assert response.status_code == status, response.text
    assert message.lower() in response.json()["detail"].lower()
    assert (await roles.http.get("/v1/roles")).json() == []
    assert (await roles.runtime.relay.stats()).backlog == 0 and roles.runtime.relay.published_total == 0


async def test_career_graph_search_and_stub_roles(roles):
    outcomes = await import_all_seeds(roles)
    junior = outcomes["004"]["role_id"]
    associate = outcomes["003"]["role_id"]

    next_moves = (await roles.http.get(f"/v1/career/{junior}/next")).json()
    promotions = [m for m in next_moves if m["move"] == "promotion"]
    assert promotions[0]["title"].startswith("AI Engineer (mid-level")
    assert all(not m["has_blueprint"] for m in promotions)  # named only in the career path: stub nodes
    assert any(m["move"] == "lateral" for m in next_moves)

    stub = promotions[0]["role_id"]
    feeders = (await roles.http.get(f"/v1/career/{stub}/feeders")).json()
    assert junior in {f["role_id"] for f in feeders}

    path = (await roles.http.get("/v1/career/path", params={"from": junior, "to": stub})).json()
    assert [step["role_id"] for step in path["steps"]] == [stub]
    none = await roles.http.get("/v1/career/path", params={"from": stub, "to": associate})
    assert none.status_code == 404

    by_kpi = (await roles.http.get("/v1/roles", params={"kpi": "latency"})).json()
    assert by_kpi and all(r["role_id"] in {o["role_id"] for o in outcomes.values()} for r in by_kpi)
    by_title = (await roles.http.get("/v1/roles", params={"title": "junior"})).json()
    assert [r["role_id"] for r in by_title] == [junior]


async def _backlog(roles) -> bool:
    return (await roles.runtime.relay.stats()).backlog == 0
