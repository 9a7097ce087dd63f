"""The outbox relay: moves committed outbox rows to Kafka, in order, at least once.

* Fast path: a commit that wrote events calls :meth:`OutboxRelay.wake`, so
  publishing starts immediately, with no polling delay.
* Safety net: every ``poll_interval`` the relay re-reads anything still
  unpublished (rows of a crashed process, or of a failed attempt).
* Order: rows go out in ``seq`` order; the first failure stops the batch, so
  a later event of a key is never published before an earlier one.
* Outages: failures back off exponentially (capped) and are retried forever;
  nothing is dropped. The trace context stored on each row becomes the
  parent of the publish span, so one trace continues across the relay.
* Replicas: on PostgreSQL only the holder of an advisory lock relays, so two
  pods never interleave one service's events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opentelemetry import context as otel_context
from opentelemetry import trace
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ladder_contracts import TraceContext
from ladder_runtime.metrics import ServiceMetrics
from ladder_runtime.store.tables import outbox
from ladder_runtime.telemetry import context_from_trace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    seq: int
    event_id: str
    topic: str
    key: str
    payload: bytes
    headers: dict[str, str]


PublishRecord = Callable[[OutboxRecord], Awaitable["asyncio.Future[object]"]]
"""Hands one record to the producer; returns the delivery future (so a batch pipelines)."""


@dataclass(frozen=True, slots=True)
class OutboxStats:
    backlog: int
    oldest_age_s: float


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        publish: PublishRecord,
        *,
        service_name: str,
        poll_interval_s: float = 2.0,
        batch_size: int = 500,
        publish_timeout_s: float = 15.0,
        max_backoff_s: float = 30.0,
        retention: timedelta = timedelta(days=7),
        tracer_provider: trace.TracerProvider | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self._engine = engine
        self._publish = publish
        self._service_name = service_name
        self._poll_interval_s = poll_interval_s
        self._batch_size = batch_size
        self._publish_timeout_s = publish_timeout_s
        self._max_backoff_s = max_backoff_s
        self._retention = retention
        self._wakeup = asyncio.Event()
        self._tracer = trace.get_tracer("ladder.outbox", tracer_provider=tracer_provider)
        self._metrics = metrics
        self._lock_connection: AsyncConnection | None = None
        self.published_total = 0
        self.failed_attempts_total = 0

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        """Relay until cancelled."""
        failures = 0
        last_cleanup = datetime.min.replace(tzinfo=UTC)
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_interval_s)
                except TimeoutError:
                    pass
                self._wakeup.clear()
                try:
                    if await self._is_leader():
                        await self.drain()
                        await self._observe_backlog()
                        if datetime.now(UTC) - last_cleanup > timedelta(minutes=10):
                            await self._delete_published_before(datetime.now(UTC) - self._retention)
                            last_cleanup = datetime.now(UTC)
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # broker or database down: back off, never give up
                    failures += 1
                    self.failed_attempts_total += 1
                    if self._metrics:
                        self._metrics.outbox_failures.inc()
                    with contextlib.suppress(Exception):
                        await self._observe_backlog()
                    delay = min(self._max_backoff_s, 0.2 * 2**failures)
                    log.warning("outbox relay attempt failed (%s); retrying in %.1fs", exc, delay)
                    await asyncio.sleep(delay)
                    self._wakeup.set()
        finally:
            await self._release_leadership()

    async def drain(self) -> int:
        """Publish everything unpublished now; returns how many rows went out."""
        published = 0
        while True:
            records = await self._fetch_unpublished()
            if not records:
                return published
            sent = await self._publish_in_order(records)
            published += sent
            if sent < len(records):
                raise RuntimeError(f"published {sent} of {len(records)} outbox rows; the rest wait for a retry")

    async def stats(self) -> OutboxStats:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
                )
            ).one()
        oldest = row[1]
        if oldest is not None and oldest.tzinfo is None:  # SQLite returns naive UTC
            oldest = oldest.replace(tzinfo=UTC)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        return OutboxStats(backlog=row[0], oldest_age_s=max(age, 0.0))

    async def _observe_backlog(self) -> None:
        if self._metrics:
            stats = await self.stats()
            self._metrics.outbox_backlog.set(stats.backlog)
            self._metrics.outbox_oldest_age.set(stats.oldest_age_s)

    async def _fetch_unpublished(self) -> list[OutboxRecord]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(outbox.c.seq, outbox.c.event_id, outbox.c.topic, outbox.c.message_key, outbox.c.payload, outbox.c.headers)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(self._batch_size)
            )
            return [OutboxRecord(r.seq, r.event_id, r.topic, r.message_key, r.payload, r.headers) for r in rows]

    async def _publish_in_order(self, records: Sequence[OutboxRecord]) -> int:
        """Pipeline the batch to the producer, then confirm in order; stop at the first failure."""
        futures: list[asyncio.Future[object]] = []
        error: BaseException | None = None
        for record in records:
            parent = context_from_trace(
                TraceContext(traceparent=record.headers.get("traceparent"), tracestate=record.headers.get("tracestate"))
            )
            token = otel_context.attach(parent)
            try:
                with self._tracer.start_as_current_span(
                    f"outbox relay {record.topic}",
                    kind=trace.SpanKind.INTERNAL,
                    attributes={"messaging.message.id": record.event_id, "ladder.outbox.seq": record.seq},
                ):
                    futures.append(await asyncio.wait_for(self._publish(record), self._publish_timeout_s))
            except Exception as exc:
                error = exc
                break
            finally:
                otel_context.detach(token)

        confirmed: list[int] = []
        for record, future in zip(records, futures):
            # asyncio.wait, not wait_for: cancelling a delivery future would not recall the record.
            done, _ = await asyncio.wait({future}, timeout=self._publish_timeout_s)
            if not done:
                error = error or TimeoutError(f"no acknowledgement from Kafka within {self._publish_timeout_s}s")
                break
            if (exc := future.exception()) is not None:
                error = error or exc
                break
            confirmed.append(record.seq)
        if confirmed:
            await self._mark_published(confirmed)
        if error is not None:
            failed = records[len(confirmed)]
            await self._record_failure(failed.seq, error)
            log.warning("outbox publish of %s to %s failed: %r", failed.event_id, failed.topic, error)
        self.published_total += len(confirmed)
        if self._metrics:
            self._metrics.outbox_published.inc(len(confirmed))
        return len(confirmed)

    async def _mark_published(self, seqs: list[int]) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.seq.in_(seqs)).values(published_at=datetime.now(UTC)))

    async def _record_failure(self, seq: int, error: BaseException) -> None:
        try:
            async with self._engine.begin() as conn:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.seq == seq)
                    .values(attempts=outbox.c.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:2000])
                )
        except Exception:  # the database may be what is down; the row stays unpublished either way
            log.exception("could not record outbox failure")

    async def _delete_published_before(self, cutoff: datetime) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(delete(outbox).where(outbox.c.published_at < cutoff))

    async def _is_leader(self) -> bool:
        if self._engine.dialect.name != "postgresql":
            return True  # SQLite stores belong to a single process
        if self._lock_connection is not None and not self._lock_connection.closed:
            return True
        conn = await self._engine.connect()
        key = zlib.crc32(f"ladder-outbox:{self._service_name}".encode())
        acquired = (await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})).scalar()
        await conn.commit()
        if acquired:
            self._lock_connection = conn
            return True
        await conn.close()
        return False

    async def _release_leadership(self) -> None:
        if self._lock_connection is not None:
            try:
                await self._lock_connection.close()  # closing the session releases the advisory lock
            except Exception:
                log.debug("lock connection already gone", exc_info=True)
            self._lock_connection = None
