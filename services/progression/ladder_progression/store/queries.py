"""Read side of progression: plain queries behind the HTTP API, no aggregate needed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_progression.store.tables import (
    contributions,
    readiness,
    readiness_history,
    readiness_thresholds,
    reevaluations,
    track_changes,
    tracks,
)
from ladder_progression.store.time import utc


def _row(row) -> dict[str, Any]:
    return {key: utc(value) if isinstance(value, datetime) else value for key, value in row._mapping.items()}


async def track(session: AsyncSession, person_id: str) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(tracks).where(tracks.c.person_id == person_id, tracks.c.current_role_id.is_not(None))
        )
    ).one_or_none()
    return _row(row) if row else None


async def track_history(session: AsyncSession, person_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(track_changes).where(track_changes.c.person_id == person_id).order_by(track_changes.c.seq)
    )
    return [_row(row) for row in rows]


async def current_readiness(session: AsyncSession, person_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(readiness).where(readiness.c.person_id == person_id))).one_or_none()
    return _row(row) if row else None


async def evidence_behind(
    session: AsyncSession, person_id: str, targets: list[tuple[str, str]], *, per_target: int
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The latest ``per_target`` contributions to each of ``targets``, newest first.

    One index range scan per target (``ix_contributions_recent``), so a person
    with 10,000 items costs what one with 10 does.
    """
    if not targets:
        return {}
    latest = [
        select(
            contributions.c.target_kind,
            contributions.c.target_id,
            contributions.c.item_id,
            contributions.c.item_kind,
            contributions.c.source_key,
            contributions.c.occurred_at,
        )
        .where(
            contributions.c.person_id == person_id,
            contributions.c.target_kind == kind,
            contributions.c.target_id == target_id,
        )
        .order_by(contributions.c.occurred_at.desc(), contributions.c.item_id)
        .limit(per_target)
        .subquery()
        for kind, target_id in targets
    ]
    rows = await session.execute(union_all(*(select(subquery) for subquery in latest)))
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault((row.target_kind, row.target_id), []).append(
            {"item_id": row.item_id, "item_kind": row.item_kind, "source": row.source_key, "occurred_at": utc(row.occurred_at)}
        )
    for refs in found.values():
        refs.sort(key=lambda ref: (ref["occurred_at"], ref["item_id"]), reverse=True)
    return found


async def readiness_history_page(
    session: AsyncSession, person_id: str, *, limit: int, before: int | None
) -> list[dict[str, Any]]:
    query = select(readiness_history).where(readiness_history.c.person_id == person_id)
    if before is not None:
        query = query.where(readiness_history.c.seq < before)
    rows = await session.execute(query.order_by(readiness_history.c.seq.desc()).limit(limit))
    return [_row(row) for row in rows]


async def readiness_as_of(session: AsyncSession, person_id: str, at: datetime) -> dict[str, Any] | None:
    """The history entry in effect at ``at``: the last one that took effect at or before it."""
    row = (
        await session.execute(
            select(readiness_history)
            .where(readiness_history.c.person_id == person_id, readiness_history.c.effective_at <= utc(at))
            .order_by(readiness_history.c.effective_at.desc(), readiness_history.c.seq.desc())
            .limit(1)
        )
    ).one_or_none()
    return _row(row) if row else None


async def heat_map_rows(
    session: AsyncSession, *, role_id: str | None, team_id: str | None, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """Hired people in a role or a team, by id, with their current readiness (None while pending)."""
    query = (
        select(
            tracks.c.person_id,
            tracks.c.team_id,
            tracks.c.current_role_id,
            tracks.c.target_role_id,
            readiness.c.band,
            readiness.c.score,
            readiness.c.criteria,
        )
        .select_from(tracks.outerjoin(readiness, readiness.c.person_id == tracks.c.person_id))
        .where(tracks.c.current_role_id.is_not(None))
    )
    if role_id is not None:
        query = query.where(tracks.c.current_role_id == role_id)
    if team_id is not None:
        query = query.where(tracks.c.team_id == team_id)
    if after is not None:
        query = query.where(tracks.c.person_id > after)
    rows = await session.execute(query.order_by(tracks.c.person_id).limit(limit))
    return [_row(row) for row in rows]


async def thresholds_of(session: AsyncSession, role_id: str) -> dict[str, Any] | None:
    row = (
        await session.execute(select(readiness_thresholds).where(readiness_thresholds.c.role_id == role_id))
    ).one_or_none()
    return _row(row) if row else None


async def pending_reevaluations(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(
            reevaluations.c.id,
            reevaluations.c.role_id,
            reevaluations.c.reason,
            reevaluations.c.caused_by_event_id,
            reevaluations.c.people_done,
            reevaluations.c.created_at,
        )
        .where(reevaluations.c.finished_at.is_(None))
        .order_by(reevaluations.c.id)
    )
    return [_row(row) for row in rows]
