"""Readiness band thresholds set per target role; roles without their own use the policy's defaults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_progression.domain.engine import Thresholds
from ladder_progression.store.tables import readiness_thresholds
from ladder_progression.store.time import utc


class ThresholdRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, role_id: str) -> Thresholds | None:
        row = (
            await self._session.execute(
                select(readiness_thresholds.c.developing_from, readiness_thresholds.c.ready_from).where(
                    readiness_thresholds.c.role_id == role_id
                )
            )
        ).one_or_none()
        return Thresholds(row.developing_from, row.ready_from) if row else None

    async def put(self, role_id: str, thresholds: Thresholds, *, by: str, at: datetime) -> None:
        values = {
            "developing_from": thresholds.developing_from,
            "ready_from": thresholds.ready_from,
            "updated_by": by,
            "updated_at": utc(at),
        }
        where = readiness_thresholds.c.role_id == role_id
        if (await self._session.execute(update(readiness_thresholds).where(where).values(**values))).rowcount == 0:
            await self._session.execute(insert(readiness_thresholds).values(role_id=role_id, **values))

    async def remove(self, role_id: str) -> bool:
        result = await self._session.execute(delete(readiness_thresholds).where(readiness_thresholds.c.role_id == role_id))
        return result.rowcount > 0
