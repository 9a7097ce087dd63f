"""The committed JSON Schemas and AsyncAPI document: up to date, deterministic, and valid for real events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from contract_samples import AT, samples
from ladder_contracts import REGISTRY, CloudEvent
from ladder_contracts.artifacts import Layout, ProblemKind, check, generate, render_all
from ladder_contracts.asyncapi import build_asyncapi
from ladder_contracts.cli import main
from ladder_contracts.events import RoleUpdatedV1
from ladder_contracts.schema import envelope_schema, render_json, schema_file_name

MODELS = list(REGISTRY)
LAYOUT = Layout.default()
SAMPLES = samples()


def _committed(model) -> dict:
    return json.loads((LAYOUT.schemas_dir / schema_file_name(model)).read_text(encoding="utf-8"))


def test_committed_files_match_the_models():
    """Fails when a model changed without `ladder-contracts generate` (or incompatibly)."""
    assert check(REGISTRY, LAYOUT) == []


def test_check_command_passes(capsys):
    assert main(["check"]) == 0
    assert "match their committed schemas" in capsys.readouterr().out


def test_generation_is_deterministic():
    first, second = render_all(REGISTRY, LAYOUT), render_all(REGISTRY, LAYOUT)
    assert first == second
    text = first[LAYOUT.schemas_dir / schema_file_name(RoleUpdatedV1)]
    assert text == render_json(json.loads(text))  # keys sorted, one canonical layout


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_schema_identifies_its_event_version(model):
    schema = _committed(model)
    assert schema["$id"] == model.schema_uri()
    assert schema["properties"]["type"]["const"] == model.ce_type()
    assert schema["properties"]["dataschema"]["const"] == model.schema_uri()
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_sample_envelope_validates_against_its_committed_schema(model):
    envelope = json.loads(CloudEvent.wrap(SAMPLES[model], source="/ladder/tests", time=AT).to_json())
    Draft202012Validator(_committed(model)).validate(envelope)


def test_schema_rejects_what_the_model_rejects():
    validator = Draft202012Validator(_committed(RoleUpdatedV1))
    envelope = json.loads(CloudEvent.wrap(SAMPLES[RoleUpdatedV1], source="/ladder/roles").to_json())
    envelope["data"]["role"]["competencies"][0]["importance"] = "Nice to have"
    envelope["data"]["unexpected"] = True
    envelope["type"] = "ladder.role.updated.v2"
    failing = {"/".join(map(str, error.absolute_path)) for error in validator.iter_errors(envelope)}
    assert failing == {"data/role/competencies/0/importance", "data", "type"}


def test_asyncapi_describes_every_topic():
    document = json.loads(LAYOUT.asyncapi_path.read_text(encoding="utf-8"))
    assert document == build_asyncapi(REGISTRY, schema_base=LAYOUT.schema_base())
    assert document["asyncapi"] == "3.0.0"
    assert {channel["address"] for channel in document["channels"].values()} == set(REGISTRY.topics())
    assert {server["host"] for server in document["servers"].values()} >= {"localhost:9092"}

    actions = {op["channel"]["$ref"].rsplit("/", 1)[1]: op["action"] for op in document["operations"].values()}
    assert actions["ladder_role-updated"] == "send"
    assert actions["hr_hires"] == "receive"

    for model in MODELS:
        message = document["components"]["messages"][model.__name__]
        assert message["name"] == model.ce_type()
        assert message["contentType"] == "application/cloudevents+json"
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        payload = LAYOUT.asyncapi_path.parent / message["payload"]["$ref"]
        assert json.loads(payload.read_text(encoding="utf-8"))["$id"] == model.schema_uri()


# --- generate and check on a copy of the committed files ------------------------------


def _copy_layout(tmp_path: Path) -> Layout:
    layout = Layout(schemas_dir=tmp_path / "ladder_contracts" / "schemas", asyncapi_path=tmp_path / "asyncapi.json")
    layout.schemas_dir.mkdir(parents=True)
    for source in LAYOUT.schemas_dir.glob("*.json"):
        (layout.schemas_dir / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    layout.asyncapi_path.write_text(LAYOUT.asyncapi_path.read_text(encoding="utf-8"), encoding="utf-8")
    return layout


def test_check_reports_stale_files(tmp_path, capsys):
    layout = _copy_layout(tmp_path)
    schema_path = layout.schemas_dir / schema_file_name(RoleUpdatedV1)
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["description"] = "An older wording"
    schema_path.write_text(render_json(schema), encoding="utf-8")

    problems = check(REGISTRY, layout)
    assert [(p.kind, p.file) for p in problems] == [(ProblemKind.STALE, schema_path.name)]
    assert main(["--schemas-dir", str(layout.schemas_dir), "--asyncapi", str(layout.asyncapi_path), "check"]) == 1
    assert "ladder-contracts generate" in capsys.readouterr().err

    assert generate(REGISTRY, layout) == [schema_path]
    assert check(REGISTRY, layout) == []


def test_check_reports_a_withdrawn_version(tmp_path):
    layout = _copy_layout(tmp_path)
    (layout.schemas_dir / "ladder.role.updated.v0.json").write_text("{}", encoding="utf-8")
    problems = check(REGISTRY, layout)
    assert [(p.kind, p.file) for p in problems] == [(ProblemKind.WITHDRAWN, "ladder.role.updated.v0.json")]


def test_check_reports_a_missing_schema(tmp_path):
    layout = _copy_layout(tmp_path)
    (layout.schemas_dir / schema_file_name(RoleUpdatedV1)).unlink()
    assert [p.kind for p in check(REGISTRY, layout)] == [ProblemKind.STALE]


def test_generate_refuses_to_overwrite_with_a_breaking_change(tmp_path, capsys):
    """The committed schema allowed a field the model no longer has: the model broke the contract."""
    layout = _copy_layout(tmp_path)
    schema_path = layout.schemas_dir / schema_file_name(RoleUpdatedV1)
    committed = json.loads(schema_path.read_text(encoding="utf-8"))
    committed["$defs"]["RoleUpdatedV1"]["properties"]["reason"] = {"type": "string"}
    schema_path.write_text(render_json(committed), encoding="utf-8")
    args = ["--schemas-dir", str(layout.schemas_dir), "--asyncapi", str(layout.asyncapi_path)]

    assert main([*args, "check"]) == 1
    assert "$.data.reason: field removed" in capsys.readouterr().err
    assert main([*args, "generate"]) == 1
    assert json.loads(schema_path.read_text(encoding="utf-8")) == committed
    assert main([*args, "generate", "--allow-breaking"]) == 0
    assert json.loads(schema_path.read_text(encoding="utf-8")) == envelope_schema(RoleUpdatedV1)
