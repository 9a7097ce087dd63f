"""Erasure requests: delete everything about the person, remember only a hash, confirm with PersonErased."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ladder_contracts.events.privacy import PersonErasedV1
from ladder_contracts.events.progression import PromotionReadinessChangedV1

from ladder_progression.store.erasure import erase_person
from ladder_progression.store.uow import ProgressionUnitOfWork

SERVICE = "progression"


@dataclass(frozen=True)
class ErasePerson:
    request_id: str
    person_id: str


async def erase(command: ErasePerson, uow: ProgressionUnitOfWork) -> dict[str, int]:
    await uow.tracks.lock(command.person_id)  # waits for anything in flight about them
    erased = await erase_person(uow.session, command.person_id)
    erased["outbox_records"] = await uow.erase_outbox_records(
        topic=PromotionReadinessChangedV1.topic, key=command.person_id
    )
    now = datetime.now(UTC)
    await uow.tracks.remember_erased(command.person_id, now)
    uow.publish(
        PersonErasedV1(
            request_id=command.request_id, service=SERVICE, person_id=command.person_id, erased=erased, erased_at=now
        )
    )
    await uow.commit()
    return erased
