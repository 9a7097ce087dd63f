"""Role lineages in and out of the roles tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ladder_contracts.role import Role

from ladder_roles.domain.errors import ConcurrentRoleUpdate
from ladder_roles.domain.model import RoleLineage
from ladder_roles.store.tables import role_heads, role_terms, role_versions


class RoleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.seen: set[RoleLineage] = set()
        self._stored_version: dict[str, int] = {}

    async def get(self, role_id: str) -> RoleLineage | None:
        row = (
            await self._session.execute(
                select(role_heads.c.version, role_heads.c.fingerprint, role_versions.c.role)
                .join(
                    role_versions,
                    (role_versions.c.role_id == role_heads.c.role_id) & (role_versions.c.version == role_heads.c.version),
                )
                .where(role_heads.c.role_id == role_id)
            )
        ).one_or_none()
        if row is None:
            return None
        lineage = RoleLineage(
            role_id, version=row.version, latest=Role.model_validate(row.role), latest_fingerprint=row.fingerprint
        )
        self._track(lineage)
        return lineage

    def add(self, lineage: RoleLineage) -> None:
        self._track(lineage)

    def _track(self, lineage: RoleLineage) -> None:
        self.seen.add(lineage)
        self._stored_version[lineage.role_id] = lineage.version

    async def save(self, lineage: RoleLineage, *, origin: str, at: datetime) -> None:
        """Write a version made since loading; the head moves only if nobody moved it meanwhile."""
        stored = self._stored_version.get(lineage.role_id, 0)
        if lineage.version == stored or lineage.latest is None:
            return
        head = {
            "title": lineage.latest.title,
            "version": lineage.version,
            "fingerprint": lineage.latest_fingerprint,
            "updated_at": at,
        }
        if stored == 0:
            try:
                await self._session.execute(insert(role_heads).values(role_id=lineage.role_id, **head))
            except IntegrityError as exc:  # someone created the same role a moment ago
                raise ConcurrentRoleUpdate(lineage.role_id) from exc
        else:
            moved = await self._session.execute(
                update(role_heads)
                .where(role_heads.c.role_id == lineage.role_id, role_heads.c.version == stored)
                .values(**head)
            )
            if moved.rowcount != 1:
                raise ConcurrentRoleUpdate(lineage.role_id)
        await self._session.execute(
            insert(role_versions).values(
                role_id=lineage.role_id,
                version=lineage.version,
                fingerprint=lineage.latest_fingerprint,
                origin=origin,
                role=lineage.latest.model_dump(mode="json"),
                created_at=at,
            )
        )
        await self._index_terms(lineage.role_id, lineage.latest)
        self._stored_version[lineage.role_id] = lineage.version

    async def _index_terms(self, role_id: str, role: Role) -> None:
        """Search terms of the latest version: title, competency and KPI names and ids."""
        terms = {("title", role.title.lower())}
        terms |= {("competency", term) for c in role.competencies for term in (c.id, c.name.lower()[:300])}
        terms |= {("kpi", term) for k in role.kpis for term in (k.id, k.name.lower()[:300])}
        await self._session.execute(delete(role_terms).where(role_terms.c.role_id == role_id))
        await self._session.execute(
            insert(role_terms), [{"role_id": role_id, "kind": kind, "term": term} for kind, term in sorted(terms)]
        )
