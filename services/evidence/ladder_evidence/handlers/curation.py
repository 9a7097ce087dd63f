"""Command handlers that change an item after capture: confirm its mapping, correct it, retract it.

Each change is checked against the role version the item is mapped to and
published as an event, so progression can apply or undo it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ladder_contracts.events.evidence import EvidenceKind, EvidenceTargets, RetractionReason, SourceOrigin, Verification

from ladder_evidence.domain.errors import InvalidEvidence
from ladder_evidence.domain.kpi_targets import judge_measurement
from ladder_evidence.domain.model import Correction, EvidenceItem, require_verification_right
from ladder_evidence.handlers.roles import pinned_role
from ladder_evidence.store.uow import EvidenceUnitOfWork


@dataclass(frozen=True)
class ConfirmMapping:
    evidence_id: str
    actor: str
    targets: EvidenceTargets | None = None
    """The targets to confirm; None accepts the suggested ones."""


@dataclass(frozen=True)
class CorrectEvidence:
    evidence_id: str
    expected_revision: int
    actor: str
    supports: EvidenceTargets | None = None
    verification: Verification | None = None
    strength: float | None = None
    occurred_at: datetime | None = None
    measured_value: float | None = None
    measured_unit: str | None = None
    link: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class RetractEvidence:
    evidence_id: str
    reason: RetractionReason
    actor: str


async def confirm_mapping(command: ConfirmMapping, uow: EvidenceUnitOfWork) -> EvidenceItem:
    item = await uow.evidence.require(command.evidence_id)
    role = await pinned_role(uow, item.role_id, item.role_version)
    item.confirm_mapping(role, actor=command.actor, at=datetime.now(UTC), targets=command.targets)
    await uow.evidence.save(item)
    await uow.commit()
    return item


async def correct_evidence(command: CorrectEvidence, uow: EvidenceUnitOfWork) -> EvidenceItem:
    now = datetime.now(UTC)
    item = await uow.evidence.require(command.evidence_id)
    role = await pinned_role(uow, item.role_id, item.role_version)
    if command.verification is not None and command.verification is not item.verification:
        # Whoever corrects is a person at the API, whatever the item's source was.
        assignment = await uow.people.require(item.person_id)
        require_verification_right(
            command.verification, origin=SourceOrigin.MANUAL, actor=command.actor, assignment=assignment
        )
    judgement = None
    if command.measured_value is not None:
        if item.kind is not EvidenceKind.KPI_MEASUREMENT or item.kpi_judgement is None:
            raise InvalidEvidence("measured_value", f"only kpi_measurement items have one, not {item.kind.value}")
        kpi = role.kpi(item.kpi_judgement.kpi_id, field="measured_value")
        judgement = judge_measurement(kpi, command.measured_value, command.measured_unit, field="measured_unit")
    correction = Correction(
        supports=command.supports,
        verification=command.verification,
        strength=command.strength,
        occurred_at=command.occurred_at,
        kpi_judgement=judgement,
        link=command.link,
        summary=command.summary,
    )
    if item.correct(correction, role, expected_revision=command.expected_revision, actor=command.actor, at=now):
        await uow.evidence.save(item)
        await uow.commit()
    return item


async def retract_evidence(command: RetractEvidence, uow: EvidenceUnitOfWork) -> EvidenceItem:
    item = await uow.evidence.require(command.evidence_id)
    item.retract(command.reason, actor=command.actor, at=datetime.now(UTC))
    await uow.evidence.save(item)
    await uow.commit()
    return item
