"""One service process: store, broker, relay, consumers, HTTP, built from settings.

A service's ``bootstrap()`` is its composition root: it creates a
:class:`ServiceRuntime` with its unit-of-work class, migrations, subscriptions
and HTTP routers. Tests build the same thing with other settings (another
database, another broker), so nothing here reads globals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from ladder_contracts import REGISTRY, EventData
from ladder_contracts.registry import ContractRegistry
from ladder_runtime.auth import TokenIssuer
from ladder_runtime.broker import create_broker, ensure_topics
from ladder_runtime.consumer import DeadLetters, EventConsumer, Subscription
from ladder_runtime.db import create_engine, session_factory
from ladder_runtime.metrics import ServiceMetrics
from ladder_runtime.migrations import upgrade
from ladder_runtime.outbox import OutboxRecord, OutboxRelay
from ladder_runtime.settings import ServiceSettings
from ladder_runtime.telemetry import setup_tracing
from ladder_runtime.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


@dataclass
class ServiceSpec:
    """What makes a service itself; everything else is the kit's."""

    name: str
    unit_of_work: type[SqlUnitOfWork]
    migrations: Path
    publishes: Sequence[type[EventData]] = ()
    subscriptions: Sequence[Subscription] = ()
    permanent_errors: tuple[type[Exception], ...] = ()
    routers: Sequence[APIRouter] = ()
    title: str = ""
    description: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    """Service-specific long-lived objects (caches, clients), reachable as ``runtime.state``."""
    registry: ContractRegistry = REGISTRY
    error_statuses: dict[type[Exception], int] = field(default_factory=dict)
    """Domain errors and the HTTP status each becomes; the message is the error's own text."""


class ServiceRuntime:
    def __init__(self, spec: ServiceSpec, settings: ServiceSettings) -> None:
        self.spec = spec
        self.settings = settings
        self.state = dict(spec.state)
        self.database_url = settings.resolved_database_url()
        self.tracer_provider = setup_tracing(
            spec.name,
            otlp_endpoint=settings.otel_exporter_otlp_endpoint,
            trace_file=settings.resolved_trace_file(),
            set_global=False,
        )
        self.metrics = ServiceMetrics(spec.name)
        self.engine = create_engine(self.database_url)
        self.sessions = session_factory(self.engine)
        self.broker = create_broker(
            settings, tracer_provider=self.tracer_provider, metrics_registry=self.metrics.registry
        )
        self.relay = OutboxRelay(
            self.engine,
            self._publish_record,
            service_name=spec.name,
            poll_interval_s=settings.outbox_poll_interval_s,
            publish_timeout_s=settings.outbox_publish_timeout_s,
            tracer_provider=self.tracer_provider,
            metrics=self.metrics,
        )
        self.dead_letters = DeadLetters(self.broker, service_name=spec.name, metrics=self.metrics)
        self.consumer = EventConsumer(
            consumer_name=spec.name,
            subscriptions=list(spec.subscriptions),
            unit_of_work=self.unit_of_work,
            dead_letters=self.dead_letters,
            permanent_errors=spec.permanent_errors,
            max_backoff_s=settings.consumer_retry_backoff_max_s,
            registry=spec.registry,
            metrics=self.metrics,
        )
        self.consumer.attach(
            self.broker,
            session_timeout_ms=settings.kafka_session_timeout_ms,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        )
        secret = settings.auth_secret.get_secret_value()
        self.token_issuer = TokenIssuer(secret) if secret else None
        self.broker_connected = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._background: list[tuple[str, Callable[[], Awaitable[None]]]] = []

    def run_in_background(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        """A service's own long-running loop (e.g. a batch worker): started and cancelled with the service."""
        self._background.append((name, work))

    # -- composition helpers -------------------------------------------------

    def unit_of_work(self) -> SqlUnitOfWork:
        return self.spec.unit_of_work(self.sessions, source=f"/ladder/{self.spec.name}", on_commit=self.relay.wake)

    def topics(self) -> list[str]:
        return sorted(
            {event.topic for event in self.spec.publishes}
            | set(self.consumer.topics)
            | {self.dead_letters.topic}
        )

    async def _publish_record(self, record: OutboxRecord) -> asyncio.Future[Any]:
        return await self.broker.publish(
            record.payload, record.topic, key=record.key.encode(), headers=record.headers, no_confirm=True
        )

    # -- lifecycle -----------------------------------------------------------

    def migrate(self) -> None:
        upgrade(self.database_url, self.spec.migrations)

    async def start(self) -> None:
        """Start without waiting for Kafka: HTTP and the outbox work while the broker is away."""
        self._tasks.append(asyncio.create_task(self._connect_broker(), name=f"{self.spec.name}-broker"))
        for name, work in self._background:
            self._tasks.append(asyncio.create_task(work(), name=f"{self.spec.name}-{name}"))

    async def connect_publisher(self) -> None:
        """Producer only, for commands that publish what they recorded and exit."""
        await self._ensure_topics()
        await self.broker.connect()

    async def _ensure_topics(self) -> None:
        if self.settings.kafka_create_topics:
            await ensure_topics(
                self.settings.kafka_bootstrap_servers, self.topics(), partitions=self.settings.kafka_topic_partitions
            )

    async def _connect_broker(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._ensure_topics()
                await self.broker.start()
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s: Kafka not reachable yet (%s); retrying in %.1fs", self.spec.name, exc, delay)
                with contextlib.suppress(Exception):
                    await self.broker.stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        self.broker_connected.set()
        log.info("%s: connected to Kafka at %s", self.spec.name, self.settings.kafka_bootstrap_servers)
        await self.relay.run()

    async def stop(self) -> None:
        self.consumer.stop_retrying()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await self.broker.stop()
        await self.engine.dispose()
        self.tracer_provider.force_flush()
        self.tracer_provider.shutdown()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ServiceRuntime]:
        await self.start()
        try:
            yield self
        finally:
            await self.stop()

    # -- health --------------------------------------------------------------

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), 3)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"failing: {type(exc).__name__}: {exc}"[:300]
        if not self.broker_connected.is_set():
            checks["broker"] = "failing: not connected yet"
        else:
            checks["broker"] = "ok" if await self.broker.ping(timeout=3) else "failing: no answer to metadata request"
        return checks

    # -- HTTP ----------------------------------------------------------------

    def http_app(self) -> FastAPI:
        runtime = self

        @contextlib.asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            async with runtime.running():
                yield

        app = FastAPI(
            title=self.spec.title or f"Ladder {self.spec.name}",
            description=self.spec.description,
            version="1.0.0",
            lifespan=lifespan,
        )
        app.state.runtime = self
        app.state.token_issuer = self.token_issuer

        @app.get("/healthz", tags=["health"], summary="Liveness: the process and its event loop answer")
        async def healthz() -> dict[str, str]:
            return {"status": "ok", "service": runtime.spec.name}

        @app.get("/readyz", tags=["health"], summary="Readiness: database and Kafka both answer")
        async def readyz() -> JSONResponse:
            checks = await runtime.readiness()
            ready = all(value == "ok" for value in checks.values())
            return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503)

        @app.get("/metrics", tags=["health"], summary="Prometheus metrics", response_class=PlainTextResponse)
        async def metrics() -> PlainTextResponse:
            return PlainTextResponse(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

        @app.middleware("http")
        async def trace_id_header(request: Request, call_next):
            # Lets a caller (or a person with curl) find the request's trace: `ladder traces show <id>`.
            response = await call_next(request)
            context = trace.get_current_span().get_span_context()
            if context.is_valid:
                response.headers["x-trace-id"] = trace.format_trace_id(context.trace_id)
            return response

        for error_type, status in self.spec.error_statuses.items():
            app.add_exception_handler(error_type, _error_response(status))
        for router in self.spec.routers:
            app.include_router(router)
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=self.tracer_provider, excluded_urls="healthz,readyz,metrics"
        )
        return app


def _error_response(status: int):
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status)

    return handle


def request_runtime(request: Request) -> ServiceRuntime:
    """FastAPI dependency: the runtime of the app serving this request."""
    return request.app.state.runtime
