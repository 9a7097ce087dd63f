"""Evidence items, their contributions and the running signals they fold into.

``contributions`` is the record of truth (one row per item and target, with
everything needed to take it back out); ``signals`` is the running sums the
engine reads, per person, target and source. An event touches only the rows
of the targets its item supports, and evaluation reads only the person's
signals: neither grows with the size of the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.common import ExperienceLevel

from ladder_progression.domain.criteria import Target, TargetKind
from ladder_progression.domain.signals import Contribution, Portfolio, SourceSignal
from ladder_progression.store.tables import contributions, evidence_items, signals
from ladder_progression.store.time import utc

_LEVEL_COLUMNS = {
    ExperienceLevel.ENTRY: "level_entry",
    ExperienceLevel.MID: "level_mid",
    ExperienceLevel.SENIOR: "level_senior",
}


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    person_id: str
    revision: int
    retracted: bool


class PortfolioRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._stored: set[tuple[str, Target, str]] = set()

    # -- signals ---------------------------------------------------------------------

    async def load(self, person_id: str, half_life: timedelta) -> Portfolio:
        portfolio = Portfolio(person_id, half_life)
        rows = await self._session.execute(select(signals).where(signals.c.person_id == person_id))
        for row in rows:
            target = Target(TargetKind(row.target_kind), row.target_id)
            self._stored.add((person_id, target, row.source_key))
            if row.half_life_s == half_life.total_seconds():
                signal = _signal(row, target)
            else:  # the half-life was reconfigured: the anchored sums mean nothing under the new one
                signal = await self._rebuild(person_id, target, row.source_key, half_life)
                portfolio.changed.add((target, row.source_key))
            portfolio.signals[(target, row.source_key)] = signal
        return portfolio

    async def save(self, portfolio: Portfolio) -> None:
        half_life_s = portfolio.half_life.total_seconds()
        for target, source in sorted(portfolio.changed):
            signal = portfolio.signals[(target, source)]
            key = (portfolio.person_id, target, source)
            where = (
                (signals.c.person_id == portfolio.person_id)
                & (signals.c.target_kind == target.kind.value)
                & (signals.c.target_id == target.id)
                & (signals.c.source_key == source)
            )
            if signal.items == 0:
                if key in self._stored:
                    await self._session.execute(delete(signals).where(where))
                    self._stored.discard(key)
                continue
            values = {
                "items": signal.items,
                "counted": signal.counted,
                "anchor_at": utc(signal.anchor),
                "half_life_s": half_life_s,
                "weight": signal.weight,
                "value": signal.value,
                **{column: signal.levels[level] for level, column in _LEVEL_COLUMNS.items()},
            }
            if key in self._stored:
                await self._session.execute(update(signals).where(where).values(**values))
            else:
                await self._session.execute(
                    insert(signals).values(
                        person_id=portfolio.person_id,
                        target_kind=target.kind.value,
                        target_id=target.id,
                        source_key=source,
                        **values,
                    )
                )
                self._stored.add(key)
        portfolio.changed.clear()

    async def _rebuild(self, person_id: str, target: Target, source: str, half_life: timedelta) -> SourceSignal:
        signal = SourceSignal(target, source)
        rows = await self._session.execute(
            select(contributions)
            .where(
                contributions.c.person_id == person_id,
                contributions.c.target_kind == target.kind.value,
                contributions.c.target_id == target.id,
                contributions.c.source_key == source,
            )
            .order_by(contributions.c.occurred_at, contributions.c.item_id)
        )
        for row in rows:
            signal.add(_contribution(row), half_life)
        return signal

    # -- evidence items ----------------------------------------------------------------

    async def evidence(self, evidence_id: str) -> EvidenceRecord | None:
        row = (
            await self._session.execute(select(evidence_items).where(evidence_items.c.evidence_id == evidence_id))
        ).one_or_none()
        return EvidenceRecord(row.person_id, row.revision, row.retracted_at is not None) if row else None

    async def put_evidence(
        self, evidence_id: str, person_id: str, revision: int, *, exists: bool, retracted_at: datetime | None = None
    ) -> None:
        values = {"person_id": person_id, "revision": revision, "retracted_at": utc(retracted_at)}
        if exists:
            await self._session.execute(
                update(evidence_items).where(evidence_items.c.evidence_id == evidence_id).values(**values)
            )
        else:
            await self._session.execute(insert(evidence_items).values(evidence_id=evidence_id, **values))

    # -- contributions -------------------------------------------------------------------

    async def contributions_of(self, person_id: str, item_id: str) -> list[Contribution]:
        rows = await self._session.execute(
            select(contributions).where(contributions.c.person_id == person_id, contributions.c.item_id == item_id)
        )
        return [_contribution(row) for row in rows]

    async def rating_by(self, person_id: str, target: Target, source: str) -> Contribution | None:
        """The live rating of ``target`` by one assessor (there is at most one: later ones replace it)."""
        row = (
            await self._session.execute(
                select(contributions)
                .where(
                    contributions.c.person_id == person_id,
                    contributions.c.target_kind == target.kind.value,
                    contributions.c.target_id == target.id,
                    contributions.c.source_key == source,
                )
                .limit(1)
            )
        ).one_or_none()
        return _contribution(row) if row else None

    async def add_contributions(self, person_id: str, added: list[Contribution]) -> None:
        if added:
            await self._session.execute(
                insert(contributions),
                [
                    {
                        "person_id": person_id,
                        "target_kind": c.target.kind.value,
                        "target_id": c.target.id,
                        "item_id": c.item_id,
                        "item_kind": c.item_kind,
                        "source_key": c.source,
                        "occurred_at": utc(c.occurred_at),
                        "quality": c.quality,
                        "value": c.value,
                        "level": c.level.value if c.level else None,
                    }
                    for c in added
                ],
            )

    async def drop_contributions(self, person_id: str, dropped: list[Contribution]) -> None:
        if dropped:
            await self._session.execute(
                delete(contributions).where(
                    contributions.c.person_id == person_id,
                    tuple_(contributions.c.target_kind, contributions.c.target_id, contributions.c.item_id).in_(
                        [(c.target.kind.value, c.target.id, c.item_id) for c in dropped]
                    ),
                )
            )


def _signal(row, target: Target) -> SourceSignal:
    return SourceSignal(
        target=target,
        source=row.source_key,
        items=row.items,
        counted=row.counted,
        anchor=utc(row.anchor_at),
        weight=row.weight,
        value=row.value,
        levels={level: getattr(row, column) for level, column in _LEVEL_COLUMNS.items()},
    )


def _contribution(row) -> Contribution:
    return Contribution(
        item_id=row.item_id,
        item_kind=row.item_kind,
        target=Target(TargetKind(row.target_kind), row.target_id),
        source=row.source_key,
        occurred_at=utc(row.occurred_at),
        quality=row.quality,
        value=row.value,
        level=ExperienceLevel(row.level) if row.level else None,
    )
