"""A person's track: the role they are in, the role they are aiming for, and every change to either.

The current role comes from HR hire events (a later hire event into another
role is a role change). The target is the first next role of the current
role's career path unless someone chose another through the API; a chosen
target sticks across role versions until it is reset or reached. Tracks
follow the latest known version of both roles, so a role's new criteria
apply to everyone on it.

``as_of`` is the person's readiness clock: the latest time of their own
events (hire, evidence, assessments). Readiness decays against it, never
against the wall clock, so replaying the events rebuilds the same readiness.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ladder_contracts.role import Role, RoleRef

from ladder_progression.domain.errors import TargetIsCurrentRole, UnknownTargetRole


class TrackField(StrEnum):
    CURRENT_ROLE = "current_role"
    TARGET_ROLE = "target_role"
    TEAM = "team"
    MANAGER = "manager"


class ChangeReason(StrEnum):
    HIRED = "hired"
    ROLE_CHANGED = "role_changed"
    CAREER_PATH = "career_path"
    """The target follows the current role's career path."""
    CHOSEN = "chosen"
    """Someone chose the target through the API."""
    TARGET_REACHED = "target_reached"
    """The person was hired into their chosen target; the career path decides again."""


@dataclass(frozen=True, slots=True)
class Cause:
    """The event (or API command) that made a change, and when it took effect."""

    event_id: str
    event_type: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TrackChange:
    field: TrackField
    old: str | None
    new: str | None
    reason: ChangeReason
    cause: Cause


@dataclass(eq=False)
class Track:
    person_id: str
    current_role_id: str | None = None
    current_role_version: int | None = None
    target_role_id: str | None = None
    target_role_version: int | None = None
    target_chosen: bool = False
    team_id: str | None = None
    manager_id: str | None = None
    hired_at: datetime | None = None
    as_of: datetime | None = None
    changes: list[TrackChange] = field(default_factory=list)

    @property
    def hired(self) -> bool:
        return self.current_role_id is not None

    def observe(self, at: datetime) -> None:
        """Move the readiness clock to ``at`` if it is later: the max is the same whatever the arrival order."""
        if self.as_of is None or at > self.as_of:
            self.as_of = at

    def hire(
        self, *, role_id: str, hired_at: datetime, team_id: str | None, manager_id: str | None, cause: Cause
    ) -> None:
        if role_id != self.current_role_id:
            reason = ChangeReason.ROLE_CHANGED if self.hired else ChangeReason.HIRED
            self._record(TrackField.CURRENT_ROLE, self.current_role_id, role_id, reason, cause)
            self.current_role_id, self.current_role_version = role_id, None
            if self.target_chosen and self.target_role_id == role_id:
                self.target_chosen = False
                self._set_target(None, ChangeReason.TARGET_REACHED, cause)
        if team_id != self.team_id:
            self._record(TrackField.TEAM, self.team_id, team_id, ChangeReason.HIRED, cause)
            self.team_id = team_id
        if manager_id != self.manager_id:
            self._record(TrackField.MANAGER, self.manager_id, manager_id, ChangeReason.HIRED, cause)
            self.manager_id = manager_id
        self.hired_at = hired_at
        self.observe(hired_at)

    def follow(self, current: tuple[int, Role] | None, *, cause: Cause) -> None:
        """Pin the current role's latest version; unless chosen, the target is its first next role."""
        if current is None:  # no RoleUpdated for it yet: its version re-evaluates everyone on it
            self.current_role_version = None
            return
        version, role = current
        self.current_role_version = version
        if not self.target_chosen:
            next_role = next((ref.role_id for ref in role.career_path.next_roles if ref.role_id != role.id), None)
            self._set_target(next_role, ChangeReason.CAREER_PATH, cause)

    def pin_target_version(self, version: int | None) -> None:
        self.target_role_version = version

    def choose_target(
        self, role_id: str | None, *, current: tuple[int, Role] | None, has_blueprint: bool, cause: Cause
    ) -> None:
        """Aim at ``role_id``, or with None go back to the career path's choice."""
        if role_id is None:
            self.target_chosen = False
            self.follow(current, cause=cause)
            return
        if role_id == self.current_role_id:
            raise TargetIsCurrentRole(role_id)
        named = current is not None and career_ref(current[1], role_id) is not None
        if not (has_blueprint or named):
            raise UnknownTargetRole(role_id, self.current_role_id or "")
        self.target_chosen = True
        self._set_target(role_id, ChangeReason.CHOSEN, cause)

    def _set_target(self, role_id: str | None, reason: ChangeReason, cause: Cause) -> None:
        if role_id != self.target_role_id:
            self._record(TrackField.TARGET_ROLE, self.target_role_id, role_id, reason, cause)
            self.target_role_id, self.target_role_version = role_id, None

    def _record(self, what: TrackField, old: str | None, new: str | None, reason: ChangeReason, cause: Cause) -> None:
        self.changes.append(TrackChange(what, old, new, reason, cause))


def career_ref(role: Role, role_id: str) -> RoleRef | None:
    """The reference to ``role_id`` in ``role``'s career path (next, adjacent or feeder), if any."""
    path = role.career_path
    return next((ref for ref in (*path.next_roles, *path.adjacent_roles, *path.feeders) if ref.role_id == role_id), None)
