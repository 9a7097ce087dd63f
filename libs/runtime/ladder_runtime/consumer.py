"""Consuming integration events: decode, dead-letter, deduplicate, handle, ack.

One consumer group per service reads all topics the service subscribes to.
For each record:

1. Decode the CloudEvents envelope and validate it with the contract of its
   ``type``. Bad JSON, an unknown type or version, or a contract violation
   goes to the service's dead-letter topic with the reason, and is acked so
   the partition moves on.
2. In one transaction: claim (consumer, event id) in the inbox, run the
   handler, commit. A redelivered event finds its claim and has no effect.
3. A handler rejecting the event for good (a domain error) dead-letters it.
   Anything else is retried in place with backoff, so per-key order holds;
   infrastructure errors (database down) are retried until they clear, other
   errors a bounded number of times before dead-lettering. Nothing is acked
   that was not handled or dead-lettered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import TopicPartition
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from sqlalchemy.exc import DBAPIError, OperationalError

from ladder_contracts import CloudEvent, ContractError, EventData, REGISTRY
from ladder_contracts.registry import ContractRegistry
from ladder_runtime.metrics import ServiceMetrics
from ladder_runtime.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent[Any], Any], Awaitable[None]]

DLQ_HEADER_PREFIX = "ladder-dlq-"
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, DBAPIError, OSError, TimeoutError)


def dead_letter_topic(service_name: str) -> str:
    return f"ladder.{service_name}.dlq"


@dataclass(frozen=True, slots=True)
class Subscription:
    """Events of ``event`` go to ``handler(event, uow)``."""

    event: type[EventData]
    handler: EventHandler


@dataclass
class ConsumerStats:
    handled: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    retries: int = 0
    handler_seconds_total: float = 0.0


class DeadLetters:
    """Publishes a record that cannot be handled, untouched, plus why, to the service's DLQ topic."""

    def __init__(self, broker: KafkaBroker, *, service_name: str, metrics: ServiceMetrics | None = None) -> None:
        self._broker = broker
        self._metrics = metrics
        self._service_name = service_name
        self.topic = dead_letter_topic(service_name)

    async def send(self, record: Any, *, reason: str, kind: str) -> None:
        headers = {name: (value or b"").decode("utf-8", errors="replace") for name, value in record.headers or ()}
        headers |= {
            f"{DLQ_HEADER_PREFIX}reason": reason[:4000],
            f"{DLQ_HEADER_PREFIX}kind": kind,
            f"{DLQ_HEADER_PREFIX}consumer": self._service_name,
            f"{DLQ_HEADER_PREFIX}original-topic": record.topic,
            f"{DLQ_HEADER_PREFIX}original-partition": str(record.partition),
            f"{DLQ_HEADER_PREFIX}original-offset": str(record.offset),
            f"{DLQ_HEADER_PREFIX}failed-at": datetime.now(UTC).isoformat(),
        }
        await self._broker.publish(record.value or b"", self.topic, key=record.key, headers=headers)
        if self._metrics:
            self._metrics.dead_lettered(record.topic, kind)
        log.warning("dead-lettered %s: %s", _where(record), reason)


class EventConsumer:
    def __init__(
        self,
        *,
        consumer_name: str,
        subscriptions: list[Subscription],
        unit_of_work: Callable[[], SqlUnitOfWork],
        dead_letters: DeadLetters,
        permanent_errors: tuple[type[Exception], ...] = (),
        registry: ContractRegistry = REGISTRY,
        max_attempts: int = 5,
        max_backoff_s: float = 30.0,
        transient_retry_window_s: float = 120.0,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self.consumer_name = consumer_name
        self._handlers = {s.event: s.handler for s in subscriptions}
        self._unit_of_work = unit_of_work
        self._dead_letters = dead_letters
        self._permanent_errors = permanent_errors
        self._registry = registry
        self._max_attempts = max_attempts
        self._max_backoff_s = max_backoff_s
        self._transient_retry_window_s = transient_retry_window_s
        self.stats = ConsumerStats()
        self._metrics = metrics
        self._stopping = asyncio.Event()

    def stop_retrying(self) -> None:
        """On shutdown: a record being retried is handed back (nacked) at once instead of waiting out its backoff."""
        self._stopping.set()

    @property
    def topics(self) -> list[str]:
        return sorted({event.topic for event in self._handlers})

    def attach(self, broker: KafkaBroker, *, session_timeout_ms: int = 10_000, fetch_max_wait_ms: int = 100) -> None:
        """Subscribe on ``broker`` as consumer group ``ladder-<consumer>``, acking by hand."""
        if not self._handlers:
            return
        subscriber = broker.subscriber(
            *self.topics,
            group_id=f"ladder-{self.consumer_name}",
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,
            session_timeout_ms=session_timeout_ms,
            heartbeat_interval_ms=max(session_timeout_ms // 5, 500),
            fetch_max_wait_ms=fetch_max_wait_ms,
            # Keep the raw bytes: decoding belongs to the contract registry, so failures get a reason.
            decoder=_raw_body,
            title=f"ladder-{self.consumer_name}",
            description=f"Events consumed by the {self.consumer_name} service",
        )
        subscriber(self.on_message)

    async def on_message(self, message: KafkaMessage) -> None:
        # Offsets are committed per record (getone + commit), so a record left neither acked nor
        # nacked would be skipped by the next ack: every path below ends in exactly one of them.
        try:
            handled = await self._process(message)
        except Exception:
            log.exception("could not handle or dead-letter %s; it will be redelivered", _where(message.raw_message))
            await asyncio.sleep(1.0)  # e.g. the DLQ publish failed because Kafka is away: don't spin
            handled = False
        if handled:
            await message.ack()
        else:
            await message.nack()  # seek back: redelivered on the next poll, nothing is skipped

    async def _process(self, message: KafkaMessage) -> bool:
        record = message.raw_message
        self._observe_lag(message.consumer, record)
        try:
            event = self._registry.decode(message.body, accept=self._handlers)
        except ContractError as exc:
            await self._dead_letters.send(record, reason=exc.reason, kind=exc.kind)
            self.stats.dead_lettered += 1
            return True
        return await self._handle_with_retries(event, record)

    async def _handle_with_retries(self, event: CloudEvent[Any], record: Any) -> bool:
        handler = self._handlers[type(event.data)]
        attempt = 0
        first_failure: float | None = None
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                async with self._unit_of_work() as uow:
                    if await uow.claim(self.consumer_name, event.id, event.type):
                        await handler(event, uow)
                        await uow.commit()
                        self.stats.handled += 1
                    else:
                        self.stats.duplicates += 1
                        if self._metrics:
                            self._metrics.duplicate(record.topic)
                elapsed = time.perf_counter() - started
                self.stats.handler_seconds_total += elapsed
                if self._metrics:
                    self._metrics.handled(record.topic, elapsed)
                return True
            except self._permanent_errors as exc:
                await self._dead_letters.send(record, reason=f"rejected by handler: {exc}", kind="rejected")
                self.stats.dead_lettered += 1
                return True
            except Exception as exc:
                self.stats.retries += 1
                first_failure = first_failure or time.monotonic()
                transient = isinstance(exc, TRANSIENT_ERRORS)
                if not transient and attempt >= self._max_attempts:
                    log.exception("handler failed %d times for %s; dead-lettering", attempt, event.id)
                    await self._dead_letters.send(
                        record, reason=f"handler failed after {attempt} attempts: {type(exc).__name__}: {exc}", kind="handler-failed"
                    )
                    self.stats.dead_lettered += 1
                    return True
                if transient and time.monotonic() - first_failure > self._transient_retry_window_s:
                    log.warning("still failing after %.0fs (%s); handing %s back to the poll loop", self._transient_retry_window_s, exc, event.id)
                    return False
                delay = min(self._max_backoff_s, 0.1 * 2**attempt)
                log.warning("handler attempt %d for %s failed (%r); retrying in %.1fs", attempt, event.id, exc, delay)
                try:
                    await asyncio.wait_for(self._stopping.wait(), delay)
                    return False  # stopping: the next owner of the partition gets the record
                except TimeoutError:
                    pass


    def _observe_lag(self, consumer: Any, record: Any) -> None:
        if self._metrics is None or not hasattr(consumer, "highwater"):
            return
        highwater = consumer.highwater(TopicPartition(record.topic, record.partition))
        if highwater is not None:
            self._metrics.lag(record.topic, record.partition, max(highwater - record.offset - 1, 0))


def _where(record: Any) -> str:
    return f"{record.topic}[{record.partition}]@{record.offset}"


async def _raw_body(message: Any) -> bytes:
    return message.body
