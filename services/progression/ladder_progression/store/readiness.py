"""Each person's current readiness with its explanation, and its history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.common import ReadinessBand

from ladder_progression.domain.engine import Published, Readiness, Thresholds
from ladder_progression.domain.track import Cause
from ladder_progression.store.tables import readiness, readiness_history
from ladder_progression.store.time import utc


@dataclass(frozen=True, slots=True)
class ReadinessRecord:
    published: Published | None
    history_digest: str


class ReadinessRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, person_id: str) -> ReadinessRecord | None:
        row = (
            await self._session.execute(
                select(readiness.c.published_band, readiness.c.published_score, readiness.c.history_digest).where(
                    readiness.c.person_id == person_id
                )
            )
        ).one_or_none()
        if row is None:
            return None
        published = (
            Published(ReadinessBand(row.published_band), row.published_score) if row.published_band is not None else None
        )
        return ReadinessRecord(published, row.history_digest)

    async def save(
        self,
        person_id: str,
        result: Readiness,
        *,
        thresholds: Thresholds,
        cause: Cause,
        published: Published | None,
        history_digest: str,
        exists: bool,
    ) -> None:
        criteria = result.criteria_set
        values = {
            "current_role_id": criteria.current_role_id,
            "current_role_version": criteria.current_role_version,
            "target_role_id": criteria.target_role_id,
            "target_role_version": criteria.target_role_version,
            "target_level": criteria.target_level.value if criteria.target_level else None,
            "band": result.band.value,
            "score": result.score,
            "criteria": explanation(result),
            "capped_by": list(result.capped_by),
            "top_gaps": [gap.criterion.key for gap in result.gaps()],
            "thresholds": {"developing_from": thresholds.developing_from, "ready_from": thresholds.ready_from},
            "as_of": utc(result.as_of),
            "effective_at": utc(cause.at),
            "caused_by_event_id": cause.event_id,
            "caused_by_event_type": cause.event_type,
            "published_band": published.band.value if published else None,
            "published_score": published.score if published else None,
            "history_digest": history_digest,
        }
        if exists:
            await self._session.execute(update(readiness).where(readiness.c.person_id == person_id).values(**values))
        else:
            await self._session.execute(insert(readiness).values(person_id=person_id, **values))

    async def append_history(self, person_id: str, result: Readiness, *, cause: Cause, published: bool) -> None:
        criteria = result.criteria_set
        await self._session.execute(
            insert(readiness_history).values(
                person_id=person_id,
                effective_at=utc(cause.at),
                current_role_id=criteria.current_role_id,
                current_role_version=criteria.current_role_version,
                target_role_id=criteria.target_role_id,
                target_role_version=criteria.target_role_version,
                band=result.band.value,
                score=result.score,
                statuses=result.statuses(),
                published=published,
                caused_by_event_id=cause.event_id,
                caused_by_event_type=cause.event_type,
            )
        )

    async def forget_current(self, person_id: str) -> None:
        """The track no longer has a target to be ready for; its history stays."""
        await self._session.execute(delete(readiness).where(readiness.c.person_id == person_id))


def explanation(result: Readiness) -> list[dict]:
    """Per criterion, in the criteria's order: what it asks, how far the evidence meets it, and why."""
    return [
        {
            "kind": r.criterion.kind.value,
            "id": r.criterion.id,
            "title": r.criterion.title,
            "drawn_from": r.criterion.drawn_from,
            "expectation": r.criterion.expectation,
            "required_level": r.criterion.required_level.value if r.criterion.required_level else None,
            "weight": r.criterion.weight,
            "blocking": r.criterion.blocking,
            "evidenced_by": [{"kind": t.kind.value, "id": t.id} for t in r.criterion.feeds],
            "status": r.status.value,
            "attainment": r.attainment,
            "confidence": r.confidence,
            "credit": r.credit,
            "sources": r.sources,
            "items": r.items,
        }
        for r in result.criteria
    ]
