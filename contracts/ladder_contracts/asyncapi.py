"""AsyncAPI 3.0.0 description of every topic Ladder publishes to or consumes from.

Operations are from Ladder's point of view: ``send`` for the events Ladder
publishes, ``receive`` for the upstream inputs it consumes. Payloads reference
the committed envelope schemas rather than copying them, so there is one
source of truth per event version.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from ladder_contracts.envelope import CONTENT_TYPE, EventData
from ladder_contracts.schema import schema_file_name

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
MEDIA_TYPE = CONTENT_TYPE.split(";")[0]
DEFAULT_SCHEMA_BASE = "./ladder_contracts/schemas/"
"""Where the envelope schemas are, relative to ``contracts/asyncapi.json``."""

_NOT_AN_ID_CHARACTER = re.compile(r"[^A-Za-z0-9_-]")


def _contracts_version() -> str:
    try:
        return metadata.version("ladder-contracts")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"


def _channel_id(topic: str) -> str:
    """AsyncAPI ids allow only ``[A-Za-z0-9_-]``; topics also use dots."""
    return _NOT_AN_ID_CHARACTER.sub("_", topic)


def _summary(model: type[EventData]) -> str:
    return (inspect.getdoc(model) or model.ce_type()).split("\n\n")[0].replace("\n", " ")


def _message(model: type[EventData], schema_base: str) -> dict[str, Any]:
    trace_header = {"type": "string", "description": "W3C trace context, mirrored from the envelope"}
    return {
        "name": model.ce_type(),
        "title": model.__name__,
        "summary": _summary(model),
        "contentType": MEDIA_TYPE,
        "payload": {"$ref": f"{schema_base}{schema_file_name(model)}"},
        "headers": {
            "type": "object",
            "properties": {
                "content-type": {"type": "string", "const": CONTENT_TYPE},
                "traceparent": trace_header,
                "tracestate": trace_header,
            },
        },
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": f"The CloudEvents subject: data.{model.subject_field}",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _channel(topic: str, models: list[type[EventData]]) -> dict[str, Any]:
    keys = sorted({f"data.{model.subject_field}" for model in models})
    return {
        "address": topic,
        "title": topic,
        "description": (
            f"Event types: {', '.join(model.ce_type() for model in models)}. "
            f"Keyed by {' / '.join(keys)}, so one entity's events stay in order."
        ),
        "messages": {model.__name__: {"$ref": f"#/components/messages/{model.__name__}"} for model in models},
        "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}},
    }


def _operation(action: str, channel_id: str, models: list[type[EventData]]) -> dict[str, Any]:
    verb = "Ladder publishes" if action == "send" else "Ladder consumes"
    return {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel_id}"},
        "summary": f"{verb} {', '.join(model.ce_type() for model in models)}",
        "messages": [{"$ref": f"#/channels/{channel_id}/messages/{model.__name__}"} for model in models],
    }


def build_asyncapi(models: Iterable[type[EventData]], *, schema_base: str = DEFAULT_SCHEMA_BASE) -> dict[str, Any]:
    """The AsyncAPI document for ``models`` (normally every model of the registry)."""
    by_topic: dict[str, list[type[EventData]]] = {}
    for model in sorted(models, key=lambda m: m.ce_type()):
        by_topic.setdefault(model.topic, []).append(model)

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic, topic_models in sorted(by_topic.items()):
        channel_id = _channel_id(topic)
        channels[channel_id] = _channel(topic, topic_models)
        for action, published in (("send", True), ("receive", False)):
            acting = [model for model in topic_models if model.published is published]
            if acting:
                operations[f"{action}_{channel_id}"] = _operation(action, channel_id, acting)
        messages.update({model.__name__: _message(model, schema_base) for model in topic_models})

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Ladder events",
            "version": _contracts_version(),
            "description": (
                "Every topic Ladder publishes to or consumes from. Each record value is a CloudEvents 1.0 "
                "envelope in structured mode (JSON); the record key is the envelope's subject. "
                "Event types carry their major version (e.g. ladder.role.updated.v1); a published version "
                "only ever changes compatibly."
            ),
        },
        "defaultContentType": MEDIA_TYPE,
        "servers": {
            "embedded": {
                "host": "localhost:9092",
                "protocol": "kafka",
                "description": "Embedded Kafka-protocol broker of the one-laptop setup",
            },
            "kafka": {
                "host": "{bootstrap}",
                "protocol": "kafka",
                "description": "Apache Kafka cluster (Kubernetes, docker compose)",
                "variables": {"bootstrap": {"default": "kafka:9092", "description": "A bootstrap server, host:port"}},
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
