"""Re-evaluation work: everyone on a role, in batches, each batch committed with its cursor.

A ``RoleUpdated`` (or a change of a role's thresholds) only records a work
item, in the transaction that handles it; the service's re-evaluation worker
then walks the people on that role in person-id order, one bounded batch per
transaction. A crash resumes at the cursor, and a second replica cannot
process the same batch twice: the cursor moves by compare-and-set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts import TraceContext

from ladder_progression.domain.track import Cause
from ladder_progression.store.tables import reevaluations
from ladder_progression.store.time import utc


@dataclass(frozen=True, slots=True)
class Reevaluation:
    id: int
    role_id: str
    reason: str
    cause: Cause
    trace: TraceContext
    after_person_id: str | None
    people_done: int


class ReevaluationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.enqueued = False
        """Whether this transaction recorded work, so the worker can be woken after commit."""

    async def enqueue(self, role_id: str, *, reason: str, cause: Cause, trace: TraceContext) -> None:
        # A work item nobody has started yet covers this cause too: take the newest cause, keep one walk.
        unstarted = (
            await self._session.execute(
                update(reevaluations)
                .where(
                    reevaluations.c.role_id == role_id,
                    reevaluations.c.reason == reason,
                    reevaluations.c.finished_at.is_(None),
                    reevaluations.c.people_done == 0,
                    reevaluations.c.after_person_id.is_(None),
                )
                .values(
                    caused_by_event_id=cause.event_id,
                    caused_by_event_type=cause.event_type,
                    effective_at=utc(cause.at),
                    traceparent=trace.traceparent,
                    tracestate=trace.tracestate,
                )
            )
        ).rowcount
        if not unstarted:
            await self._session.execute(
                insert(reevaluations).values(
                    role_id=role_id,
                    reason=reason,
                    caused_by_event_id=cause.event_id,
                    caused_by_event_type=cause.event_type,
                    effective_at=utc(cause.at),
                    traceparent=trace.traceparent,
                    tracestate=trace.tracestate,
                    people_done=0,
                    created_at=datetime.now(UTC),
                )
            )
        self.enqueued = True

    async def next_pending(self) -> Reevaluation | None:
        row = (
            await self._session.execute(
                select(reevaluations).where(reevaluations.c.finished_at.is_(None)).order_by(reevaluations.c.id).limit(1)
            )
        ).one_or_none()
        return _reevaluation(row) if row else None

    async def pending(self) -> list[Reevaluation]:
        rows = await self._session.execute(
            select(reevaluations).where(reevaluations.c.finished_at.is_(None)).order_by(reevaluations.c.id)
        )
        return [_reevaluation(row) for row in rows]

    async def advance(self, job: Reevaluation, *, after: str | None, done: int, finished: bool) -> bool:
        """Move the cursor from where ``job`` saw it; False when another worker moved it first.

        The cause is compared too: a newer role version folded into the item
        while this batch ran means the batch may have read the older one.
        """
        cursor = (
            reevaluations.c.after_person_id.is_(None)
            if job.after_person_id is None
            else reevaluations.c.after_person_id == job.after_person_id
        )
        result = await self._session.execute(
            update(reevaluations)
            .where(
                reevaluations.c.id == job.id,
                reevaluations.c.finished_at.is_(None),
                reevaluations.c.caused_by_event_id == job.cause.event_id,
                cursor,
            )
            .values(
                after_person_id=after,
                people_done=job.people_done + done,
                finished_at=datetime.now(UTC) if finished else None,
            )
        )
        return result.rowcount == 1


def _reevaluation(row) -> Reevaluation:
    return Reevaluation(
        id=row.id,
        role_id=row.role_id,
        reason=row.reason,
        cause=Cause(row.caused_by_event_id, row.caused_by_event_type, utc(row.effective_at)),
        trace=TraceContext(traceparent=row.traceparent, tracestate=row.tracestate),
        after_person_id=row.after_person_id,
        people_done=row.people_done,
    )
