"""Events published by the roles service."""

from __future__ import annotations

from enum import StrEnum
from operator import attrgetter
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from ladder_contracts.common import RoleVersion, unique_by
from ladder_contracts.envelope import AwareDatetime, EventData
from ladder_contracts.role import PartChange, Role


class RoleChangeOrigin(StrEnum):
    IMPORT = "import"
    """A new or changed blueprint document was imported."""
    EDIT = "edit"
    """Someone edited the role through the API."""


class RoleUpdatedV1(EventData):
    """A new version of a role: the full normalized role plus what changed since the previous version.

    Consumers keep their own read model of roles from this event alone; it is
    never necessary to call the roles service. Re-importing an unchanged
    document publishes nothing.
    """

    event_type = "ladder.role.updated"
    version = 1
    topic = "ladder.role-updated"
    subject_field = "role.id"

    role: Role = Field(description="The complete role at this version")
    role_version: RoleVersion = Field(description="Version number of this role; increases by one per change")
    previous_role_version: RoleVersion | None = Field(
        default=None, validate_default=True, description="The version this one replaces; null for the first version"
    )
    changes: Annotated[list[PartChange], unique_by(attrgetter("part"), "part")] = Field(
        default=[],
        description="Per part of the role, the item ids added, removed and changed since the previous version; "
        "for the first version every item is listed as added",
    )
    origin: RoleChangeOrigin = Field(description="What made the new version")
    updated_at: AwareDatetime = Field(description="When this version was created")

    @field_validator("previous_role_version")
    @classmethod
    def _follows_role_version(cls, previous: int | None, info: ValidationInfo) -> int | None:
        current = info.data.get("role_version")
        if current is None:  # role_version itself is invalid and already reported
            return previous
        expected = current - 1 if current > 1 else None
        if previous != expected:
            raise ValueError(f"must be {expected} for role_version {current}")
        return previous
