"""A service's local copy of every role version, built from ``RoleUpdated`` alone.

Assessment, evidence and progression each keep one in their own database, so
none of them ever calls the roles service; an assessment pins the version it
was opened against and reads exactly that version back.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, PrimaryKeyConstraint, String, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts import CloudEvent
from ladder_contracts.events.roles import RoleUpdatedV1
from ladder_contracts.role import Role

TABLE_NAME = "role_replica"


def _columns() -> list[sa.SchemaItem]:
    return [
        Column("role_id", String(128), nullable=False),
        Column("version", Integer, nullable=False),
        Column("title", String(300), nullable=False),
        Column("role", JSON, nullable=False),
        Column("event_id", String(128), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("role_id", "version", name="pk_role_replica"),
    ]


def role_replica_table(metadata: MetaData) -> Table:
    return Table(TABLE_NAME, metadata, *_columns())


def create_role_replica_table() -> None:
    """For a service's migration: ``op.create_table`` of the replica, defined once here."""
    from alembic import op

    op.create_table(TABLE_NAME, *_columns())


class RoleReplica:
    def __init__(self, session: AsyncSession, table: Table) -> None:
        self._session = session
        self._table = table

    async def store(self, event: CloudEvent[RoleUpdatedV1]) -> None:
        """Keep this version; versions arrive in order per role, but a replay may repeat one."""
        data = event.data
        insert = postgresql.insert if self._session.bind.dialect.name == "postgresql" else sqlite.insert
        await self._session.execute(
            insert(self._table)
            .values(
                role_id=data.role.id,
                version=data.role_version,
                title=data.role.title,
                role=data.role.model_dump(mode="json"),
                event_id=event.id,
                received_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=["role_id", "version"])
        )

    async def get(self, role_id: str, version: int | None = None) -> tuple[int, Role] | None:
        """A pinned version, or the latest one when ``version`` is None."""
        table = self._table
        query = select(table.c.version, table.c.role).where(table.c.role_id == role_id)
        if version is None:
            latest = select(func.max(table.c.version)).where(table.c.role_id == role_id).scalar_subquery()
            query = query.where(table.c.version == latest)
        else:
            query = query.where(table.c.version == version)
        row = (await self._session.execute(query)).one_or_none()
        return (row.version, Role.model_validate(row.role)) if row else None

    async def latest_version(self, role_id: str) -> int | None:
        table = self._table
        return (await self._session.execute(select(func.max(table.c.version)).where(table.c.role_id == role_id))).scalar()

    async def latest_versions(self) -> dict[str, int]:
        table = self._table
        rows = await self._session.execute(select(table.c.role_id, func.max(table.c.version)).group_by(table.c.role_id))
        return {role_id: version for role_id, version in rows.all()}


async def remember_role_version(event: CloudEvent[RoleUpdatedV1], uow) -> None:
    """Consumer handler for ``RoleUpdated``; ``uow.roles`` is the service's :class:`RoleReplica`."""
    await uow.roles.store(event)
