"""HTTP routes of the roles service: turn requests into commands, results into responses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, UploadFile
from pydantic import BaseModel, Field

from ladder_contracts.events.roles import RoleChangeOrigin
from ladder_contracts.common import SourceShape
from ladder_contracts.role import PartChange, Role, RolePart
from ladder_runtime.auth import Principal, Scopes, require_scopes
from ladder_runtime.service import ServiceRuntime, request_runtime

from ladder_roles.domain.career_graph import CareerEdge, CareerGraph
from ladder_roles.domain.changes import diff_roles
from ladder_roles.domain.importers import MAX_DOCUMENT_BYTES, ImportReport
from ladder_roles.handlers.catalog import (
    ImportBlueprint,
    RecordRoleVersion,
    import_blueprint_document,
    record_role_version,
)
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


class ImportReportView(BaseModel):
    shape: SourceShape
    sections_found: list[str] = Field(description="Every section heading of the document, in order")
    sections_absent: list[str] = Field(description="Sections this shape usually has that the document lacks")
    sections_not_modeled: list[str] = Field(description="Content recognised but with no place in the role model")
    counts: dict[RolePart, int] = Field(description="Items per part of the role")
    warnings: list[str] = Field(description="Content seen but not understood, and guesses the importer made")

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportView:
        return cls(
            shape=report.shape,
            sections_found=list(report.sections_found),
            sections_absent=list(report.sections_absent),
            sections_not_modeled=list(report.sections_not_modeled),
            counts=dict(report.counts),
            warnings=list(report.warnings),
        )


class ImportOutcome(RoleVersionOutcome):
    report: ImportReportView


class RoleDiff(BaseModel):
    role_id: str
    from_version: int
    to_version: int
    changes: list[PartChange]


class CareerMove(BaseModel):
    role_id: str
    title: str
    has_blueprint: bool
    move: str
    time_range: str | None = None


class CareerPathView(BaseModel):
    source: str
    target: str
    steps: list[CareerMove] = Field(description="Each move in order; empty when source is target")


@router.get("/roles", response_model=list[RoleSummary], summary="List and search roles")
async def list_roles(
    runtime: Runtime,
    title: Annotated[str | None, Query(max_length=200, description="Substring of the title")] = None,
    competency: Annotated[str | None, Query(max_length=200, description="Substring of a competency name or id")] = None,
    kpi: Annotated[str | None, Query(max_length=200, description="Substring of a KPI name or id")] = None,
) -> list[dict]:
    async with runtime.sessions() as session:
        return await queries.search_roles(session, title=title, competency=competency, kpi=kpi)


@router.post(
    "/blueprints",
    response_model=ImportOutcome,
    summary="Import a role blueprint document (any of the known shapes); unchanged documents publish nothing",
    responses={413: {"description": "Document too large"}, 422: {"description": "Not a readable blueprint"}},
)
async def import_document(
    runtime: Runtime,
    _: Annotated[Principal, Depends(require_scopes(Scopes.ROLES_WRITE))],
    document: Annotated[UploadFile, File(description="The blueprint file")],
) -> ImportOutcome:
    content = await document.read(MAX_DOCUMENT_BYTES + 1)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise HTTPException(413, f"document: larger than the {MAX_DOCUMENT_BYTES} byte limit")
    async with runtime.unit_of_work() as uow:
        outcome = await import_blueprint_document(ImportBlueprint(document.filename or "upload", content), uow)
    return ImportOutcome(
        role_id=outcome.role_id, version=outcome.version, changed=outcome.changed, report=ImportReportView.of(outcome.report)
    )


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


@router.get("/roles/{role_id}/versions", summary="Every version of a role: number, origin, time")
async def list_versions(role_id: RoleId, runtime: Runtime) -> list[dict]:
    async with runtime.sessions() as session:
        history = await queries.version_history(session, role_id)
    if not history:
        raise HTTPException(404, f"role {role_id!r} does not exist")
    return history


@router.get("/roles/{role_id}/diff", response_model=RoleDiff, summary="What changed between two versions")
async def diff_versions(
    role_id: RoleId,
    runtime: Runtime,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int, Query(alias="to", ge=1)],
) -> RoleDiff:
    old = await _version(runtime, role_id, from_version)
    new = await _version(runtime, role_id, to_version)
    return RoleDiff(role_id=role_id, from_version=from_version, to_version=to_version, changes=diff_roles(old.role, new.role))


@router.get("/career/{role_id}/next", response_model=list[CareerMove], summary="Where a role leads: promotions and lateral moves")
async def next_roles(role_id: RoleId, runtime: Runtime) -> list[CareerMove]:
    graph = await _graph(runtime, role_id)
    return [_move(graph, edge, edge.target) for edge in graph.next_roles(role_id) + graph.lateral_roles(role_id)]


@router.get("/career/{role_id}/feeders", response_model=list[CareerMove], summary="Roles that lead to this one")
async def feeder_roles(role_id: RoleId, runtime: Runtime) -> list[CareerMove]:
    graph = await _graph(runtime, role_id)
    return [_move(graph, edge, edge.source) for edge in graph.feeders(role_id)]


@router.get("/career/path", response_model=CareerPathView, summary="Shortest career path between two roles")
async def career_path(
    runtime: Runtime,
    source: Annotated[str, Query(alias="from", max_length=128)],
    target: Annotated[str, Query(alias="to", max_length=128)],
) -> CareerPathView:
    graph = await _graph(runtime, source, target)
    path = graph.shortest_path(source, target)
    if path is None:
        raise HTTPException(404, f"no career path leads from {source!r} to {target!r}")
    return CareerPathView(source=source, target=target, steps=[_move(graph, edge, edge.target) for edge in path])


async def _graph(runtime: ServiceRuntime, *role_ids: str) -> CareerGraph:
    async with runtime.sessions() as session:
        graph = await runtime.state["career_graph"].current(session)
    for role_id in role_ids:
        if role_id not in graph.nodes:
            raise HTTPException(404, f"role {role_id!r} is not in the career graph")
    return graph


def _move(graph: CareerGraph, edge: CareerEdge, role_id: str) -> CareerMove:
    node = graph.nodes[role_id]
    return CareerMove(
        role_id=node.role_id, title=node.title, has_blueprint=node.has_blueprint, move=edge.move.value, time_range=edge.time_range
    )


async def _version(runtime: ServiceRuntime, role_id: str, version: int | None) -> RoleVersionView:
    async with runtime.sessions() as session:
        found = await queries.role_version(session, role_id, version)
    if found is None:
        what = f"version {version} of role {role_id!r}" if version else f"role {role_id!r}"
        raise HTTPException(404, f"{what} does not exist")
    return RoleVersionView(version=found[0], role=found[1])
