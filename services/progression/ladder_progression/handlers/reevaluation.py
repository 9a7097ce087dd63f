"""One batch of a role-wide re-evaluation, in one transaction with its cursor."""

from __future__ import annotations

from dataclasses import dataclass

from ladder_progression.handlers.readiness import reassess
from ladder_progression.handlers.tracks import follow_roles
from ladder_progression.store.reevaluations import Reevaluation
from ladder_progression.store.uow import ProgressionUnitOfWork


@dataclass(frozen=True)
class ReevaluateBatch:
    job: Reevaluation
    size: int


@dataclass(frozen=True)
class BatchDone:
    people: int
    finished: bool
    lost_race: bool = False
    """Another worker moved the cursor first; nothing of this batch was kept."""


async def reevaluate_batch(command: ReevaluateBatch, uow: ProgressionUnitOfWork) -> BatchDone:
    job = command.job
    tracks = await uow.tracks.lock_batch(job.role_id, after=job.after_person_id, limit=command.size)
    for track in tracks:
        await follow_roles(track, job.cause, uow)
        await uow.tracks.save(track)
        await reassess(track, job.cause, uow)
    finished = len(tracks) < command.size
    after = tracks[-1].person_id if tracks else job.after_person_id
    if not await uow.reevaluations.advance(job, after=after, done=len(tracks), finished=finished):
        await uow.rollback()
        return BatchDone(0, finished=False, lost_race=True)
    await uow.commit()
    return BatchDone(len(tracks), finished)
