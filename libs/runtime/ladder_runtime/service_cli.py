"""The command line every service shares: ``serve`` and ``migrate``."""

from __future__ import annotations

from collections.abc import Callable

import typer
import uvicorn

from ladder_runtime.logs import configure_logging
from ladder_runtime.service import ServiceRuntime
from ladder_runtime.settings import ServiceSettings

Bootstrap = Callable[[ServiceSettings | None], ServiceRuntime]


def service_cli(name: str, bootstrap: Bootstrap) -> typer.Typer:
    cli = typer.Typer(help=f"Ladder {name} service", no_args_is_help=True, add_completion=False)

    @cli.command()
    def serve(
        migrate: bool = typer.Option(True, help="Apply database migrations before serving"),
    ) -> None:
        """Serve HTTP and consume Kafka until interrupted (settings from the environment)."""
        runtime = bootstrap(None)
        configure_logging(name, json_lines=runtime.settings.log_format == "json")
        if migrate:
            runtime.migrate()
        uvicorn.run(
            runtime.http_app(),
            host=runtime.settings.http_host,
            port=runtime.settings.http_port,
            log_level="warning",
            lifespan="on",
        )

    @cli.command("migrate")
    def migrate_command() -> None:
        """Apply database migrations (run as a Job before a rollout)."""
        bootstrap(None).migrate()
        typer.echo(f"{name}: database at head")

    return cli
