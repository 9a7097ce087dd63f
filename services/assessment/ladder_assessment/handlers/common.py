"""What every assessment command needs: the pinned role version and a fresh assessment id."""

from __future__ import annotations

import uuid

from ladder_contracts.role import Role

from ladder_assessment.domain.errors import UnknownRoleVersion
from ladder_assessment.store.uow import AssessmentUnitOfWork


async def pinned_role(uow: AssessmentUnitOfWork, role_id: str, version: int | None) -> tuple[int, Role]:
    """``version`` of the role from the service's replica, or its latest known version when None."""
    found = await uow.roles.get(role_id, version)
    if found is None:
        raise UnknownRoleVersion(role_id, version, await uow.roles.latest_version(role_id))
    return found


def new_assessment_id(kind: str) -> str:
    """Kind-prefixed, so generated loop and competency assessment ids never collide."""
    return f"{kind}-{uuid.uuid4().hex}"
