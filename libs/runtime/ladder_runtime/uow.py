"""Unit of work: one database transaction that commits state, outbox rows and inbox marks together.

Handlers are plain functions ``handler(message, uow)``. They change aggregates
through repositories and record integration events with :meth:`publish` (or
let aggregates raise them: anything a repository has *seen* with an
``events`` list is collected at commit). Nothing reaches Kafka unless the
business transaction commits; after it does, the relay is woken at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol, Self

from sqlalchemy import delete, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ladder_contracts import CloudEvent, EventData
from ladder_contracts.envelope import CONTENT_TYPE
from ladder_runtime.store.tables import inbox, outbox
from ladder_runtime.telemetry import current_trace_context


class RaisesEvents(Protocol):
    events: list[EventData]


class Repository(Protocol):
    seen: set[Any]


class SqlUnitOfWork:
    """Base unit of work; a service subclass adds its repositories in :meth:`_open`."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        source: str,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.source = source
        self._on_commit = on_commit
        self._pending: list[CloudEvent[Any]] = []
        self.session: AsyncSession

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        self._pending = []
        self._open(self.session)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        try:
            await self.session.rollback()  # no-op after a commit; undoes everything on error
        finally:
            await self.session.close()

    def _open(self, session: AsyncSession) -> None:
        """Create repositories on ``session``; override in services."""

    def repositories(self) -> Iterable[Repository]:
        return ()

    def publish(self, data: EventData, *, event_id: str | None = None, time: datetime | None = None) -> CloudEvent[Any]:
        """Record an integration event; it is written to the outbox at commit."""
        event = CloudEvent.wrap(
            data, source=self.source, event_id=event_id, time=time, trace=current_trace_context()
        )
        self._pending.append(event)
        return event

    def _collect_aggregate_events(self) -> None:
        for repository in self.repositories():
            for aggregate in repository.seen:
                while getattr(aggregate, "events", None):
                    self.publish(aggregate.events.pop(0))

    async def commit(self) -> None:
        self._collect_aggregate_events()
        if self._pending:
            now = datetime.now(UTC)
            await self.session.execute(
                insert(outbox),
                [
                    {
                        "event_id": event.id,
                        "event_type": event.type,
                        "topic": type(event.data).topic,
                        "message_key": event.subject,
                        "payload": event.to_json(),
                        "headers": _trace_headers(event),
                        "created_at": now,
                    }
                    for event in self._pending
                ],
            )
        wrote_events = bool(self._pending)
        await self.session.commit()
        self._pending = []
        if wrote_events and self._on_commit is not None:
            self._on_commit()

    async def rollback(self) -> None:
        self._pending = []
        await self.session.rollback()

    async def erase_outbox_records(self, *, topic: str, key: str) -> int:
        """For erasure: delete this service's outbox rows of ``topic`` keyed by ``key``, published or not.

        Published rows would otherwise keep the person's data here until the
        relay's retention cleanup; unpublished ones need not reach consumers who
        are about to be told to erase the person anyway.
        """
        deleted = await self.session.execute(delete(outbox).where(outbox.c.topic == topic, outbox.c.message_key == key))
        return deleted.rowcount

    async def claim(self, consumer: str, event_id: str, event_type: str) -> bool:
        """Mark an incoming event processed by ``consumer`` in this transaction.

        False means it already was: the caller must skip its effects. The
        primary key (consumer, event_id) makes this safe under concurrency.
        """
        dialect = self.session.bind.dialect.name
        insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert_fn(inbox)
            .values(consumer=consumer, event_id=event_id, event_type=event_type, processed_at=datetime.now(UTC))
            .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        )
        result = await self.session.execute(statement)
        return result.rowcount == 1


def _trace_headers(event: CloudEvent[Any]) -> dict[str, str]:
    headers = {"content-type": CONTENT_TYPE}
    if event.traceparent:
        headers["traceparent"] = event.traceparent
    if event.tracestate:
        headers["tracestate"] = event.tracestate
    return headers
