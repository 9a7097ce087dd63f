"""Deleting everything the service's own tables hold about one person."""

from __future__ import annotations

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_progression.store.tables import (
    contributions,
    evidence_items,
    readiness,
    readiness_history,
    signals,
    track_changes,
    tracks,
)

_PERSONAL_TABLES: tuple[Table, ...] = (
    tracks,
    track_changes,
    readiness,
    readiness_history,
    evidence_items,
    contributions,
    signals,
)


async def erase_person(session: AsyncSession, person_id: str) -> dict[str, int]:
    """Rows deleted, per table."""
    return {
        table.name: (await session.execute(delete(table).where(table.c.person_id == person_id))).rowcount
        for table in _PERSONAL_TABLES
    }
