"""A throwaway service built only from the kit, to test delivery on a real broker and real databases.

Its one effect, appending a row to ``effect_log``, is deliberately not
idempotent: a second effect of one event would show as a second row.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from ladder_contracts import CloudEvent, EventData
from ladder_contracts.registry import ContractRegistry
from ladder_runtime.consumer import Subscription
from ladder_runtime.service import ServiceRuntime, ServiceSpec
from ladder_runtime.settings import ServiceSettings
from ladder_runtime.uow import SqlUnitOfWork

metadata = MetaData()
effect_log = Table(
    "effect_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(128), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("n", Integer, nullable=False),
)

MIGRATIONS = Path(__file__).parent / "migrations"


def probe_event(topic: str) -> type[EventData]:
    """An event class on its own topic, so tests sharing a broker never see each other's records."""

    class ProbeRecordedV1(EventData):
        event_type: ClassVar[str] = "test.probe.recorded"
        version: ClassVar[int] = 1
        topic: ClassVar[str]
        subject_field: ClassVar[str] = "entity"
        entity: str
        n: int

    ProbeRecordedV1.topic = topic
    return ProbeRecordedV1


class ProbeRejected(Exception):
    """The probe's domain error: dead-lettered, never retried."""


REJECTED_ENTITIES: set[str] = set()
"""Entities whose events the probe rejects, until a test "fixes" it by removing them."""

FAILURES_LEFT: dict[str, int] = {}
"""entity -> how many more attempts of its events fail with an unexpected error."""


async def record_effect(event: CloudEvent, uow: SqlUnitOfWork) -> None:
    if event.data.entity.startswith("reject") or event.data.entity in REJECTED_ENTITIES:
        raise ProbeRejected(f"entity {event.data.entity!r} is not accepted")
    await uow.session.execute(insert(effect_log).values(event_id=event.id, entity=event.data.entity, n=event.data.n))
    if FAILURES_LEFT.get(event.data.entity, 0) > 0:
        # Fail after writing: the rollback must undo the effect and the inbox claim together.
        FAILURES_LEFT[event.data.entity] -= 1
        raise RuntimeError("simulated bug")


async def effects(runtime: ServiceRuntime) -> list[tuple[str, str, int]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(select(effect_log.c.event_id, effect_log.c.entity, effect_log.c.n).order_by(effect_log.c.id))
        return [tuple(r) for r in rows]


async def effect_count(runtime: ServiceRuntime) -> int:
    async with runtime.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(effect_log))).scalar_one()


def build_probe(settings: ServiceSettings, event_class: type[EventData], *, consume: bool = True) -> ServiceRuntime:
    spec = ServiceSpec(
        name=settings.service_name,
        unit_of_work=SqlUnitOfWork,
        migrations=MIGRATIONS,
        publishes=[event_class],
        subscriptions=[Subscription(event_class, record_effect)] if consume else [],
        registry=ContractRegistry([event_class]),
        permanent_errors=(ProbeRejected,),
    )
    return ServiceRuntime(spec, settings)
