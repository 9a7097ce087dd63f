"""HTTP routes of the roles service: turn requests into commands, results into responses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel, Field

from ladder_contracts.events.roles import RoleChangeOrigin
from ladder_contracts.role import Role
from ladder_runtime.auth import Principal, Scopes, require_scopes
from ladder_runtime.service import ServiceRuntime, request_runtime

from ladder_roles.handlers.catalog import RecordRoleVersion, record_role_version
from ladder_roles.store import queries

router = APIRouter(prefix="/v1", tags=["roles"])

RoleId = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=128, description="Role id (slug)")]
Runtime = Annotated[ServiceRuntime, Depends(request_runtime)]


class RoleSummary(BaseModel):
    role_id: str
    title: str
    version: int


class RoleVersionView(BaseModel):
    version: int
    role: Role


class RoleEdit(BaseModel):
    model_config = {"extra": "forbid"}
    expected_version: int = Field(ge=0, description="The version you edited; 0 to create a role")
    role: Role


class RoleVersionOutcome(BaseModel):
    role_id: str
    version: int
    changed: bool = Field(description="False when the content equals the latest version (nothing published)")


@router.get("/roles", response_model=list[RoleSummary], summary="List roles")
async def list_roles(runtime: Runtime) -> list[dict]:
    async with runtime.sessions() as session:
        return await queries.list_roles(session)


@router.get("/roles/{role_id}", response_model=RoleVersionView, summary="The latest version of a role")
async def get_role(role_id: RoleId, runtime: Runtime) -> RoleVersionView:
    return await _version(runtime, role_id, None)


@router.get("/roles/{role_id}/versions/{version}", response_model=RoleVersionView, summary="One version of a role")
async def get_role_version(
    role_id: RoleId, version: Annotated[int, Path(ge=1)], runtime: Runtime
) -> RoleVersionView:
    return await _version(runtime, role_id, version)


@router.put(
    "/roles/{role_id}",
    response_model=RoleVersionOutcome,
    summary="Edit a role: makes version n+1 and publishes RoleUpdated",
    responses={409: {"description": "expected_version is not the latest version"}},
)
async def edit_role(
    role_id: RoleId,
    edit: RoleEdit,
    runtime: Runtime,
    _: Annotated[Principal, Depends(require_scopes(Scopes.ROLES_WRITE))],
) -> RoleVersionOutcome:
    if edit.role.id != role_id:
        raise HTTPException(422, f"role.id: {edit.role.id!r} does not match the path's role id {role_id!r}")
    async with runtime.unit_of_work() as uow:
        outcome = await record_role_version(
            RecordRoleVersion(edit.role, RoleChangeOrigin.EDIT, expected_version=edit.expected_version), uow
        )
    return RoleVersionOutcome(role_id=outcome.role_id, version=outcome.version, changed=outcome.changed)


async def _version(runtime: ServiceRuntime, role_id: str, version: int | None) -> RoleVersionView:
    async with runtime.sessions() as session:
        found = await queries.role_version(session, role_id, version)
    if found is None:
        what = f"version {version} of role {role_id!r}" if version else f"role {role_id!r}"
        raise HTTPException(404, f"{what} does not exist")
    return RoleVersionView(version=found[0], role=found[1])
