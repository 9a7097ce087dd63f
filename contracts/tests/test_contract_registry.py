"""Decoding raw Kafka record values: every failure is a ContractError whose reason names the field."""

from __future__ import annotations

import json

import pytest

from contract_samples import samples
from ladder_contracts import REGISTRY, CloudEvent, ContractError, UnknownEventType
from ladder_contracts.events import RoleUpdatedV1
from ladder_contracts.inputs import ScorecardSubmittedV1
from ladder_contracts.registry import InvalidEvent, UndecodableMessage

SAMPLES = samples()


def _envelope(model) -> dict:
    return json.loads(CloudEvent.wrap(SAMPLES[model], source="/ladder/tests").to_json())


def test_bad_json_is_undecodable():
    with pytest.raises(UndecodableMessage) as raised:
        REGISTRY.decode(b'{"type": "ladder.role.updated.v1",')
    assert "not valid JSON" in raised.value.reason


def test_invalid_utf8_is_undecodable():
    with pytest.raises(UndecodableMessage):
        REGISTRY.decode(b"\xff\xfe{}")


def test_a_json_array_is_not_an_envelope():
    with pytest.raises(UndecodableMessage, match="expected a JSON object"):
        REGISTRY.decode(b"[]")


def test_unknown_version_is_reported_with_the_known_ones():
    envelope = {**_envelope(RoleUpdatedV1), "type": "ladder.role.updated.v9"}
    with pytest.raises(UnknownEventType) as raised:
        REGISTRY.decode(json.dumps(envelope))
    assert "ladder.role.updated.v9" in raised.value.reason
    assert "ladder.role.updated.v1" in raised.value.reason
    assert raised.value.kind == "unknown-type"


def test_missing_type_names_the_field():
    envelope = _envelope(RoleUpdatedV1)
    del envelope["type"]
    with pytest.raises(InvalidEvent) as raised:
        REGISTRY.decode(json.dumps(envelope))
    assert raised.value.reason.startswith("type:")


def test_contract_failure_names_the_field_path():
    envelope = _envelope(ScorecardSubmittedV1)
    envelope["data"]["ratings"]["coding-python"] = 7
    with pytest.raises(InvalidEvent) as raised:
        REGISTRY.decode(json.dumps(envelope))
    assert "data.ratings.coding-python" in raised.value.reason
    assert isinstance(raised.value, ContractError)


def test_unknown_data_field_names_the_field():
    envelope = _envelope(RoleUpdatedV1)
    envelope["data"]["role"]["salary"] = 100
    with pytest.raises(InvalidEvent) as raised:
        REGISTRY.decode(json.dumps(envelope))
    assert "data.role.salary" in raised.value.reason


def test_dataschema_must_match_the_type():
    envelope = {**_envelope(RoleUpdatedV1), "dataschema": "urn:ladder:schema:ladder.role.updated.v2"}
    with pytest.raises(InvalidEvent) as raised:
        REGISTRY.decode(json.dumps(envelope))
    assert raised.value.reason.startswith("dataschema:")


def test_accept_limits_decoding_to_the_consumed_types():
    raw = json.dumps(_envelope(RoleUpdatedV1))
    assert REGISTRY.decode(raw, accept=[RoleUpdatedV1]).data == SAMPLES[RoleUpdatedV1]
    with pytest.raises(UnknownEventType, match="not consumed here"):
        REGISTRY.decode(raw, accept=[ScorecardSubmittedV1])


def test_topics_group_event_types():
    topics = REGISTRY.topics()
    assert [m.event_type for m in topics["ladder.evidence"]] == [
        "ladder.evidence.captured",
        "ladder.evidence.corrected",
        "ladder.evidence.retracted",
    ]
    assert {m.topic for m in REGISTRY} == set(topics)
