"""Finding the role version an item is mapped against, in this service's own replica."""

from __future__ import annotations

from ladder_evidence.domain.errors import RoleNotReplicated
from ladder_evidence.domain.roles import PinnedRole, RoleAssignment
from ladder_evidence.store.uow import EvidenceUnitOfWork


async def pinned_role(uow: EvidenceUnitOfWork, role_id: str, version: int | None) -> PinnedRole:
    """That version of the role, or its latest when ``version`` is None."""
    found = await uow.roles.get(role_id, version)
    if found is None:
        raise RoleNotReplicated(role_id, version)
    return PinnedRole(*found)


async def current_role(uow: EvidenceUnitOfWork, assignment: RoleAssignment) -> PinnedRole:
    """The version new evidence of this person is mapped against: the hire's pinned one, else the latest."""
    return await pinned_role(uow, assignment.role_id, assignment.role_version)
