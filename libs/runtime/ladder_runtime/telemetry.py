"""OpenTelemetry for Ladder services: tracer provider, W3C trace context, local trace files.

Traces go to an OTLP/HTTP collector when one is configured. Otherwise every
service appends its finished spans to one shared JSON Lines file, and
:func:`render_trace_tree` prints a journey across services from it.

Each line of that file is one finished span::

    {"trace_id": "<32 hex>", "span_id": "<16 hex>", "parent_span_id": "<16 hex>" | null,
     "name": str, "kind": "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER" | "INTERNAL",
     "service": str, "start_ns": int, "end_ns": int,
     "status": {"code": "UNSET" | "OK" | "ERROR", "description": str | null},
     "attributes": {...}, "events": [{"name": str, "time_ns": int, "attributes": {...}}]}
"""

from __future__ import annotations

import fcntl
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from ladder_contracts import TraceContext
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

logger = logging.getLogger(__name__)

OTLP_TRACES_PATH = "v1/traces"
SPAN_EXPORT_DELAY_MS = 200
"""Short batching delay: spans reach the file or collector soon enough for tests and the CLI."""

_W3C_TRACE_CONTEXT = TraceContextTextMapPropagator()  # stateless; the W3C header codec


def setup_tracing(
    service_name: str,
    *,
    otlp_endpoint: str | None,
    trace_file: Path | None,
    set_global: bool = True,
) -> TracerProvider:
    """Build the service's tracer provider, exporting to OTLP if configured, else to ``trace_file``.

    Call ``provider.shutdown()`` when the service stops: it exports spans still
    batched, then closes the exporter (``provider.force_flush()`` exports without closing).
    """
    if otlp_endpoint:
        exporter: SpanExporter = OTLPSpanExporter(endpoint=otlp_traces_endpoint(otlp_endpoint))
    elif trace_file is not None:
        exporter = JsonLinesSpanExporter(trace_file)
    else:
        raise ValueError("tracing needs an OTLP endpoint or a trace file to export spans to")

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=SPAN_EXPORT_DELAY_MS))
    if set_global:
        trace.set_tracer_provider(provider)
    return provider


def otlp_traces_endpoint(base_endpoint: str) -> str:
    """The traces URL for a base ``OTEL_EXPORTER_OTLP_ENDPOINT``, as the OTel spec derives it.

    The exporter's ``endpoint=`` argument is the full signal URL, so the signal
    path is appended here, relative to any path the base already has.
    """
    return f"{base_endpoint.rstrip('/')}/{OTLP_TRACES_PATH}"


class JsonLinesSpanExporter(SpanExporter):
    """Appends finished spans to a JSON Lines file that several processes share.

    Each batch is written under an exclusive ``flock`` so lines from concurrent
    services never interleave; readers take a shared lock (see :func:`read_spans`).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        batch = "".join(json.dumps(_span_record(span), separators=(",", ":"), default=_json_default) + "\n" for span in spans)
        try:
            with self.path.open("a", encoding="utf-8") as file:
                fcntl.flock(file, fcntl.LOCK_EX)
                try:
                    file.write(batch)
                    file.flush()
                finally:
                    fcntl.flock(file, fcntl.LOCK_UN)
        except OSError:
            logger.exception("could not append %d spans to %s", len(spans), self.path)
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Nothing to release: the file is opened per batch."""

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True  # every export is flushed before it returns


def _json_default(value: object) -> object:
    # Instrumentations may record bytes (e.g. Kafka message keys) and tuples of them.
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _span_record(span: ReadableSpan) -> dict[str, Any]:
    context = span.get_span_context()
    return {
        "trace_id": trace.format_trace_id(context.trace_id),
        "span_id": trace.format_span_id(context.span_id),
        "parent_span_id": trace.format_span_id(span.parent.span_id) if span.parent else None,
        "name": span.name,
        "kind": span.kind.name,
        "service": span.resource.attributes.get(SERVICE_NAME, "unknown"),
        "start_ns": span.start_time,
        "end_ns": span.end_time,
        "status": {"code": span.status.status_code.name, "description": span.status.description},
        "attributes": dict(span.attributes or {}),
        "events": [
            {"name": event.name, "time_ns": event.timestamp, "attributes": dict(event.attributes or {})}
            for event in span.events
        ],
    }


# --- W3C trace context, as carried in event envelopes and outbox rows ---


def current_trace_context() -> TraceContext:
    """The current span as W3C ``traceparent``/``tracestate``; both None when no span is active."""
    carrier: dict[str, str] = {}
    _W3C_TRACE_CONTEXT.inject(carrier)
    return TraceContext(traceparent=carrier.get("traceparent"), tracestate=carrier.get("tracestate"))


def context_from_trace(trace_context: TraceContext | None) -> Context:
    """A context whose (remote) parent span is ``trace_context``; empty when there is none.

    Starts from an empty context, never the caller's, so a relay or consumer
    continues the stored trace and not whatever happens to be current.
    """
    if trace_context is None or trace_context.traceparent is None:
        return Context()
    carrier = {"traceparent": trace_context.traceparent}
    if trace_context.tracestate:
        carrier["tracestate"] = trace_context.tracestate
    return _W3C_TRACE_CONTEXT.extract(carrier, context=Context())


# --- Reading the local trace file ---


class TraceSummary(NamedTuple):
    trace_id: str
    root_name: str
    services: tuple[str, ...]
    """Services in the order they joined the trace."""
    span_count: int
    started_at: datetime


def read_spans(trace_file: Path) -> list[dict[str, Any]]:
    """Every span recorded in ``trace_file`` (none if it does not exist yet)."""
    try:
        file = trace_file.open(encoding="utf-8")
    except FileNotFoundError:
        return []
    with file:
        fcntl.flock(file, fcntl.LOCK_SH)  # never read half of a batch being appended
        try:
            lines = file.readlines()
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
    return [json.loads(line) for line in lines if line.strip()]


def list_traces(spans: list[dict[str, Any]]) -> list[TraceSummary]:
    """One summary per trace, newest first."""
    # Filled in start order, so traces are keyed oldest first and each one's spans are in order.
    by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for span in sorted(spans, key=_start):
        by_trace[span["trace_id"]].append(span)

    return [
        TraceSummary(
            trace_id=trace_id,
            root_name=_roots(trace_spans)[0]["name"],
            services=tuple(dict.fromkeys(span["service"] for span in trace_spans)),
            span_count=len(trace_spans),
            started_at=datetime.fromtimestamp(trace_spans[0]["start_ns"] / 1e9, UTC),
        )
        for trace_id, trace_spans in reversed(by_trace.items())
    ]


def render_trace_tree(spans: list[dict[str, Any]], trace_id: str) -> str:
    """One trace as an indented tree, children in start order, e.g.::

        roles  POST /v1/roles  SERVER  12.3 ms
        ├─ roles  outbox relay  INTERNAL  1.1 ms
        └─ assessment  ladder.role.updated process  CONSUMER  4.0 ms

    Spans whose parent is not in the file (not exported yet, or from a service
    that exports elsewhere) are shown as further roots.
    """
    trace_spans = sorted((span for span in spans if span["trace_id"] == trace_id), key=_start)
    if not trace_spans:
        raise LookupError(f"no spans recorded for trace {trace_id}")

    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for span in trace_spans:
        if span["parent_span_id"] is not None:
            children[span["parent_span_id"]].append(span)

    lines: list[str] = []

    def add_subtree(span: dict[str, Any], branch: str, indent: str) -> None:
        lines.append(branch + _describe(span))
        kids = children[span["span_id"]]
        for position, kid in enumerate(kids, start=1):
            last = position == len(kids)
            add_subtree(kid, indent + ("└─ " if last else "├─ "), indent + ("   " if last else "│  "))

    for root in _roots(trace_spans):
        add_subtree(root, "", "")
    return "\n".join(lines)


def _roots(trace_spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spans of one trace (in start order) whose parent is absent: true roots and orphans."""
    span_ids = {span["span_id"] for span in trace_spans}
    return [span for span in trace_spans if span["parent_span_id"] not in span_ids]


def _describe(span: dict[str, Any]) -> str:
    duration_ms = (span["end_ns"] - span["start_ns"]) / 1e6
    line = f"{span['service']}  {span['name']}  {span['kind']}  {duration_ms:.1f} ms"
    if span["status"]["code"] == "ERROR":
        line += f"  ERROR {span['status']['description'] or ''}".rstrip()
    return line


def _start(span: dict[str, Any]) -> int:
    return span["start_ns"]
