"""HTTP routes of the evidence service: turn requests into commands, items into responses.

Reading anything about a person needs ``people:read``; every write needs
``evidence:write``. Domain rejections become the statuses registered in the
service spec, their message naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from ladder_contracts.common import HttpUrl, ShortNote, Slug, SystemName, UnitInterval
from ladder_contracts.envelope import AwareDatetime, OpaqueId
from ladder_contracts.events.evidence import (
    EvidenceKind,
    EvidenceSource,
    EvidenceTargets,
    KpiJudgement,
    MappingStatus,
    RetractionReason,
    SourceOrigin,
    Verification,
)
from ladder_runtime.auth import Principal, Scopes, require_scopes
from ladder_runtime.service import ServiceRuntime, request_runtime

from ladder_evidence.api.limits import SizeLimitedRoute
from ladder_evidence.domain.errors import UnknownPerson
from ladder_evidence.domain.kpi_targets import NumericTarget, read_target
from ladder_evidence.domain.model import EvidenceItem
from ladder_evidence.domain.suggestions import TargetKind
from ladder_evidence.handlers.capture import CaptureEvidence, Measurement, capture_evidence
from ladder_evidence.handlers.curation import (
    ConfirmMapping,
    CorrectEvidence,
    RetractEvidence,
    confirm_mapping,
    correct_evidence,
    retract_evidence,
)

router = APIRouter(prefix="/v1", tags=["evidence"], route_class=SizeLimitedRoute)

MANUAL_SYSTEM = "ladder-evidence-api"
"""The source system of items people enter through this API."""


def _pattern_of(constrained: object) -> str:
    """The regular expression of a contract's constrained string type, so path ids follow the contracts."""
    return next(meta.pattern for meta in get_args(constrained)[1:] if getattr(meta, "pattern", None))


PersonId = Annotated[str, Path(pattern=_pattern_of(OpaqueId), max_length=128, description="Opaque id of the person")]
EvidenceId = Annotated[str, Path(pattern=_pattern_of(OpaqueId), max_length=128, description="Id of the evidence item")]
RoleId = Annotated[str, Path(pattern=_pattern_of(Slug), max_length=128, description="Role id (slug)")]
Runtime = Annotated[ServiceRuntime, Depends(request_runtime)]
Reader = Annotated[Principal, Depends(require_scopes(Scopes.PEOPLE_READ))]
Writer = Annotated[Principal, Depends(require_scopes(Scopes.EVIDENCE_WRITE))]


# -- requests ---------------------------------------------------------------------


class SourceInput(BaseModel):
    model_config = {"extra": "forbid"}

    origin: Literal[SourceOrigin.MANUAL, SourceOrigin.UPSTREAM] = Field(
        default=SourceOrigin.MANUAL, description="manual: entered by a person; upstream: sent by another system"
    )
    system: SystemName | None = Field(
        default=None,
        validate_default=True,
        description=f"The sending system; required for upstream, default {MANUAL_SYSTEM!r}",
    )
    reference: OpaqueId | None = Field(
        default=None,
        description="The record's id in that system; sending the same reference again returns the item it made",
    )

    @field_validator("system")
    @classmethod
    def _named_by_upstream(cls, system: str | None, info: ValidationInfo) -> str:
        if system is None:
            if info.data.get("origin") is SourceOrigin.UPSTREAM:
                raise ValueError("required for upstream items")
            return MANUAL_SYSTEM
        return system

    def as_source(self) -> EvidenceSource:
        return EvidenceSource(origin=self.origin, system=self.system, reference=self.reference)


class MeasurementInput(BaseModel):
    model_config = {"extra": "forbid", "allow_inf_nan": False}

    kpi_id: Slug = Field(description="The KPI measured, of the person's role")
    value: float = Field(description="The measured value")
    unit: Annotated[str, Field(min_length=1, max_length=32)] | None = Field(
        default=None, description="Unit of value (e.g. 'ms', 's', '%'); default: the KPI target's unit"
    )


class EvidenceSubmission(BaseModel):
    model_config = {"extra": "forbid", "allow_inf_nan": False}

    kind: EvidenceKind
    occurred_at: AwareDatetime = Field(description="When the work, measurement or review happened; not in the future")
    source: SourceInput = Field(default_factory=SourceInput)
    supports: EvidenceTargets = Field(
        default_factory=EvidenceTargets,
        description="Ids of the person's role; leave empty and give a summary to get suggestions instead",
    )
    strength: UnitInterval | None = Field(
        default=None, description="0 to 1; derived from the judgement for a KPI measurement with a judgeable target"
    )
    verification: Verification = Field(
        default=Verification.SELF_REPORTED, description="manager_verified only by the person's manager"
    )
    measurement: MeasurementInput | None = Field(
        default=None, validate_default=True, description="Required for (and only for) kpi_measurement"
    )
    link: HttpUrl | None = Field(default=None, description="Link to the artefact: PR, post-mortem, certificate")
    summary: ShortNote | None = Field(default=None, description="Short summary; kept here, never published")

    @field_validator("measurement")
    @classmethod
    def _only_for_kpi_measurements(cls, measurement: MeasurementInput | None, info: ValidationInfo):
        kind = info.data.get("kind")
        if kind is EvidenceKind.KPI_MEASUREMENT and measurement is None:
            raise ValueError("required for a kpi_measurement item")
        if kind is not None and kind is not EvidenceKind.KPI_MEASUREMENT and measurement is not None:
            raise ValueError(f"only kpi_measurement items carry a measurement, not {kind.value}")
        return measurement


class MappingConfirmation(BaseModel):
    model_config = {"extra": "forbid"}

    targets: EvidenceTargets | None = Field(
        default=None, description="The targets to confirm; omit to accept the suggested ones"
    )


class EvidenceCorrection(BaseModel):
    model_config = {"extra": "forbid", "allow_inf_nan": False}

    expected_revision: int = Field(ge=1, description="The revision you corrected; a stale one is refused with 409")
    supports: EvidenceTargets | None = None
    verification: Verification | None = None
    strength: UnitInterval | None = None
    occurred_at: AwareDatetime | None = None
    measured_value: float | None = Field(default=None, description="For kpi_measurement: the corrected value")
    measured_unit: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    link: HttpUrl | None = None
    summary: ShortNote | None = None


class RetractionRequest(BaseModel):
    model_config = {"extra": "forbid"}

    reason: RetractionReason


# -- responses --------------------------------------------------------------------


class SuggestionView(BaseModel):
    kind: TargetKind
    target_id: str
    score: float = Field(description="TF-IDF cosine similarity of the item's text and the target's, 0 to 1")
    matched_terms: list[str] = Field(description="Shared terms that weighed most")


class EvidenceView(BaseModel):
    evidence_id: str
    revision: int
    person_id: str
    role_id: str
    role_version: int
    kind: EvidenceKind
    source: EvidenceSource
    occurred_at: datetime
    supports: EvidenceTargets
    mapping: MappingStatus
    strength: float
    verification: Verification
    kpi_judgement: KpiJudgement | None
    link: str | None
    summary: str | None
    suggestions: list[SuggestionView] = Field(description="Suggested targets with scores, when the source named none")
    captured_at: datetime
    retracted_at: datetime | None
    retraction_reason: RetractionReason | None

    @classmethod
    def of(cls, item: EvidenceItem) -> EvidenceView:
        return cls(
            evidence_id=item.evidence_id,
            revision=item.revision,
            person_id=item.person_id,
            role_id=item.role_id,
            role_version=item.role_version,
            kind=item.kind,
            source=item.source,
            occurred_at=item.occurred_at,
            supports=item.supports,
            mapping=item.mapping,
            strength=item.strength,
            verification=item.verification,
            kpi_judgement=item.kpi_judgement,
            link=item.link,
            summary=item.summary,
            suggestions=[
                SuggestionView(kind=s.kind, target_id=s.target_id, score=s.score, matched_terms=list(s.matched_terms))
                for s in item.suggestions
            ],
            captured_at=item.captured_at,
            retracted_at=item.retraction.at if item.retraction else None,
            retraction_reason=item.retraction.reason if item.retraction else None,
        )


class ChangeView(BaseModel):
    revision: int
    action: str
    actor: str
    at: datetime


class EvidenceDetail(EvidenceView):
    history: list[ChangeView] = Field(description="Who captured, corrected or retracted the item, oldest first")


class PortfolioView(BaseModel):
    person_id: str
    role_id: str = Field(description="The person's current role")
    role_version: int | None = Field(description="Pinned by the hire; null follows the latest version")
    items: list[EvidenceView]


class KpiTargetReading(BaseModel):
    kpi_id: str
    target: str | None = Field(description="The target as the blueprint writes it")
    judgeable: bool
    reading: str | None = Field(default=None, description="How it is read, e.g. 'p95 < 100 ms'")
    comparator: str | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    statistic: str | None = None
    reason: str | None = Field(default=None, description="Why it cannot be judged")


# -- routes -----------------------------------------------------------------------


@router.post(
    "/people/{person_id}/evidence",
    response_model=EvidenceView,
    status_code=status.HTTP_201_CREATED,
    summary="Add an item to a person's portfolio; publishes EvidenceCaptured",
    responses={
        200: {"description": "The same upstream record (source.system + source.reference) was captured before"},
        403: {"description": "A verification the caller may not claim"},
        404: {"description": "No hire is known for the person"},
        409: {"description": "The upstream reference was captured with other content, or the role is not replicated"},
        413: {"description": "Request body too large"},
        422: {"description": "Ids not on the role, a date in the future, an invalid field (named)"},
    },
)
async def add_evidence(
    person_id: PersonId, submission: EvidenceSubmission, runtime: Runtime, writer: Writer, response: Response
) -> EvidenceView:
    measurement = submission.measurement
    command = CaptureEvidence(
        person_id=person_id,
        kind=submission.kind,
        occurred_at=submission.occurred_at,
        source=submission.source.as_source(),
        supports=submission.supports,
        verification=submission.verification,
        actor=writer.subject,
        strength=submission.strength,
        measurement=Measurement(measurement.kpi_id, measurement.value, measurement.unit) if measurement else None,
        link=submission.link,
        summary=submission.summary,
    )
    async with runtime.unit_of_work() as uow:
        captured = await capture_evidence(command, uow)
    if not captured.created:
        response.status_code = status.HTTP_200_OK
    return EvidenceView.of(captured.item)


@router.get(
    "/people/{person_id}/evidence",
    response_model=PortfolioView,
    summary="A person's portfolio, most recent first",
    responses={404: {"description": "No hire is known for the person (or they were erased)"}},
)
async def portfolio(
    person_id: PersonId,
    runtime: Runtime,
    _: Reader,
    kind: EvidenceKind | None = None,
    target: Annotated[Slug | None, Query(description="Only items supporting this competency, KPI or criterion id")] = None,
    include_retracted: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PortfolioView:
    async with runtime.unit_of_work() as uow:
        assignment = await uow.people.get(person_id)
        if assignment is None:
            raise UnknownPerson(person_id)
        items = await uow.evidence.of_person(
            person_id, kind=kind, target_id=target, include_retracted=include_retracted, limit=limit, offset=offset
        )
    return PortfolioView(
        person_id=person_id,
        role_id=assignment.role_id,
        role_version=assignment.role_version,
        items=[EvidenceView.of(item) for item in items],
    )


@router.get(
    "/evidence/{evidence_id}",
    response_model=EvidenceDetail,
    summary="One item with its suggestions and history",
    responses={404: {"description": "No such item"}},
)
async def get_evidence(evidence_id: EvidenceId, runtime: Runtime, _: Reader) -> EvidenceDetail:
    async with runtime.unit_of_work() as uow:
        item = await uow.evidence.require(evidence_id)
        history = await uow.evidence.history(evidence_id)
    return EvidenceDetail(**EvidenceView.of(item).model_dump(), history=[ChangeView(**change) for change in history])


@router.post(
    "/evidence/{evidence_id}/mapping-confirmation",
    response_model=EvidenceView,
    summary="Confirm an item's suggested targets (or name the right ones); publishes EvidenceCorrected",
    responses={404: {"description": "No such item"}, 409: {"description": "Nothing awaits confirmation"}},
)
async def confirm_item_mapping(
    evidence_id: EvidenceId, confirmation: MappingConfirmation, runtime: Runtime, writer: Writer
) -> EvidenceView:
    async with runtime.unit_of_work() as uow:
        item = await confirm_mapping(ConfirmMapping(evidence_id, writer.subject, confirmation.targets), uow)
    return EvidenceView.of(item)


@router.patch(
    "/evidence/{evidence_id}",
    response_model=EvidenceView,
    summary="Correct an item; publishes EvidenceCorrected with the whole item at its next revision",
    responses={
        403: {"description": "A verification the caller may not claim"},
        409: {"description": "Stale revision or retracted"},
    },
)
async def correct_item(
    evidence_id: EvidenceId, correction: EvidenceCorrection, runtime: Runtime, writer: Writer
) -> EvidenceView:
    changes = {name: getattr(correction, name) for name in correction.model_fields_set}
    command = CorrectEvidence(evidence_id=evidence_id, actor=writer.subject, **changes)
    async with runtime.unit_of_work() as uow:
        item = await correct_evidence(command, uow)
    return EvidenceView.of(item)


@router.post(
    "/evidence/{evidence_id}/retraction",
    response_model=EvidenceView,
    summary="Withdraw an item; publishes EvidenceRetracted so consumers undo it",
    responses={404: {"description": "No such item"}, 409: {"description": "Already retracted"}},
)
async def retract_item(
    evidence_id: EvidenceId, retraction: RetractionRequest, runtime: Runtime, writer: Writer
) -> EvidenceView:
    async with runtime.unit_of_work() as uow:
        item = await retract_evidence(RetractEvidence(evidence_id, retraction.reason, writer.subject), uow)
    return EvidenceView.of(item)


@router.get(
    "/roles/{role_id}/kpi-targets",
    response_model=list[KpiTargetReading],
    summary="How each KPI target of a role is read when judging measurements",
    responses={404: {"description": "The role (version) is not known here"}},
)
async def kpi_targets(
    role_id: RoleId, runtime: Runtime, version: Annotated[int | None, Query(ge=1, description="Default: the latest")] = None
) -> list[KpiTargetReading]:
    async with runtime.unit_of_work() as uow:
        found = await uow.roles.get(role_id, version)
    if found is None:
        what = f"version {version} of role {role_id!r}" if version else f"role {role_id!r}"
        raise HTTPException(404, f"role_id: {what} is not known here")
    return [_reading(kpi.id, kpi.target) for kpi in found[1].kpis]


def _reading(kpi_id: str, target: str | None) -> KpiTargetReading:
    reading = read_target(target)
    if not isinstance(reading, NumericTarget):
        return KpiTargetReading(kpi_id=kpi_id, target=target, judgeable=False, reason=reading.reason)
    return KpiTargetReading(
        kpi_id=kpi_id,
        target=target,
        judgeable=True,
        reading=reading.describe(),
        comparator=reading.comparator.value,
        low=reading.low,
        high=reading.high,
        unit=reading.unit,
        statistic=reading.statistic,
    )
