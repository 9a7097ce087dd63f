"""Read side of the catalog: plain queries, no aggregate needed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.role import Role

from ladder_roles.store.tables import role_heads, role_versions


async def list_roles(session: AsyncSession) -> list[dict]:
    rows = await session.execute(
        select(role_heads.c.role_id, role_heads.c.title, role_heads.c.version, role_heads.c.updated_at).order_by(
            role_heads.c.title
        )
    )
    return [dict(row._mapping) for row in rows]


async def role_version(session: AsyncSession, role_id: str, version: int | None = None) -> tuple[int, Role] | None:
    query = select(role_versions.c.version, role_versions.c.role).where(role_versions.c.role_id == role_id)
    if version is None:
        query = query.join(
            role_heads,
            (role_heads.c.role_id == role_versions.c.role_id) & (role_heads.c.version == role_versions.c.version),
        )
    else:
        query = query.where(role_versions.c.version == version)
    row = (await session.execute(query)).one_or_none()
    return (row.version, Role.model_validate(row.role)) if row else None
