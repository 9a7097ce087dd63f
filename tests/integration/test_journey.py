"""The whole journey across the four services, on a real broker, with one trace through all of them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ladder_assessment.bootstrap import bootstrap as assessment_bootstrap
from ladder_evidence.bootstrap import bootstrap as evidence_bootstrap
from ladder_progression.bootstrap import bootstrap as progression_bootstrap
from ladder_roles.bootstrap import bootstrap as roles_bootstrap
from ladder_runtime.auth import TokenIssuer
from ladder_runtime.journey import Journey
from ladder_runtime.telemetry import read_spans
from tests.conftest import eventually
from tests.service_harness import running_service

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
READY_SCHEMA = json.loads((ROOT / "contracts/ladder_contracts/schemas/ladder.promotion-readiness.changed.v1.json").read_text())

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"role blueprints not found at {SEEDS}")

SERVICES = {
    "roles": roles_bootstrap,
    "assessment": assessment_bootstrap,
    "evidence": evidence_bootstrap,
    "progression": progression_bootstrap,
}


async def test_blueprints_to_ready_with_one_trace_through_all_four_services(
    make_settings, new_database, kafka_bootstrap, auth_secret, contextlib_stack
):
    running = {}
    for name, bootstrap in SERVICES.items():
        settings = make_settings(name, database_url=await new_database(name))
        running[name] = await contextlib_stack.enter_async_context(running_service(bootstrap, settings))

    lines: list[str] = []
    journey = Journey(
        {name: service.http for name, service in running.items()},
        kafka_bootstrap=kafka_bootstrap,
        tokens=TokenIssuer(auth_secret),
        seeds=SEEDS,
        say=lines.append,
        timeout_s=90,
    )
    result = await journey.run()

    # The loop completed with a decision, and the person got to 'ready' on evidence.
    assert result.loop["status"] == "completed" and result.loop["outcome"]["decision"]["signal"] == "hire"
    assert result.readiness["band"] == "ready"
    assert all(c["status"] == "met" for c in result.readiness["criteria"] if c["blocking"])
    jsonschema.validate(result.ready_event, READY_SCHEMA)  # as an independent consumer would
    assert result.ready_event["data"]["person_id"] == result.person_id
    assert any(line.startswith("7. PromotionReadinessChanged") for line in lines)

    # One trace: the import's HTTP request, the roles relay, and a consumer span in each other service.
    def services_in_import_trace():
        for service in running.values():
            service.runtime.tracer_provider.force_flush()
        spans = read_spans(running["roles"].runtime.settings.resolved_trace_file())
        services = {s["service"] for s in spans if s["trace_id"] == result.import_trace_id}
        return services if services == set(SERVICES) else None

    assert await eventually(services_in_import_trace, message="the import trace in all four services") == set(SERVICES)


@pytest.fixture
async def contextlib_stack():
    import contextlib

    async with contextlib.AsyncExitStack() as stack:
        yield stack
