"""Which event types exist, at which versions, on which topics; and decoding."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from ladder_contracts.envelope import CloudEvent, EventData


class ContractError(ValueError):
    """A message that cannot become a contract instance. ``reason`` names the field."""

    kind = "invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UndecodableMessage(ContractError):
    kind = "undecodable"


class UnknownEventType(ContractError):
    kind = "unknown-type"


class InvalidEvent(ContractError):
    kind = "invalid"


def describe_validation_error(error: ValidationError, prefix: str = "") -> str:
    """One line per problem, each naming the field path: ``data.rating: Input should be ...``."""
    parts = []
    for item in error.errors(include_url=False):
        path = ".".join(str(p) for p in item["loc"]) or "<root>"
        parts.append(f"{prefix}{path}: {item['msg']}")
    return "; ".join(parts)


def _check_declaration(model: type[EventData]) -> None:
    """Fail at import time, not on the first message, when a contract is declared incompletely."""
    missing = [name for name in ("event_type", "version", "topic", "subject_field") if not hasattr(model, name)]
    if missing:
        raise TypeError(f"{model.__name__} does not set {', '.join(missing)}")
    fields: type[BaseModel] | None = model
    for name in model.subject_field.split("."):
        field = fields.model_fields.get(name) if fields is not None else None
        if field is None:
            raise TypeError(f"{model.__name__}.subject_field {model.subject_field!r} names no field")
        annotation = field.annotation
        fields = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


class ContractRegistry:
    def __init__(self, models: Iterable[type[EventData]] = ()) -> None:
        self._by_type: dict[str, type[EventData]] = {}
        for model in models:
            self.register(model)

    def register(self, model: type[EventData]) -> type[EventData]:
        _check_declaration(model)
        key = model.ce_type()
        if key in self._by_type and self._by_type[key] is not model:
            raise ValueError(f"event type {key} registered twice")
        self._by_type[key] = model
        return model

    def __iter__(self):
        return iter(sorted(self._by_type.values(), key=lambda m: m.ce_type()))

    def model_for(self, ce_type: str) -> type[EventData]:
        try:
            return self._by_type[ce_type]
        except KeyError:
            known = ", ".join(sorted(k for k in self._by_type if k.rsplit(".v", 1)[0] == ce_type.rsplit(".v", 1)[0]))
            hint = f" (known versions: {known})" if known else ""
            raise UnknownEventType(f"type: unknown event type {ce_type!r}{hint}") from None

    def topics(self) -> dict[str, list[type[EventData]]]:
        by_topic: dict[str, list[type[EventData]]] = {}
        for model in self:
            by_topic.setdefault(model.topic, []).append(model)
        return by_topic

    def decode(self, raw: bytes | str, *, accept: Iterable[type[EventData]] | None = None) -> CloudEvent[Any]:
        """Bytes off the wire to a validated envelope, or a :class:`ContractError` saying why not."""
        try:
            document = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UndecodableMessage(f"<payload>: not valid JSON ({exc})") from None
        if not isinstance(document, dict):
            raise UndecodableMessage("<payload>: expected a JSON object (CloudEvents envelope)")
        ce_type = document.get("type")
        if not isinstance(ce_type, str):
            raise InvalidEvent("type: missing or not a string")
        model = self.model_for(ce_type)
        if accept is not None and model not in set(accept):
            raise UnknownEventType(f"type: {ce_type!r} is not consumed here")
        try:
            event = CloudEvent[model].model_validate(document)  # type: ignore[valid-type]
        except ValidationError as exc:
            raise InvalidEvent(describe_validation_error(exc)) from None
        if event.dataschema != model.schema_uri():
            raise InvalidEvent(f"dataschema: expected {model.schema_uri()!r}, got {event.dataschema!r}")
        return event
