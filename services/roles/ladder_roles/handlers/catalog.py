"""Command handlers of the role catalog: ``handler(command, uow)``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ladder_contracts.events.roles import RoleChangeOrigin
from ladder_contracts.role import Role

from ladder_roles.domain.importers import ImportReport, import_blueprint
from ladder_roles.domain.model import RoleLineage
from ladder_roles.store.uow import RolesUnitOfWork


@dataclass(frozen=True)
class RecordRoleVersion:
    role: Role
    origin: RoleChangeOrigin
    expected_version: int | None = None
    """For edits: the version the editor saw. None for imports, which never conflict."""


@dataclass(frozen=True)
class ImportBlueprint:
    file_name: str
    content: bytes


@dataclass(frozen=True)
class RoleVersionRecorded:
    role_id: str
    version: int
    changed: bool
    report: ImportReport | None = None


async def record_role_version(command: RecordRoleVersion, uow: RolesUnitOfWork) -> RoleVersionRecorded:
    now = datetime.now(UTC)
    lineage = await uow.roles.get(command.role.id)
    if lineage is None:
        lineage = RoleLineage(command.role.id)
        uow.roles.add(lineage)
    changed = lineage.record(command.role, origin=command.origin, at=now, expected_version=command.expected_version)
    await uow.roles.save(lineage, origin=command.origin.value, at=now)
    await uow.commit()
    return RoleVersionRecorded(lineage.role_id, lineage.version, changed)


async def import_blueprint_document(command: ImportBlueprint, uow: RolesUnitOfWork) -> RoleVersionRecorded:
    """Parse a blueprint (rejected whole if unreadable) and record it as the role's next version."""
    result = import_blueprint(command.file_name, command.content)
    recorded = await record_role_version(RecordRoleVersion(result.role, RoleChangeOrigin.IMPORT), uow)
    return RoleVersionRecorded(recorded.role_id, recorded.version, recorded.changed, result.report)
