"""The progression unit of work: its repositories, plus the process-wide context handlers need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from ladder_runtime.uow import SqlUnitOfWork

from ladder_progression.domain.engine import ReadinessPolicy
from ladder_progression.store.portfolio import PortfolioRepository
from ladder_progression.store.readiness import ReadinessRepository
from ladder_progression.store.reevaluations import ReevaluationRepository
from ladder_progression.store.roles import RoleCache, RoleVersions
from ladder_progression.store.thresholds import ThresholdRepository
from ladder_progression.store.tracks import TrackRepository


@dataclass
class ProgressionContext:
    """Long-lived collaborators of one service instance."""

    policy: ReadinessPolicy
    role_cache: RoleCache
    on_reevaluation_enqueued: Callable[[], None] = lambda: None
    """Wakes the re-evaluation worker once work it should pick up is committed."""


class ProgressionUnitOfWork(SqlUnitOfWork):
    context: ClassVar[ProgressionContext]
    roles: RoleVersions
    tracks: TrackRepository
    portfolio: PortfolioRepository
    readiness: ReadinessRepository
    thresholds: ThresholdRepository
    reevaluations: ReevaluationRepository

    @classmethod
    def bound_to(cls, context: ProgressionContext) -> type[ProgressionUnitOfWork]:
        """This unit of work for one service instance (the runtime builds units of work from a class)."""
        return type(cls.__name__, (cls,), {"context": context})

    @property
    def policy(self) -> ReadinessPolicy:
        return self.context.policy

    def _open(self, session: AsyncSession) -> None:
        self.roles = RoleVersions(session, self.context.role_cache)
        self.tracks = TrackRepository(session)
        self.portfolio = PortfolioRepository(session)
        self.readiness = ReadinessRepository(session)
        self.thresholds = ThresholdRepository(session)
        self.reevaluations = ReevaluationRepository(session)

    async def commit(self) -> None:
        enqueued = self.reevaluations.enqueued
        await super().commit()
        self.reevaluations.enqueued = False
        if enqueued:
            self.context.on_reevaluation_enqueued()
