"""``ladder-contracts``: generate the committed schema files, or check them against the models."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ladder_contracts.artifacts import IncompatibleChange, Layout, ProblemKind, check, generate
from ladder_contracts.catalog import REGISTRY

_ADVICE = {
    ProblemKind.BREAKING: "A published version must stay compatible: add a new version (e.g. a ...V2 model) "
    "instead, or run `ladder-contracts generate --allow-breaking` if that version was never released.",
    ProblemKind.WITHDRAWN: "Keep the model of every committed version.",
    ProblemKind.STALE: "Run `ladder-contracts generate` and commit the result.",
}


def _parser() -> argparse.ArgumentParser:
    default = Layout.default()
    parser = argparse.ArgumentParser(prog="ladder-contracts", description=__doc__)
    parser.add_argument("--schemas-dir", type=Path, default=default.schemas_dir, help="folder of the JSON Schemas")
    parser.add_argument("--asyncapi", type=Path, default=default.asyncapi_path, help="path of the AsyncAPI document")
    commands = parser.add_subparsers(dest="command", required=True)
    generate_cmd = commands.add_parser("generate", help="write the JSON Schemas and the AsyncAPI document")
    generate_cmd.add_argument(
        "--allow-breaking", action="store_true", help="overwrite committed schemas even with incompatible ones"
    )
    commands.add_parser("check", help="fail on breaking changes, withdrawn versions or stale files")
    return parser


def _report(problems: list) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    for kind in ProblemKind:
        if any(problem.kind is kind for problem in problems):
            print(_ADVICE[kind], file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    layout = Layout(schemas_dir=args.schemas_dir, asyncapi_path=args.asyncapi)
    if args.command == "generate":
        try:
            written = generate(REGISTRY, layout, allow_breaking=args.allow_breaking)
        except IncompatibleChange as refused:
            _report(refused.problems)
            return 1
        for path in written:
            print(f"wrote {path}")
        print(f"{len(written)} file(s) changed" if written else "everything up to date")
        return 0
    problems = check(REGISTRY, layout)
    if problems:
        _report(problems)
        return 1
    print(f"{len(list(REGISTRY))} contracts match their committed schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
