"""``ladder``: run the embedded stack, mint tokens, read traces."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path

import httpx
import typer

from ladder_runtime import stack
from ladder_runtime.auth import ALL_SCOPES, TokenIssuer
from ladder_runtime.consumer import dead_letter_topic
from ladder_runtime.journey import Journey
from ladder_runtime.dead_letter_tools import read_dead_letters, replay_dead_letters, rewind_consumer_group
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
def demo(
    data_dir: Path = DATA_DIR,
    seeds: Path = typer.Option(Path("../shared/seeds"), help="Folder of role blueprints"),
    bootstrap_servers: str = typer.Option("127.0.0.1:9092", "--bootstrap-servers", envvar="KAFKA_BOOTSTRAP_SERVERS"),
) -> None:
    """Drive the whole journey against the running system (`./run up` in another terminal)."""

    async def run() -> None:
        secret = os.environ.get("LADDER_AUTH_SECRET") or stack.auth_secret(data_dir)
        clients = {s.name: httpx.AsyncClient(base_url=s.url, timeout=30) for s in stack.SERVICES}
        try:
            result = await Journey(clients, kafka_bootstrap=bootstrap_servers, tokens=TokenIssuer(secret), seeds=seeds).run()
        finally:
            for client in clients.values():
                await client.aclose()
        typer.echo(f"\nOne trace across the services: uv run ladder traces show {result.import_trace_id}")

    asyncio.run(run())


@app.command()
def token(
    subject: str = typer.Option("dev", help="Who the token speaks for (an opaque id)"),
    scope: list[str] = typer.Option(None, help="Scopes to grant (repeat); default: all"),
    data_dir: Path = DATA_DIR,
) -> None:
    """Mint a bearer token: signed with LADDER_AUTH_SECRET when set, else the embedded stack's key."""
    secret = os.environ.get("LADDER_AUTH_SECRET") or stack.auth_secret(data_dir)
    issuer = TokenIssuer(secret)
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


dlq = typer.Typer(help="Dead letters: list, replay after a fix", no_args_is_help=True)
consumers = typer.Typer(help="Consumer groups: rewind to reprocess", no_args_is_help=True)
app.add_typer(dlq, name="dlq")
app.add_typer(consumers, name="consumers")

BOOTSTRAP = typer.Option("127.0.0.1:9092", "--bootstrap-servers", envvar="KAFKA_BOOTSTRAP_SERVERS")


@dlq.command("list")
def dlq_list(service: str, bootstrap_servers: str = BOOTSTRAP) -> None:
    """Dead letters of a service: position, original topic, kind and reason."""
    letters = asyncio.run(read_dead_letters(bootstrap_servers, service))
    if not letters:
        typer.echo(f"no dead letters on {dead_letter_topic(service)}")
    for letter in letters:
        typer.echo(
            f"{letter.position:>8}  {letter.dlq('failed-at') or '':<32}  {letter.dlq('original-topic')}"
            f"[{letter.dlq('original-partition')}]@{letter.dlq('original-offset')}  {letter.dlq('kind')}: {letter.dlq('reason')}"
        )


@dlq.command("replay")
def dlq_replay(
    service: str,
    position: list[str] = typer.Argument(..., help="partition:offset of each dead letter to replay"),
    bootstrap_servers: str = BOOTSTRAP,
    idempotent: bool = typer.Option(False, envvar="KAFKA_IDEMPOTENT_PRODUCER", help="On Apache Kafka"),
) -> None:
    """Republish chosen dead letters to their original topics (after the cause is fixed)."""
    try:
        replayed = asyncio.run(replay_dead_letters(bootstrap_servers, service, position, idempotent=idempotent))
    except (LookupError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from None
    for letter in replayed:
        typer.echo(f"replayed {letter.position} to {letter.dlq('original-topic')}")


@consumers.command("rewind")
def consumers_rewind(
    group: str = typer.Argument(..., help="Consumer group, e.g. ladder-progression"),
    topic: str = typer.Argument(...),
    to_offset: int | None = typer.Option(None, help="Offset for every partition (0 = from the start)"),
    to_time: datetime | None = typer.Option(None, help="First record at or after this time (ISO 8601)"),
    bootstrap_servers: str = BOOTSTRAP,
) -> None:
    """Rewind a stopped consumer group so its service reprocesses; the inbox keeps effects single."""
    try:
        moved = asyncio.run(rewind_consumer_group(bootstrap_servers, group, topic, offset=to_offset, at=to_time))
    except (LookupError, ValueError) as exc:
        raise typer.BadParameter(str(exc)) from None
    for partition, offset in moved.items():
        typer.echo(f"{group} {topic}[{partition}] -> {offset}")
