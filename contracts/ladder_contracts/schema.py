"""JSON Schema of the whole Kafka record value of one event version: the envelope around its data."""

from __future__ import annotations

import inspect
import json
from typing import Any

from ladder_contracts.envelope import CloudEvent, EventData

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_file_name(model: type[EventData]) -> str:
    return f"{model.ce_type()}.json"


def envelope_schema(model: type[EventData]) -> dict[str, Any]:
    """The envelope's schema with ``type``, ``dataschema`` and ``subject`` pinned to this event version."""
    schema = CloudEvent[model].model_json_schema()  # type: ignore[valid-type]
    properties = schema["properties"]
    properties["type"]["const"] = model.ce_type()
    properties["dataschema"]["const"] = model.schema_uri()
    properties["subject"]["description"] = f"Entity id, equal to data.{model.subject_field}; also the Kafka record key"
    schema.update(
        {
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": model.schema_uri(),
            "title": model.ce_type(),
            "description": inspect.getdoc(model) or model.ce_type(),
        }
    )
    return schema


def render_json(document: Any) -> str:
    """The one textual form of a generated document, so regeneration is byte-for-byte stable."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
