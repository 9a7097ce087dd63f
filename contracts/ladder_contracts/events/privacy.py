"""Events a Ladder service publishes once it has carried out a privacy request."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ladder_contracts.common import Count
from ladder_contracts.envelope import AwareDatetime, EventData, OpaqueId

RecordKind = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]


class PersonErasedV1(EventData):
    """A service has erased everything it held about a person."""

    event_type = "ladder.person.erased"
    version = 1
    topic = "ladder.privacy"
    subject_field = "person_id"

    request_id: OpaqueId = Field(description="Id of the erasure request that was carried out")
    service: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)] = Field(
        description="The Ladder service that erased, e.g. 'evidence'"
    )
    person_id: OpaqueId = Field(description="Opaque id of the erased person")
    erased: dict[RecordKind, Count] = Field(
        description="How many records of each kind were deleted, e.g. {'evidence_items': 12}"
    )
    erased_at: AwareDatetime = Field(description="When the erasure was committed")
