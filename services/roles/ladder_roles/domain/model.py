"""The role catalog's aggregate: one role's line of versions.

A new version exists only when the role's content differs from the latest
one, so re-importing an unchanged document is a no-op. Edits name the
version they were made against; a stale one is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from ladder_contracts.events.roles import RoleChangeOrigin, RoleUpdatedV1
from ladder_contracts.role import Role

from ladder_roles.domain.changes import diff_roles
from ladder_roles.domain.errors import StaleRoleVersion


def fingerprint(role: Role) -> str:
    """Content identity of a role version: sha256 of its canonical JSON."""
    return hashlib.sha256(role.model_dump_json().encode()).hexdigest()


@dataclass(eq=False)  # identity, not value: lineages live in the repository's seen-set
class RoleLineage:
    role_id: str
    version: int = 0
    latest: Role | None = None
    latest_fingerprint: str | None = None
    events: list[RoleUpdatedV1] = field(default_factory=list)

    def record(
        self, role: Role, *, origin: RoleChangeOrigin, at: datetime, expected_version: int | None = None
    ) -> bool:
        """Make ``role`` the next version unless it equals the latest; True when a version was made."""
        if role.id != self.role_id:
            raise ValueError(f"role id {role.id!r} does not belong to lineage {self.role_id!r}")
        if expected_version is not None and expected_version != self.version:
            raise StaleRoleVersion(self.role_id, expected=expected_version, current=self.version)
        new_fingerprint = fingerprint(role)
        if new_fingerprint == self.latest_fingerprint:
            return False
        previous, self.latest, self.latest_fingerprint = self.latest, role, new_fingerprint
        self.version += 1
        self.events.append(
            RoleUpdatedV1(
                role=role,
                role_version=self.version,
                previous_role_version=self.version - 1 if self.version > 1 else None,
                changes=diff_roles(previous, role),
                origin=origin,
                updated_at=at,
            )
        )
        return True
