"""Fixtures of the deployment tests: the Compose file, the rendered kustomize overlays and
what each service really publishes and consumes (from its own composition root).

``tests.deploy.support`` is imported inside the fixtures, not here: it skips the test
modules when a dev dependency is missing, which a conftest may not do at import time.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from ladder_runtime.settings import ServiceSettings

if TYPE_CHECKING:
    from tests.deploy.support import Manifests, ServiceTopics


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    from tests.deploy.support import REPO, load_yaml

    return load_yaml(REPO / "docker-compose.yml")


@pytest.fixture(scope="session")
def overlays() -> dict[str, Manifests]:
    from tests.deploy.support import K8S, Manifests, render_kustomization

    return {name: Manifests(render_kustomization(K8S / "overlays" / name)) for name in ("dev", "prod")}


@pytest.fixture(scope="session")
def service_topics(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ServiceTopics]:
    """Topics per service, from each service's bootstrap() (built, never started)."""
    from tests.deploy.support import ServiceTopics, service_names

    topics = {}
    for name in service_names():
        data_dir: Path = tmp_path_factory.mktemp(f"bootstrap-{name}")
        settings = ServiceSettings(
            service_name=name,
            data_dir=data_dir,
            database_url=f"sqlite+aiosqlite:///{data_dir / 'unused.db'}",
            otel_exporter_otlp_endpoint=None,
            trace_file=data_dir / "traces.jsonl",
        )
        runtime = importlib.import_module(f"ladder_{name}.bootstrap").bootstrap(settings)
        try:
            topics[name] = ServiceTopics(
                publishes=frozenset(event.topic for event in runtime.spec.publishes),
                consumes=frozenset(runtime.consumer.topics),
                all=frozenset(runtime.topics()),
            )
        finally:
            runtime.tracer_provider.shutdown()
            runtime.engine.sync_engine.dispose()
    return topics
