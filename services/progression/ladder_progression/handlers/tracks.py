"""Tracks: started or moved by HR hire events, aimed elsewhere through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ladder_progression.domain.engine import Readiness
from ladder_progression.domain.errors import TrackNotFound
from ladder_progression.domain.track import Cause, Track
from ladder_progression.handlers.readiness import reassess
from ladder_progression.store.uow import ProgressionUnitOfWork

TARGET_CHOSEN = "ladder.progression.target-role-chosen.v1"
"""``caused_by_event_type`` of readiness changed by choosing a target through the API (a command, not a topic)."""


@dataclass(frozen=True)
class StartTrack:
    """From an HR hire event: the person is now in ``role_id`` (a first hire, or a move)."""

    person_id: str
    role_id: str
    hired_at: datetime
    team_id: str | None
    manager_id: str | None
    cause: Cause


@dataclass(frozen=True)
class ChooseTarget:
    person_id: str
    target_role_id: str | None
    """None: back to the career path's first next role."""
    cause: Cause


async def start_track(command: StartTrack, uow: ProgressionUnitOfWork) -> None:
    track = await uow.tracks.lock_or_start(command.person_id)
    if track is None:
        return
    track.hire(
        role_id=command.role_id,
        hired_at=command.hired_at,
        team_id=command.team_id,
        manager_id=command.manager_id,
        cause=command.cause,
    )
    await follow_roles(track, command.cause, uow)
    await uow.tracks.save(track)
    await reassess(track, command.cause, uow)
    await uow.commit()


async def choose_target(command: ChooseTarget, uow: ProgressionUnitOfWork) -> Readiness | None:
    """Readiness for the new target; None while it cannot be computed."""
    track = await uow.tracks.lock(command.person_id)
    if track is None or not track.hired:
        raise TrackNotFound(command.person_id)
    current = await uow.roles.latest(track.current_role_id)
    has_blueprint = (
        command.target_role_id is not None and await uow.roles.latest_version(command.target_role_id) is not None
    )
    track.choose_target(command.target_role_id, current=current, has_blueprint=has_blueprint, cause=command.cause)
    track.pin_target_version(await uow.roles.latest_version(track.target_role_id))
    await uow.tracks.save(track)
    readiness = await reassess(track, command.cause, uow)
    await uow.commit()
    return readiness


async def follow_roles(track: Track, cause: Cause, uow: ProgressionUnitOfWork) -> None:
    """Pin the latest replicated versions of the track's current and target roles."""
    track.follow(await uow.roles.latest(track.current_role_id), cause=cause)
    track.pin_target_version(await uow.roles.latest_version(track.target_role_id))
