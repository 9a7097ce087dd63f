"""Privacy requests Ladder consumes."""

from __future__ import annotations

from pydantic import Field

from ladder_contracts.envelope import AwareDatetime, EventData, OpaqueId


class PersonErasureRequestedV1(EventData):
    """Erase everything about a person; each service answers with ``PersonErasedV1``."""

    event_type = "privacy.person.erasure-requested"
    version = 1
    topic = "privacy.erasure-requests"
    published = False
    subject_field = "person_id"

    request_id: OpaqueId = Field(description="Id of the erasure request")
    person_id: OpaqueId = Field(description="Opaque id of the person to erase")
    requested_at: AwareDatetime = Field(description="When the erasure was requested")
    requested_by: OpaqueId = Field(description="Opaque id of who requested it (a person or a system)")
