"""Command handlers about people: their current role (from hires) and their erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ladder_contracts.events.evidence import EVIDENCE_TOPIC
from ladder_contracts.events.privacy import PersonErasedV1

from ladder_evidence import SERVICE_NAME
from ladder_evidence.domain.roles import RoleAssignment
from ladder_evidence.store.uow import EvidenceUnitOfWork


@dataclass(frozen=True)
class RecordHire:
    person_id: str
    role_id: str
    role_version: int | None
    hr_system: str
    manager_id: str | None
    hired_at: datetime


@dataclass(frozen=True)
class ErasePerson:
    request_id: str
    person_id: str


async def record_hire(command: RecordHire, uow: EvidenceUnitOfWork) -> bool:
    """Make the hire the person's current role; False when a newer hire is already on record."""
    assignment = RoleAssignment(
        person_id=command.person_id,
        role_id=command.role_id,
        role_version=command.role_version,
        hr_system=command.hr_system,
        manager_id=command.manager_id,
        hired_at=command.hired_at,
    )
    current = await uow.people.get(command.person_id)
    if current is not None and not assignment.supersedes(current):
        return False
    await uow.people.put(assignment)
    await uow.commit()
    return True


async def erase_person(command: ErasePerson, uow: EvidenceUnitOfWork) -> PersonErasedV1:
    """Delete everything held about the person, and say so, in one transaction.

    An erasure of someone this service never heard of is still answered: the
    requester needs every service's confirmation, with zero counts here.
    """
    erased = await uow.evidence.erase_person(command.person_id)
    erased["role_assignments"] = await uow.people.erase(command.person_id)
    erased["outbox_records"] = await uow.erase_outbox_records(topic=EVIDENCE_TOPIC, key=command.person_id)
    confirmation = PersonErasedV1(
        request_id=command.request_id,
        service=SERVICE_NAME,
        person_id=command.person_id,
        erased=erased,
        erased_at=datetime.now(UTC),
    )
    uow.publish(confirmation)
    await uow.commit()
    return confirmation
