"""Command line of the roles service: import, list, show, diff — against its own database.

Imports go through the same handler and outbox as the HTTP API; the relay
publishes what they recorded before the command exits when Kafka is
reachable, and the running service's relay does otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ladder_runtime.service import ServiceRuntime
from ladder_runtime.settings import ServiceSettings

from ladder_roles.domain.changes import diff_roles
from ladder_roles.domain.importers import BlueprintRejected
from ladder_roles.handlers.catalog import ImportBlueprint, RoleVersionRecorded, import_blueprint_document
from ladder_roles.store import queries

console = Console()


def add_catalog_commands(cli: typer.Typer, bootstrap: Callable[[ServiceSettings | None], ServiceRuntime]) -> None:
    @cli.command("import")
    def import_command(
        path: Path = typer.Argument(..., exists=True, help="A blueprint file, or a folder of them"),
        publish_timeout: float = typer.Option(10.0, help="Seconds to wait for Kafka to publish what was imported"),
    ) -> None:
        """Import blueprint documents; prints each document's report."""
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        failures = asyncio.run(_import_files(bootstrap(None), files, publish_timeout))
        raise typer.Exit(1 if failures else 0)

    @cli.command("list")
    def list_command(
        title: str | None = typer.Option(None), competency: str | None = typer.Option(None), kpi: str | None = typer.Option(None)
    ) -> None:
        """List roles (optionally filtered)."""

        async def run(runtime: ServiceRuntime) -> None:
            async with runtime.sessions() as session:
                rows = await queries.search_roles(session, title=title, competency=competency, kpi=kpi)
            table = Table("role id", "title", "version", "updated")
            for row in rows:
                table.add_row(row["role_id"], row["title"], str(row["version"]), row["updated_at"].isoformat())
            console.print(table)

        asyncio.run(_with_store(bootstrap(None), run))

    @cli.command("show")
    def show_command(role_id: str, version: int | None = typer.Option(None, help="Default: the latest")) -> None:
        """Print one role version as JSON."""

        async def run(runtime: ServiceRuntime) -> None:
            async with runtime.sessions() as session:
                found = await queries.role_version(session, role_id, version)
            if found is None:
                raise typer.BadParameter(f"role {role_id!r} has no version {version or 'at all'}")
            typer.echo(json.dumps({"version": found[0], "role": found[1].model_dump(mode="json")}, indent=2))

        asyncio.run(_with_store(bootstrap(None), run))

    @cli.command("diff")
    def diff_command(role_id: str, from_version: int, to_version: int) -> None:
        """What changed between two versions of a role, part by part."""

        async def run(runtime: ServiceRuntime) -> None:
            async with runtime.sessions() as session:
                old = await queries.role_version(session, role_id, from_version)
                new = await queries.role_version(session, role_id, to_version)
            if old is None or new is None:
                raise typer.BadParameter(f"role {role_id!r} lacks version {from_version if old is None else to_version}")
            for change in diff_roles(old[1], new[1]):
                typer.echo(f"{change.part.value}: +{change.added} -{change.removed} ~{change.changed}")

        asyncio.run(_with_store(bootstrap(None), run))


async def _with_store(runtime: ServiceRuntime, run) -> None:
    try:
        await run(runtime)
    finally:
        await runtime.engine.dispose()


async def _import_files(runtime: ServiceRuntime, files: list[Path], publish_timeout: float) -> int:
    await asyncio.to_thread(runtime.migrate)
    failures = 0
    try:
        with Progress(console=console, transient=len(files) == 1) as progress:
            task = progress.add_task("importing", total=len(files))
            for path in files:
                try:
                    async with runtime.unit_of_work() as uow:
                        outcome = await import_blueprint_document(ImportBlueprint(path.name, path.read_bytes()), uow)
                    progress.console.print(_describe(path, outcome))
                except BlueprintRejected as rejected:
                    failures += 1
                    progress.console.print(f"[red]✗ {path.name}: {rejected}[/red]")
                progress.advance(task)
        await _publish_now(runtime, publish_timeout)
    finally:
        await runtime.stop()
    return failures


def _describe(path: Path, outcome: RoleVersionRecorded) -> str:
    verdict = f"version {outcome.version}" if outcome.changed else f"unchanged (version {outcome.version})"
    report = outcome.report
    lines = [f"[green]✓[/green] {path.name} → {outcome.role_id} {verdict}"]
    if report is not None:
        lines[0] += f" [{report.shape.value}]"
        lines.append("    " + ", ".join(f"{part.value} {n}" for part, n in report.counts.items() if n))
        if report.sections_absent:
            lines.append(f"    absent: {', '.join(report.sections_absent)}")
        if report.sections_not_modeled:
            lines.append(f"    not modeled: {', '.join(report.sections_not_modeled)}")
        lines += [f"    [yellow]warning:[/yellow] {w}" for w in report.warnings]
    return "\n".join(lines)


async def _publish_now(runtime: ServiceRuntime, timeout_s: float) -> None:
    """Best effort: the service's own relay publishes anything left if Kafka is away now."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(runtime.connect_publisher(), timeout_s)
        published = await asyncio.wait_for(runtime.relay.drain(), timeout_s)
        console.print(f"published {published} RoleUpdated event(s)")
        return
    console.print("[yellow]Kafka not reachable: the roles service's relay will publish the new versions[/yellow]")
