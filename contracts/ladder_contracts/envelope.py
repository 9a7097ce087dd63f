"""The one envelope every Ladder event travels in.

CloudEvents 1.0, structured content mode of the Kafka protocol binding: the
record value is the whole envelope as JSON (``content-type:
application/cloudevents+json``), the record key is ``subject`` so one entity's
events stay ordered on one partition. Trace context rides as the CloudEvents
distributed-tracing extension (``traceparent``/``tracestate``) and, for tools
that only read Kafka headers, as W3C headers too.

Data models subclass :class:`EventData`; their class variables name the event
type, its major version and its topic, so ``type`` always carries the version.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
SCHEMA_URI_PREFIX = "urn:ladder:schema:"

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

OpaqueId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"),
]
"""An opaque identifier: no spaces, no free text. People only ever appear as one."""


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a timezone (RFC 3339)")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class Contract(BaseModel):
    """Base of every contract model: strict on ingress, immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class EventData(Contract):
    """Payload of one event type at one major version.

    Subclasses set the three class variables; the envelope derives ``type``,
    ``dataschema`` and the topic from them.
    """

    event_type: ClassVar[str]
    """Dotted reverse-domain name without version, e.g. ``ladder.role.updated``."""
    version: ClassVar[int]
    topic: ClassVar[str]
    published: ClassVar[bool] = True
    """False for upstream inputs Ladder consumes but does not publish itself."""
    subject_field: ClassVar[str]
    """Dotted path of the field that is the subject, e.g. ``person_id`` or ``role.id``."""

    @classmethod
    def ce_type(cls) -> str:
        return f"{cls.event_type}.v{cls.version}"

    @classmethod
    def schema_uri(cls) -> str:
        return f"{SCHEMA_URI_PREFIX}{cls.ce_type()}"

    def subject(self) -> str:
        """The entity id: CloudEvents ``subject`` and the Kafka key (the value at ``subject_field``)."""
        value: Any = self
        for name in self.subject_field.split("."):
            value = getattr(value, name)
        return value


class TraceContext(Contract):
    traceparent: str | None = None
    tracestate: str | None = None


DataT = TypeVar("DataT", bound=EventData)


class CloudEvent(BaseModel, Generic[DataT]):
    """A CloudEvents 1.0 envelope around one :class:`EventData`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents specification version")
    id: Annotated[str, StringConstraints(min_length=1, max_length=128)] = Field(
        default_factory=lambda: str(uuid.uuid4()),
        description="Unique per event; consumers deduplicate on (source, id).",
    )
    source: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(
        description="URI-reference of the producer, e.g. /ladder/roles"
    )
    type: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+\.v[0-9]+$")] = Field(
        description="Event type with its major version, e.g. ladder.role.updated.v1"
    )
    subject: OpaqueId = Field(description="Entity id; also the Kafka record key")
    time: AwareDatetime = Field(
        default_factory=lambda: datetime.now(UTC), description="When the event happened (RFC 3339, with offset)"
    )
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="Media type of data"
    )
    dataschema: str = Field(description="URN of the JSON Schema of data")
    traceparent: Annotated[str, StringConstraints(pattern=_TRACEPARENT.pattern)] | None = Field(
        default=None, description="W3C trace context of the producing operation (distributed-tracing extension)"
    )
    tracestate: Annotated[str, StringConstraints(max_length=512)] | None = Field(
        default=None, description="W3C tracestate accompanying traceparent"
    )
    data: DataT = Field(description="The event payload, per the version named in type")

    @classmethod
    def wrap(
        cls,
        data: EventData,
        *,
        source: str,
        event_id: str | None = None,
        time: datetime | None = None,
        trace: TraceContext | None = None,
    ) -> CloudEvent[Any]:
        fields: dict[str, Any] = {
            "source": source,
            "type": data.ce_type(),
            "subject": data.subject(),
            "dataschema": data.schema_uri(),
            "data": data,
        }
        if event_id is not None:
            fields["id"] = event_id
        if time is not None:
            fields["time"] = time
        if trace is not None:
            fields["traceparent"] = trace.traceparent
            fields["tracestate"] = trace.tracestate
        return CloudEvent[type(data)](**fields)  # type: ignore[misc]

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    def with_trace(self, trace: TraceContext) -> Self:
        return self.model_copy(update=trace.model_dump())
