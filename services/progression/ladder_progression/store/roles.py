"""Role versions from the local replica, parsed once per process, and the criteria derived from them.

A role version never changes once replicated, so a parsed :class:`Role` and
the :class:`CriteriaSet` of a (current version, target version) pair can be
kept for the life of the process: the event path then costs one indexed
lookup of the latest version number instead of parsing a whole blueprint.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.role import Role
from ladder_runtime.role_replica import RoleReplica

from ladder_progression.domain.criteria import CriteriaSet, CriterionWeights, derive_criteria
from ladder_progression.domain.track import Track, career_ref
from ladder_progression.store.tables import role_replica

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A small least-recently-used map; single event loop, so no locking."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return value


class RoleCache:
    """Process-wide: parsed role versions and derived criteria sets."""

    def __init__(self, weights: CriterionWeights, capacity: int = 512) -> None:
        self.weights = weights
        self.roles: Lru[tuple[str, int], Role] = Lru(capacity)
        self.criteria: Lru[tuple[str, int, str, int | None], CriteriaSet] = Lru(capacity * 4)


class RoleVersions(RoleReplica):
    """The replica, read through the process-wide cache."""

    def __init__(self, session: AsyncSession, cache: RoleCache) -> None:
        super().__init__(session, role_replica)
        self._cache = cache

    async def latest_version(self, role_id: str | None) -> int | None:
        if role_id is None:
            return None
        query = select(func.max(role_replica.c.version)).where(role_replica.c.role_id == role_id)
        return (await self._session.execute(query)).scalar()

    async def version(self, role_id: str, version: int) -> Role | None:
        key = (role_id, version)
        if (cached := self._cache.roles.get(key)) is not None:
            return cached
        found = await self.get(role_id, version)
        return self._cache.roles.put(key, found[1]) if found else None

    async def latest(self, role_id: str | None) -> tuple[int, Role] | None:
        version = await self.latest_version(role_id)
        if role_id is None or version is None:
            return None
        role = await self.version(role_id, version)
        return (version, role) if role is not None else None

    async def criteria_for(self, track: Track) -> CriteriaSet | None:
        """The criteria of the track's pinned role versions; None until both ends are known."""
        if track.current_role_id is None or track.current_role_version is None or track.target_role_id is None:
            return None
        key = (track.current_role_id, track.current_role_version, track.target_role_id, track.target_role_version)
        if (cached := self._cache.criteria.get(key)) is not None:
            return cached
        current = await self.version(track.current_role_id, track.current_role_version)
        if current is None:
            return None
        target = (
            await self.version(track.target_role_id, track.target_role_version)
            if track.target_role_version is not None
            else None
        )
        ref = career_ref(current, track.target_role_id)
        criteria = derive_criteria(
            current,
            track.current_role_version,
            target_role_id=track.target_role_id,
            target_title=target.title if target is not None else (ref.title if ref else None),
            target=target,
            target_version=track.target_role_version if target is not None else None,
            weights=self._cache.weights,
        )
        return self._cache.criteria.put(key, criteria)
