"""``ladder``: run the embedded stack, mint tokens, read traces."""

from __future__ import annotations

from pathlib import Path

import typer

from ladder_runtime import stack
from ladder_runtime.auth import ALL_SCOPES, TokenIssuer
from ladder_runtime.telemetry import list_traces, read_spans, render_trace_tree

app = typer.Typer(help="Ladder on one machine", no_args_is_help=True, add_completion=False)
traces = typer.Typer(help="Read traces written by the embedded stack", no_args_is_help=True)
app.add_typer(traces, name="traces")

DATA_DIR = typer.Option(Path("data"), "--data-dir", envvar="LADDER_DATA_DIR", help="Where stores, traces and the signing key live")


@app.command()
def up(
    data_dir: Path = DATA_DIR,
    seeds: Path = typer.Option(Path("../shared/seeds"), help="Folder of role blueprints handed to the roles service"),
    kafka_port: int = typer.Option(9092, help="Port of the embedded Kafka broker"),
) -> None:
    """Start broker and all four services; stay up until Ctrl-C."""
    raise typer.Exit(stack.run(data_dir, seeds if seeds.exists() else None, kafka_port))


@app.command()
def token(
    subject: str = typer.Option("dev", help="Who the token speaks for (an opaque id)"),
    scope: list[str] = typer.Option(None, help="Scopes to grant (repeat); default: all"),
    data_dir: Path = DATA_DIR,
) -> None:
    """Mint a bearer token signed with the embedded stack's key."""
    issuer = TokenIssuer(stack.auth_secret(data_dir))
    typer.echo(issuer.issue(subject, scope or ALL_SCOPES))


@traces.command("list")
def traces_list(data_dir: Path = DATA_DIR, limit: int = 20) -> None:
    """Most recent traces, newest first."""
    for summary in list_traces(read_spans(data_dir / "traces.jsonl"))[:limit]:
        typer.echo(f"{summary.trace_id}  {summary.span_count:>3} spans  {', '.join(summary.services):<40} {summary.root_name}")


@traces.command("show")
def traces_show(trace_id: str, data_dir: Path = DATA_DIR) -> None:
    """One trace as a tree of spans across services."""
    typer.echo(render_trace_tree(read_spans(data_dir / "traces.jsonl"), trace_id))
