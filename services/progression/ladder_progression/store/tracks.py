"""Tracks in and out of their tables; a track row is also the lock that serialises one person's updates.

Every change to a person (an event, an API call, a re-evaluation batch) first
locks their track row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
serialises writers anyway), so concurrent consumers, replicas and the
re-evaluation worker never overwrite each other's readiness.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_progression.domain.track import Track
from ladder_progression.store.tables import erased_people, track_changes, tracks
from ladder_progression.store.time import utc

_TRACK_COLUMNS = (
    "current_role_id",
    "current_role_version",
    "target_role_id",
    "target_role_version",
    "target_chosen",
    "team_id",
    "manager_id",
    "hired_at",
    "as_of",
)


def person_key(person_id: str) -> str:
    """What an erasure leaves behind: a hash, enough to refuse late events about the person."""
    return hashlib.sha256(person_id.encode()).hexdigest()


class TrackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, person_id: str) -> Track | None:
        row = (
            await self._session.execute(select(tracks).where(tracks.c.person_id == person_id).with_for_update())
        ).one_or_none()
        return _track(row) if row else None

    async def lock_or_start(self, person_id: str) -> Track | None:
        """The person's track, created empty on their first event; None if the person was erased."""
        if (track := await self.lock(person_id)) is not None:
            return track
        if await self.is_erased(person_id):
            return None
        insert_fn = postgresql.insert if self._session.bind.dialect.name == "postgresql" else sqlite.insert
        await self._session.execute(
            insert_fn(tracks)
            .values(person_id=person_id, target_chosen=False, updated_at=datetime.now(UTC))
            .on_conflict_do_nothing(index_elements=["person_id"])  # another replica's first event won
        )
        return await self.lock(person_id)

    async def lock_batch(self, role_id: str, *, after: str | None, limit: int) -> list[Track]:
        """The next ``limit`` hired people, by id, whose current or target role is ``role_id``."""
        on_role = or_(tracks.c.current_role_id == role_id, tracks.c.target_role_id == role_id)
        query = select(tracks).where(and_(on_role, tracks.c.current_role_id.is_not(None)))
        if after is not None:
            query = query.where(tracks.c.person_id > after)
        rows = await self._session.execute(query.order_by(tracks.c.person_id).limit(limit).with_for_update())
        return [_track(row) for row in rows]

    async def save(self, track: Track) -> None:
        values = {name: getattr(track, name) for name in _TRACK_COLUMNS}
        values |= {"hired_at": utc(track.hired_at), "as_of": utc(track.as_of)}
        await self._session.execute(
            update(tracks).where(tracks.c.person_id == track.person_id).values(**values, updated_at=datetime.now(UTC))
        )
        if track.changes:
            await self._session.execute(
                insert(track_changes),
                [
                    {
                        "person_id": track.person_id,
                        "field": change.field.value,
                        "old_value": change.old,
                        "new_value": change.new,
                        "reason": change.reason.value,
                        "caused_by_event_id": change.cause.event_id,
                        "caused_by_event_type": change.cause.event_type,
                        "changed_at": utc(change.cause.at),
                    }
                    for change in track.changes
                ],
            )
            track.changes.clear()

    async def is_erased(self, person_id: str) -> bool:
        query = select(erased_people.c.person_key).where(erased_people.c.person_key == person_key(person_id))
        return (await self._session.execute(query)).first() is not None

    async def remember_erased(self, person_id: str, at: datetime) -> None:
        insert_fn = postgresql.insert if self._session.bind.dialect.name == "postgresql" else sqlite.insert
        await self._session.execute(
            insert_fn(erased_people)
            .values(person_key=person_key(person_id), erased_at=utc(at))
            .on_conflict_do_nothing(index_elements=["person_key"])
        )


def _track(row) -> Track:
    return Track(
        person_id=row.person_id,
        current_role_id=row.current_role_id,
        current_role_version=row.current_role_version,
        target_role_id=row.target_role_id,
        target_role_version=row.target_role_version,
        target_chosen=row.target_chosen,
        team_id=row.team_id,
        manager_id=row.manager_id,
        hired_at=utc(row.hired_at),
        as_of=utc(row.as_of),
    )
