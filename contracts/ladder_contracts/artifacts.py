"""The generated, committed files of the contracts package and the check that keeps them honest.

Generated: one envelope JSON Schema per event version in ``ladder_contracts/schemas/``
and ``contracts/asyncapi.json``. The committed schemas are the published promise:
``check`` compares the current models against them and fails on a breaking change,
on a withdrawn version, and on files that are merely out of date.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ladder_contracts.asyncapi import build_asyncapi
from ladder_contracts.compat import breaking_changes
from ladder_contracts.envelope import EventData
from ladder_contracts.schema import envelope_schema, render_json, schema_file_name

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Layout:
    """Where the generated files live."""

    schemas_dir: Path
    asyncapi_path: Path

    @classmethod
    def default(cls) -> Layout:
        return cls(schemas_dir=PACKAGE_DIR / "schemas", asyncapi_path=PACKAGE_DIR.parent / "asyncapi.json")

    def schema_base(self) -> str:
        """The schemas folder as the AsyncAPI document references it (relative, POSIX)."""
        relative = Path(os.path.relpath(self.schemas_dir, self.asyncapi_path.parent)).as_posix()
        return f"./{relative}/"


class ProblemKind(StrEnum):
    BREAKING = "breaking"
    """A model changed incompatibly with its committed schema."""
    WITHDRAWN = "withdrawn"
    """A committed schema has no model any more."""
    STALE = "stale"
    """A generated file differs from what the models generate; harmless, regenerate it."""


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    file: str
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.file}: {self.message}"


class IncompatibleChange(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def render_all(models: Iterable[type[EventData]], layout: Layout) -> dict[Path, str]:
    """The exact text every generated file should have."""
    models = list(models)
    files = {layout.schemas_dir / schema_file_name(model): render_json(envelope_schema(model)) for model in models}
    files[layout.asyncapi_path] = _asyncapi_text(models, layout)
    return files


def _asyncapi_text(models: list[type[EventData]], layout: Layout) -> str:
    return render_json(build_asyncapi(models, schema_base=layout.schema_base()))


def check(models: Iterable[type[EventData]], layout: Layout) -> list[Problem]:
    models = list(models)
    problems: list[Problem] = []
    expected_schema_files: set[str] = set()
    for model in models:
        path = layout.schemas_dir / schema_file_name(model)
        expected_schema_files.add(path.name)
        problems.extend(_check_schema(model, path))
    if layout.schemas_dir.is_dir():
        for committed in sorted(layout.schemas_dir.glob("*.json")):
            if committed.name not in expected_schema_files:
                problems.append(
                    Problem(
                        ProblemKind.WITHDRAWN,
                        committed.name,
                        "committed schema has no model any more; a published version cannot be withdrawn",
                    )
                )
    if _read(layout.asyncapi_path) != _asyncapi_text(models, layout):
        problems.append(Problem(ProblemKind.STALE, layout.asyncapi_path.name, "out of date with the models"))
    return problems


def _check_schema(model: type[EventData], path: Path) -> list[Problem]:
    text = _read(path)
    if text is None:
        return [Problem(ProblemKind.STALE, path.name, f"no committed schema for {model.__name__} yet")]
    current = envelope_schema(model)
    try:
        committed = json.loads(text)
    except json.JSONDecodeError as exc:
        return [Problem(ProblemKind.STALE, path.name, f"committed file is not valid JSON ({exc})")]
    breaking = breaking_changes(committed, current)
    if breaking:
        return [Problem(ProblemKind.BREAKING, path.name, str(change)) for change in breaking]
    if text != render_json(current):
        return [Problem(ProblemKind.STALE, path.name, "out of date with the model (compatible change)")]
    return []


def generate(models: Iterable[type[EventData]], layout: Layout, *, allow_breaking: bool = False) -> list[Path]:
    """Write every generated file that changed; returns the paths written.

    Refuses (:class:`IncompatibleChange`) to overwrite a committed schema with an
    incompatible one or to delete a withdrawn one, unless ``allow_breaking``: a
    breaking change belongs in a new version (a new ``...V2`` model) instead.
    """
    models = list(models)
    blocking = [p for p in check(models, layout) if p.kind is not ProblemKind.STALE]
    if blocking and not allow_breaking:
        raise IncompatibleChange(blocking)
    layout.schemas_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in render_all(models, layout).items():
        if _read(path) != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    for problem in blocking:
        if problem.kind is ProblemKind.WITHDRAWN:
            (layout.schemas_dir / problem.file).unlink()
    return written


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
