"""The career graph of the latest role versions, rebuilt only when the catalog changed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from ladder_roles.domain.career_graph import CareerGraph
from ladder_roles.store import queries


class CareerGraphCache:
    def __init__(self) -> None:
        self._stamp: tuple[int, int] | None = None
        self._graph = CareerGraph()

    async def current(self, session: AsyncSession) -> CareerGraph:
        # One cheap aggregate query decides; replicas each keep their own copy and stay correct.
        stamp = await queries.catalog_stamp(session)
        if stamp != self._stamp:
            self._graph = CareerGraph.from_roles(await queries.latest_roles(session))
            self._stamp = stamp
        return self._graph
