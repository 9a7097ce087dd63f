"""HTTP routes of the progression service: readiness with its explanation, history, heat maps, tracks, thresholds.

Reads of a person's data need ``people:read``; changing a track or a role's
thresholds needs ``tracks:write``. Requests that change something go through
the same handlers as events, so readiness recomputed here is published the
same way.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from ladder_contracts.common import CriterionKind, CriterionStatus, ReadinessBand, Slug, UnitInterval
from ladder_contracts.envelope import OpaqueId
from ladder_runtime.auth import Principal, Scopes, require_scopes
from ladder_runtime.service import ServiceRuntime, request_runtime

from ladder_progression.domain.engine import Thresholds
from ladder_progression.domain.errors import ReadinessNotFound, TrackNotFound
from ladder_progression.domain.track import Cause
from ladder_progression.handlers.roles import THRESHOLDS_SET, SetThresholds, set_thresholds
from ladder_progression.handlers.tracks import TARGET_CHOSEN, ChooseTarget, choose_target
from ladder_progression.store import queries

router = APIRouter(prefix="/v1", tags=["progression"])

PersonId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$", max_length=128, description="Opaque person id")]
RoleId = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=128, description="Role id (slug)")]
Runtime = Annotated[ServiceRuntime, Depends(request_runtime)]
Reader = Annotated[Principal, Depends(require_scopes(Scopes.PEOPLE_READ))]
Writer = Annotated[Principal, Depends(require_scopes(Scopes.TRACKS_WRITE))]

EVIDENCE_PER_CRITERION = 10


# --- views ------------------------------------------------------------------------------------


class RoleAtVersion(BaseModel):
    role_id: str
    version: int | None = Field(description="Null when the role has no blueprint (yet)")


class EvidenceRef(BaseModel):
    item_id: str = Field(description="Evidence id or assessment id")
    item_kind: str = Field(description="evidence | assessment")
    source: str = Field(description="The source it counts under; one source's items are not independent")
    occurred_at: datetime


class EvidenceTargetView(BaseModel):
    kind: str
    id: str


class CriterionView(BaseModel):
    kind: CriterionKind
    id: str
    title: str
    drawn_from: str = Field(description="Role whose blueprint states the criterion")
    expectation: str | None = Field(description="Behaviour, level or target expected, as the blueprint words it")
    required_level: str | None
    weight: float
    blocking: bool = Field(description="While missing, the band stays below 'ready'")
    evidenced_by: list[EvidenceTargetView] = Field(description="Ids that evidence and assessments name to support it")
    status: CriterionStatus
    attainment: UnitInterval = Field(description="Quality-weighted mean of what the evidence shows")
    confidence: UnitInterval = Field(description="From the decayed evidence mass of independent sources")
    credit: UnitInterval = Field(description="Share of the criterion counted in the score")
    sources: int
    items: int = Field(description="Live evidence items and ratings behind it")
    latest_evidence: list[EvidenceRef] = Field(description=f"Up to {EVIDENCE_PER_CRITERION}, newest first")


class ThresholdsView(BaseModel):
    developing_from: float
    ready_from: float


class PublishedView(BaseModel):
    band: ReadinessBand
    score: float


class CauseView(BaseModel):
    event_id: str
    event_type: str


class ReadinessView(BaseModel):
    person_id: str
    current_role: RoleAtVersion
    target_role: RoleAtVersion
    target_level: str | None
    band: ReadinessBand
    score: UnitInterval
    thresholds: ThresholdsView
    capped_by: list[str] = Field(description="Missing blocking criteria holding the band below 'ready'")
    as_of: datetime = Field(description="Evidence is decayed to this time: the person's latest event")
    effective_at: datetime
    caused_by: CauseView
    last_published: PublishedView | None
    criteria: list[CriterionView]
    top_gaps: list[str] = Field(description="Keys (kind:id) of every unmet criterion, the ones costing the most score first")


class HistoryEntry(BaseModel):
    seq: int
    effective_at: datetime
    current_role: RoleAtVersion
    target_role: RoleAtVersion
    band: ReadinessBand
    score: float
    statuses: dict[str, CriterionStatus]
    published: bool = Field(description="Whether a PromotionReadinessChanged went out for it")
    caused_by: CauseView


class TrackChangeView(BaseModel):
    field: str
    old_value: str | None
    new_value: str | None
    reason: str
    changed_at: datetime
    caused_by: CauseView


class TrackView(BaseModel):
    person_id: str
    current_role: RoleAtVersion
    target_role: RoleAtVersion | None
    target_chosen: bool = Field(description="Chosen through the API; otherwise the career path's first next role")
    team_id: str | None
    manager_id: str | None
    hired_at: datetime | None
    as_of: datetime | None
    history: list[TrackChangeView]


class TargetChoice(BaseModel):
    model_config = {"extra": "forbid"}
    target_role_id: Slug | None = Field(description="A role id; null returns to the career path's first next role")


class TargetChosen(BaseModel):
    track: TrackView
    band: ReadinessBand | None = Field(description="Readiness for the new target; null while it cannot be computed")
    score: float | None
    change_id: str = Field(description="Id of this change, as caused_by_event_id of any readiness it changed")


class ThresholdsChoice(BaseModel):
    model_config = {"extra": "forbid"}
    developing_from: float = Field(gt=0, lt=1)
    ready_from: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsChoice:
        if self.ready_from <= self.developing_from:
            raise ValueError(f"ready_from ({self.ready_from}) must be above developing_from ({self.developing_from})")
        return self


class RoleThresholds(ThresholdsView):
    role_id: str
    is_default: bool
    updated_by: str | None = None
    updated_at: datetime | None = None


class ThresholdsChanged(RoleThresholds):
    reevaluating: bool = Field(description="True when people targeting the role are being re-evaluated")
    change_id: str


class HeatMapColumn(BaseModel):
    key: str = Field(description="kind:id")
    kind: CriterionKind
    id: str
    title: str


class HeatMapCell(BaseModel):
    status: CriterionStatus
    credit: float


class HeatMapRow(BaseModel):
    person_id: str
    team_id: str | None
    target_role_id: str | None
    band: ReadinessBand | None = Field(description="Null while readiness cannot be computed yet")
    score: float | None
    cells: dict[str, HeatMapCell] = Field(description="By column key; absent where the criterion is not theirs")


class HeatMap(BaseModel):
    columns: list[HeatMapColumn]
    rows: list[HeatMapRow]
    next_after: str | None = Field(description="Pass as ?after= for the next page; null on the last page")


class PendingReevaluation(BaseModel):
    id: int
    role_id: str
    reason: str
    caused_by_event_id: str
    people_done: int
    created_at: datetime


# --- a person's readiness ----------------------------------------------------------------


@router.get(
    "/people/{person_id}/readiness",
    response_model=ReadinessView,
    summary="A person's readiness for their target role, explained criterion by criterion",
    responses={404: {"description": "No track, or nothing to be ready for yet (the reason says which)"}},
)
async def get_readiness(person_id: PersonId, runtime: Runtime, _: Reader) -> ReadinessView:
    async with runtime.sessions() as session:
        current = await queries.current_readiness(session, person_id)
        if current is None:
            raise await _why_no_readiness(session, person_id)
        targets = sorted({(t["kind"], t["id"]) for c in current["criteria"] for t in c["evidenced_by"]})
        evidence = await queries.evidence_behind(session, person_id, targets, per_target=EVIDENCE_PER_CRITERION)
    criteria = []
    for criterion in current["criteria"]:
        behind = [ref for t in criterion["evidenced_by"] for ref in evidence.get((t["kind"], t["id"]), [])]
        behind.sort(key=lambda ref: (ref["occurred_at"], ref["item_id"]), reverse=True)
        criteria.append(CriterionView(**criterion, latest_evidence=behind[:EVIDENCE_PER_CRITERION]))
    published = (
        PublishedView(band=current["published_band"], score=current["published_score"])
        if current["published_band"]
        else None
    )
    return ReadinessView(
        person_id=person_id,
        current_role=RoleAtVersion(role_id=current["current_role_id"], version=current["current_role_version"]),
        target_role=RoleAtVersion(role_id=current["target_role_id"], version=current["target_role_version"]),
        target_level=current["target_level"],
        band=current["band"],
        score=current["score"],
        thresholds=ThresholdsView(**current["thresholds"]),
        capped_by=current["capped_by"],
        as_of=current["as_of"],
        effective_at=current["effective_at"],
        caused_by=CauseView(event_id=current["caused_by_event_id"], event_type=current["caused_by_event_type"]),
        last_published=published,
        criteria=criteria,
        top_gaps=current["top_gaps"],
    )


@router.get(
    "/people/{person_id}/readiness/history",
    response_model=list[HistoryEntry],
    summary="How a person's readiness changed, newest first",
)
async def get_readiness_history(
    person_id: PersonId,
    runtime: Runtime,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1, description="Entries with a seq below this (paging)")] = None,
) -> list[HistoryEntry]:
    async with runtime.sessions() as session:
        if await queries.track(session, person_id) is None:
            raise TrackNotFound(person_id)
        rows = await queries.readiness_history_page(session, person_id, limit=limit, before=before)
    return [_history_entry(row) for row in rows]


@router.get(
    "/people/{person_id}/readiness/as-of",
    response_model=HistoryEntry,
    summary="A person's readiness as it stood at a moment",
    responses={404: {"description": "No readiness had been computed for them by then"}},
)
async def get_readiness_as_of(
    person_id: PersonId,
    runtime: Runtime,
    _: Reader,
    at: Annotated[AwareDatetime, Query(description="RFC 3339 with an offset, e.g. 2026-06-30T00:00:00Z")],
) -> HistoryEntry:
    async with runtime.sessions() as session:
        if await queries.track(session, person_id) is None:
            raise TrackNotFound(person_id)
        row = await queries.readiness_as_of(session, person_id, at)
    if row is None:
        raise ReadinessNotFound(person_id, f"none had been computed by {at.isoformat()}")
    return _history_entry(row)


# --- tracks ---------------------------------------------------------------------------


@router.get("/people/{person_id}/track", response_model=TrackView, summary="A person's current and target role, with history")
async def get_track(person_id: PersonId, runtime: Runtime, _: Reader) -> TrackView:
    async with runtime.sessions() as session:
        return await _track_view(session, person_id)


@router.put(
    "/people/{person_id}/track/target",
    response_model=TargetChosen,
    summary="Aim a person at another target role (null: back to the career path's choice); readiness follows",
    responses={404: {"description": "No track"}, 422: {"description": "Unknown role, or the current role"}},
)
async def put_target(person_id: PersonId, choice: TargetChoice, runtime: Runtime, _: Writer) -> TargetChosen:
    change_id = str(uuid.uuid4())
    cause = Cause(change_id, TARGET_CHOSEN, datetime.now(UTC))
    async with runtime.unit_of_work() as uow:
        readiness = await choose_target(ChooseTarget(person_id, choice.target_role_id, cause), uow)
    async with runtime.sessions() as session:
        track = await _track_view(session, person_id)
    return TargetChosen(
        track=track,
        band=readiness.band if readiness else None,
        score=readiness.score if readiness else None,
        change_id=change_id,
    )


# --- thresholds -------------------------------------------------------------------------


@router.get("/roles/{role_id}/thresholds", response_model=RoleThresholds, summary="Band thresholds for people targeting a role")
async def get_thresholds(role_id: RoleId, runtime: Runtime) -> RoleThresholds:
    return await _thresholds_view(runtime, role_id)


@router.put(
    "/roles/{role_id}/thresholds",
    response_model=ThresholdsChanged,
    summary="Set a target role's band thresholds; everyone targeting it is re-evaluated",
)
async def put_thresholds(
    role_id: RoleId, choice: ThresholdsChoice, runtime: Runtime, principal: Writer
) -> ThresholdsChanged:
    return await _change_thresholds(runtime, role_id, Thresholds(choice.developing_from, choice.ready_from), principal)


@router.delete(
    "/roles/{role_id}/thresholds",
    response_model=ThresholdsChanged,
    summary="Return a target role to the default thresholds; everyone targeting it is re-evaluated",
)
async def delete_thresholds(role_id: RoleId, runtime: Runtime, principal: Writer) -> ThresholdsChanged:
    return await _change_thresholds(runtime, role_id, None, principal)


# --- heat map ---------------------------------------------------------------------------


@router.get(
    "/heatmap",
    response_model=HeatMap,
    summary="Criteria against people, for everyone in a role or in a team",
    responses={422: {"description": "Neither or both of role_id and team_id"}},
)
async def get_heat_map(
    runtime: Runtime,
    _: Reader,
    role_id: Annotated[Slug | None, Query(description="People whose current role this is")] = None,
    team_id: Annotated[OpaqueId | None, Query(description="People in this team (from their hire event)")] = None,
    after: Annotated[OpaqueId | None, Query(description="Page after this person id")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> HeatMap:
    if (role_id is None) == (team_id is None):
        raise HTTPException(422, "role_id, team_id: give exactly one")
    async with runtime.sessions() as session:
        rows = await queries.heat_map_rows(session, role_id=role_id, team_id=team_id, after=after, limit=limit)
    columns: dict[str, HeatMapColumn] = {}
    heat_rows = []
    for row in rows:
        cells = {}
        for criterion in row["criteria"] or ():
            key = f"{criterion['kind']}:{criterion['id']}"
            columns.setdefault(
                key, HeatMapColumn(key=key, kind=criterion["kind"], id=criterion["id"], title=criterion["title"])
            )
            cells[key] = HeatMapCell(status=criterion["status"], credit=criterion["credit"])
        heat_rows.append(
            HeatMapRow(
                person_id=row["person_id"],
                team_id=row["team_id"],
                target_role_id=row["target_role_id"],
                band=row["band"],
                score=row["score"],
                cells=cells,
            )
        )
    return HeatMap(
        columns=list(columns.values()),
        rows=heat_rows,
        next_after=rows[-1]["person_id"] if len(rows) == limit else None,
    )


@router.get(
    "/reevaluations",
    response_model=list[PendingReevaluation],
    summary="Role-wide re-evaluations still walking through people (for operators)",
)
async def get_pending_reevaluations(runtime: Runtime) -> list[PendingReevaluation]:
    async with runtime.sessions() as session:
        return [PendingReevaluation(**row) for row in await queries.pending_reevaluations(session)]


# --- helpers ----------------------------------------------------------------------------


async def _thresholds_view(runtime: ServiceRuntime, role_id: str) -> RoleThresholds:
    async with runtime.sessions() as session:
        row = await queries.thresholds_of(session, role_id)
    if row is not None:
        return RoleThresholds(**row, is_default=False)
    default = runtime.state["context"].policy.thresholds
    return RoleThresholds(
        role_id=role_id, developing_from=default.developing_from, ready_from=default.ready_from, is_default=True
    )


async def _change_thresholds(
    runtime: ServiceRuntime, role_id: str, thresholds: Thresholds | None, principal: Principal
) -> ThresholdsChanged:
    change_id = str(uuid.uuid4())
    cause = Cause(change_id, THRESHOLDS_SET, datetime.now(UTC))
    async with runtime.unit_of_work() as uow:
        changed = await set_thresholds(SetThresholds(role_id, thresholds, principal.subject, cause), uow)
    current = await _thresholds_view(runtime, role_id)
    return ThresholdsChanged(**current.model_dump(), reevaluating=changed, change_id=change_id)


async def _why_no_readiness(session, person_id: str) -> Exception:
    track = await queries.track(session, person_id)
    if track is None:
        return TrackNotFound(person_id)
    if track["current_role_version"] is None:
        return ReadinessNotFound(person_id, f"role {track['current_role_id']!r} has not been received from the roles service yet")
    if track["target_role_id"] is None:
        return ReadinessNotFound(
            person_id, f"the career path of {track['current_role_id']!r} names no next role: choose a target role"
        )
    return ReadinessNotFound(person_id, f"target role {track['target_role_id']!r} sets no criteria to be judged on")


async def _track_view(session, person_id: str) -> TrackView:
    track = await queries.track(session, person_id)
    if track is None:
        raise TrackNotFound(person_id)
    history = await queries.track_history(session, person_id)
    return TrackView(
        person_id=person_id,
        current_role=RoleAtVersion(role_id=track["current_role_id"], version=track["current_role_version"]),
        target_role=RoleAtVersion(role_id=track["target_role_id"], version=track["target_role_version"])
        if track["target_role_id"]
        else None,
        target_chosen=track["target_chosen"],
        team_id=track["team_id"],
        manager_id=track["manager_id"],
        hired_at=track["hired_at"],
        as_of=track["as_of"],
        history=[
            TrackChangeView(
                field=change["field"],
                old_value=change["old_value"],
                new_value=change["new_value"],
                reason=change["reason"],
                changed_at=change["changed_at"],
                caused_by=CauseView(event_id=change["caused_by_event_id"], event_type=change["caused_by_event_type"]),
            )
            for change in history
        ],
    )


def _history_entry(row: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        seq=row["seq"],
        effective_at=row["effective_at"],
        current_role=RoleAtVersion(role_id=row["current_role_id"], version=row["current_role_version"]),
        target_role=RoleAtVersion(role_id=row["target_role_id"], version=row["target_role_version"]),
        band=row["band"],
        score=row["score"],
        statuses=row["statuses"],
        published=row["published"],
        caused_by=CauseView(event_id=row["caused_by_event_id"], event_type=row["caused_by_event_type"]),
    )
