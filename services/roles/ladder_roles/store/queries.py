"""Read side of the catalog: plain queries, no aggregate needed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.role import Role

from ladder_roles.store.tables import role_heads, role_terms, role_versions


def _escape_like(text: str) -> str:
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search_roles(
    session: AsyncSession, *, title: str | None = None, competency: str | None = None, kpi: str | None = None
) -> list[dict]:
    """Roles whose latest version matches every given filter (case-insensitive substring)."""
    query = select(role_heads.c.role_id, role_heads.c.title, role_heads.c.version, role_heads.c.updated_at)
    for kind, text in (("title", title), ("competency", competency), ("kpi", kpi)):
        if text:
            matching = select(role_terms.c.role_id).where(
                role_terms.c.kind == kind, role_terms.c.term.like(f"%{_escape_like(text)}%", escape="\\")
            )
            query = query.where(role_heads.c.role_id.in_(matching))
    rows = await session.execute(query.order_by(role_heads.c.title))
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


async def version_history(session: AsyncSession, role_id: str) -> list[dict]:
    rows = await session.execute(
        select(role_versions.c.version, role_versions.c.origin, role_versions.c.created_at)
        .where(role_versions.c.role_id == role_id)
        .order_by(role_versions.c.version)
    )
    return [dict(row._mapping) for row in rows]


async def catalog_stamp(session: AsyncSession) -> tuple[int, int]:
    """Changes whenever any role gets a version: (number of roles, sum of their versions)."""
    row = (await session.execute(select(func.count(), func.coalesce(func.sum(role_heads.c.version), 0)))).one()
    return int(row[0]), int(row[1])


async def latest_roles(session: AsyncSession) -> list[Role]:
    rows = await session.execute(
        select(role_versions.c.role).join(
            role_heads,
            (role_heads.c.role_id == role_versions.c.role_id) & (role_heads.c.version == role_versions.c.version),
        )
    )
    return [Role.model_validate(row.role) for row in rows]
