"""Role versions and per-role thresholds: both re-evaluate everyone on the role, in batches.

Handling the event only stores the version and records a work item, in the
consumer's transaction; the re-evaluation worker does the walk (see
``handlers/reevaluation.py``), so a role with 10,000 people never holds up
the evidence of the next person in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from ladder_contracts import CloudEvent
from ladder_contracts.events.roles import RoleUpdatedV1
from ladder_runtime.telemetry import current_trace_context

from ladder_progression.domain.engine import Thresholds
from ladder_progression.domain.track import Cause
from ladder_progression.store.uow import ProgressionUnitOfWork

ROLE_UPDATED = "role_updated"
THRESHOLDS_CHANGED = "thresholds_changed"

THRESHOLDS_SET = "ladder.progression.thresholds-changed.v1"
"""``caused_by_event_type`` of readiness changed by new thresholds (an API command, not a topic)."""


@dataclass(frozen=True)
class RecordRoleVersion:
    event: CloudEvent[RoleUpdatedV1]


@dataclass(frozen=True)
class SetThresholds:
    role_id: str
    thresholds: Thresholds | None
    """None: back to the defaults."""
    set_by: str
    cause: Cause


async def record_role_version(command: RecordRoleVersion, uow: ProgressionUnitOfWork) -> None:
    event = command.event
    await uow.roles.store(event)
    cause = Cause(event.id, event.type, event.data.updated_at)
    await uow.reevaluations.enqueue(
        event.data.role.id, reason=ROLE_UPDATED, cause=cause, trace=current_trace_context()
    )
    await uow.commit()


async def set_thresholds(command: SetThresholds, uow: ProgressionUnitOfWork) -> bool:
    """Store (or drop) a role's thresholds; True when anything changed and people are re-evaluated."""
    if command.thresholds is None:
        changed = await uow.thresholds.remove(command.role_id)
    else:
        changed = await uow.thresholds.get(command.role_id) != command.thresholds
        await uow.thresholds.put(command.role_id, command.thresholds, by=command.set_by, at=command.cause.at)
    if changed:
        await uow.reevaluations.enqueue(
            command.role_id, reason=THRESHOLDS_CHANGED, cause=command.cause, trace=current_trace_context()
        )
    await uow.commit()
    return changed
