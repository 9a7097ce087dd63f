"""The compatibility check, on modified copies of committed schemas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ladder_contracts.artifacts import Layout
from ladder_contracts.compat import breaking_changes
from ladder_contracts.events import AssessmentCompletedV1, EvidenceCapturedV1, PersonErasedV1, RoleUpdatedV1
from ladder_contracts.inputs import EmployeeHiredV1, ScorecardSubmittedV1
from ladder_contracts.schema import schema_file_name


class SchemaCopy:
    """A committed schema copied into a temporary folder, edited as JSON, and compared with the original."""

    def __init__(self, tmp_path: Path, model) -> None:
        source = Layout.default().schemas_dir / schema_file_name(model)
        self.path = Path(shutil.copy(source, tmp_path / source.name))
        self.committed = json.loads(source.read_text(encoding="utf-8"))
        self.edited = json.loads(self.path.read_text(encoding="utf-8"))

    def definition(self, name: str) -> dict:
        return self.edited["$defs"][name]

    def changes(self) -> list[str]:
        self.path.write_text(json.dumps(self.edited), encoding="utf-8")
        return [str(change) for change in breaking_changes(self.committed, json.loads(self.path.read_text()))]


def test_an_unchanged_copy_is_compatible(tmp_path):
    assert SchemaCopy(tmp_path, RoleUpdatedV1).changes() == []


def test_removed_field_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, RoleUpdatedV1)
    del copy.definition("Competency")["properties"]["expected_level"]
    assert copy.changes() == ["$.data.role.competencies[*].expected_level: field removed"]


def test_renamed_field_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, EvidenceCapturedV1)
    data = copy.definition("EvidenceCapturedV1")
    data["properties"]["recorded_at"] = data["properties"].pop("captured_at")
    data["required"] = [name if name != "captured_at" else "recorded_at" for name in data["required"]]
    assert copy.changes() == [
        "$.data.captured_at: field renamed to 'recorded_at'",
        "$.data.recorded_at: new required field",
    ]


def test_number_narrowed_to_integer_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, AssessmentCompletedV1)
    copy.definition("DimensionAggregate")["properties"]["mean"]["type"] = "integer"
    assert copy.changes() == [
        "$.data.outcome.dimensions[*].mean: type narrowed from number to integer",
    ]


def test_new_required_field_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, PersonErasedV1)
    data = copy.definition("PersonErasedV1")
    data["properties"]["region"] = {"type": "string"}
    data["required"].append("region")
    assert copy.changes() == ["$.data.region: new required field"]


def test_optional_field_turned_required_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, EmployeeHiredV1)
    copy.definition("EmployeeHiredV1")["required"].append("manager_id")
    assert copy.changes() == ["$.data.manager_id: optional field turned required"]


def test_enum_value_removed_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, ScorecardSubmittedV1)
    copy.definition("Recommendation")["enum"].remove("strong_yes")
    assert copy.changes() == ["$.data.recommendation: enum values removed: strong_yes"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda props: props["notes"]["anyOf"].pop(), "$.data.notes: no longer accepts null (no longer nullable)"),
        (
            lambda props: props["notes"]["anyOf"][0].update(maxLength=100),
            "$.data.notes: maxLength lowered from 4000 to 100",
        ),
        (lambda props: props["loop_id"].update(maxLength=64), "$.data.loop_id: maxLength lowered from 128 to 64"),
        (lambda props: props["ratings"].update(minProperties=2), "$.data.ratings: minProperties raised from 1 to 2"),
        (
            lambda props: next(iter(props["ratings"]["patternProperties"].values())).update(minimum=2),
            "$.data.ratings.*: minimum raised from >= 1 to >= 2",
        ),
    ],
    ids=["nullable-removed", "max-length-on-nullable", "max-length", "min-properties", "minimum-raised"],
)
def test_narrowed_constraints_are_breaking(tmp_path, edit, expected):
    copy = SchemaCopy(tmp_path, ScorecardSubmittedV1)
    edit(copy.definition("ScorecardSubmittedV1")["properties"])
    assert copy.changes() == [expected]


def test_unconstrained_string_turned_constrained_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, RoleUpdatedV1)
    copy.definition("RoleSource")["properties"]["file_name"]["pattern"] = r"^\d{3}_"
    assert copy.changes() == ["$.data.role.source.file_name: pattern changed from 'none' to '^\\\\d{3}_'"]


def test_discriminated_variant_removed_is_breaking(tmp_path):
    copy = SchemaCopy(tmp_path, AssessmentCompletedV1)
    outcome = copy.definition("AssessmentCompletedV1")["properties"]["outcome"]
    outcome["oneOf"] = [variant for variant in outcome["oneOf"] if "Competency" not in variant["$ref"]]
    assert copy.changes() == [
        "$.data.outcome: no longer accepts the 'CompetencyAssessmentOutcome' alternative",
    ]


def test_added_optional_field_is_compatible(tmp_path):
    copy = SchemaCopy(tmp_path, RoleUpdatedV1)
    copy.definition("Kpi")["properties"]["unit"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    assert copy.changes() == []


def test_widening_is_compatible(tmp_path):
    copy = SchemaCopy(tmp_path, AssessmentCompletedV1)
    copy.definition("HiringSignal")["enum"].append("strong_hire")
    copy.definition("RecommendationTally")["properties"]["yes"] = {"type": "number", "minimum": 0}
    copy.definition("DimensionAggregate")["properties"]["spread"].pop("maximum")
    copy.definition("DecisionSignal")["properties"]["rule"]["maxLength"] = 2000
    copy.definition("AssessmentCompletedV1")["properties"]["completed_at"]["description"] = "reworded"
    assert copy.changes() == []


def test_nullable_added_is_compatible(tmp_path):
    copy = SchemaCopy(tmp_path, EmployeeHiredV1)
    hired_at = copy.definition("EmployeeHiredV1")["properties"]["hired_at"]
    copy.definition("EmployeeHiredV1")["properties"]["hired_at"] = {"anyOf": [hired_at, {"type": "null"}]}
    assert copy.changes() == []


def test_recursive_schemas_are_compared_once_per_reference():
    def tree(label_type: str) -> dict:
        return {
            "$ref": "#/$defs/Node",
            "$defs": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "label": {"type": label_type},
                        "children": {"type": "array", "items": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}},
                    },
                }
            },
        }

    assert breaking_changes(tree("number"), tree("number")) == []
    assert [str(c) for c in breaking_changes(tree("number"), tree("integer"))] == [
        "$.label: type narrowed from number to integer"
    ]
