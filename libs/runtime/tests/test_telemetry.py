import json
import multiprocessing
import re
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode

from ladder_contracts import TraceContext
from ladder_runtime.telemetry import (
    context_from_trace,
    current_trace_context,
    list_traces,
    otlp_traces_endpoint,
    read_spans,
    render_trace_tree,
    setup_tracing,
)

PARENT = TraceContext(
    traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    tracestate="vendor=opaque",
)


def without_durations(tree: str) -> str:
    return re.sub(r"\d+\.\d ms", "<ms>", tree)


def test_one_trace_spans_two_services_sharing_one_file(tmp_path: Path) -> None:
    trace_file = tmp_path / "traces.jsonl"
    roles = setup_tracing("roles", otlp_endpoint=None, trace_file=trace_file, set_global=False)
    assessment = setup_tracing("assessment", otlp_endpoint=None, trace_file=trace_file, set_global=False)

    roles_tracer = roles.get_tracer("test")
    with roles_tracer.start_as_current_span("POST /v1/roles", kind=SpanKind.SERVER):
        with roles_tracer.start_as_current_span("write outbox"):
            stored = current_trace_context()  # what the outbox row keeps

    assessment_tracer = assessment.get_tracer("test")
    with assessment_tracer.start_as_current_span(
        "ladder.role.updated process", context=context_from_trace(stored), kind=SpanKind.CONSUMER
    ):
        with assessment_tracer.start_as_current_span("apply RoleUpdated") as failing:
            failing.set_status(Status(StatusCode.ERROR, "boom"))

    roles.shutdown()
    assessment.shutdown()

    spans = read_spans(trace_file)
    assert len(spans) == 4
    trace_id = stored.traceparent.split("-")[1]
    assert {span["trace_id"] for span in spans} == {trace_id}

    assert without_durations(render_trace_tree(spans, trace_id)).splitlines() == [
        "roles  POST /v1/roles  SERVER  <ms>",
        "└─ roles  write outbox  INTERNAL  <ms>",
        "   └─ assessment  ladder.role.updated process  CONSUMER  <ms>",
        "      └─ assessment  apply RoleUpdated  INTERNAL  <ms>  ERROR boom",
    ]

    [summary] = list_traces(spans)
    assert (summary.trace_id, summary.root_name, summary.services, summary.span_count) == (
        trace_id,
        "POST /v1/roles",
        ("roles", "assessment"),
        4,
    )


def test_span_lines_carry_ids_parents_and_details(tmp_path: Path) -> None:
    trace_file = tmp_path / "traces.jsonl"
    provider = setup_tracing("roles", otlp_endpoint=None, trace_file=trace_file, set_global=False)
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("import", context=context_from_trace(PARENT)) as span:
        span.set_attribute("ladder.role_id", "ml-specialist")
        span.add_event("parsed", {"sections": 7})
    provider.shutdown()

    [line] = read_spans(trace_file)
    assert re.fullmatch(r"[0-9a-f]{32}", line["trace_id"])
    assert re.fullmatch(r"[0-9a-f]{16}", line["span_id"])
    assert line["parent_span_id"] == "b7ad6b7169203331"
    assert line["service"] == "roles"
    assert line["kind"] == "INTERNAL"
    assert line["status"] == {"code": "UNSET", "description": None}
    assert line["attributes"] == {"ladder.role_id": "ml-specialist"}
    assert [(event["name"], event["attributes"]) for event in line["events"]] == [("parsed", {"sections": 7})]
    assert line["start_ns"] <= line["end_ns"]


def test_tree_shows_siblings_in_start_order_and_orphans_as_roots() -> None:
    def span(span_id: str, parent: str | None, name: str, start: int) -> dict:
        return {
            "trace_id": "t1", "span_id": span_id, "parent_span_id": parent, "name": name, "kind": "INTERNAL",
            "service": "svc", "start_ns": start, "end_ns": start + 2_500_000, "status": {"code": "UNSET"},
        }  # fmt: skip

    spans = [
        span("c", "a", "second child", 30),
        span("b", "a", "first child", 20),
        span("d", "b", "grandchild", 25),
        span("a", None, "root", 10),
        span("e", "not-exported", "orphan", 40),
    ]
    assert render_trace_tree(spans, "t1").splitlines() == [
        "svc  root  INTERNAL  2.5 ms",
        "├─ svc  first child  INTERNAL  2.5 ms",
        "│  └─ svc  grandchild  INTERNAL  2.5 ms",
        "└─ svc  second child  INTERNAL  2.5 ms",
        "svc  orphan  INTERNAL  2.5 ms",
    ]
    with pytest.raises(LookupError):
        render_trace_tree(spans, "t2")


def test_traces_are_listed_newest_first() -> None:
    def root(trace_id: str, start: int) -> dict:
        return {"trace_id": trace_id, "span_id": "s", "parent_span_id": None, "name": f"root {trace_id}",
                "service": "svc", "start_ns": start}  # fmt: skip

    assert [summary.trace_id for summary in list_traces([root("old", 1), root("new", 2)])] == ["new", "old"]


def test_trace_context_round_trips() -> None:
    tracer = trace.NoOpTracerProvider().get_tracer("test")  # propagation needs no SDK
    with tracer.start_as_current_span("consume", context=context_from_trace(PARENT)):
        assert current_trace_context() == PARENT

    restored = trace.get_current_span(context_from_trace(PARENT)).get_span_context()
    assert (trace.format_trace_id(restored.trace_id), trace.format_span_id(restored.span_id)) == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
    )
    assert restored.is_remote


def test_no_span_means_no_trace_context() -> None:
    assert current_trace_context() == TraceContext(traceparent=None, tracestate=None)
    assert context_from_trace(None) == Context()
    assert context_from_trace(TraceContext()) == Context()
    assert context_from_trace(TraceContext(traceparent="garbage")) == Context()


@pytest.mark.parametrize(
    ("base", "traces_url"),
    [
        ("http://collector:4318", "http://collector:4318/v1/traces"),
        ("http://collector:4318/", "http://collector:4318/v1/traces"),
        ("https://gw.example/otlp", "https://gw.example/otlp/v1/traces"),
    ],
)
def test_otlp_endpoint_gets_the_signal_path(base: str, traces_url: str) -> None:
    assert otlp_traces_endpoint(base) == traces_url


def test_tracing_needs_somewhere_to_export() -> None:
    with pytest.raises(ValueError, match="OTLP endpoint or a trace file"):
        setup_tracing("roles", otlp_endpoint=None, trace_file=None, set_global=False)


SPANS_PER_WRITER = 200


def write_spans(service: str, trace_file: Path) -> None:
    provider = setup_tracing(service, otlp_endpoint=None, trace_file=trace_file, set_global=False)
    tracer = provider.get_tracer("test")
    for index in range(SPANS_PER_WRITER):
        with tracer.start_as_current_span(f"span {index}") as span:
            span.set_attribute("padding", "x" * 1000)  # batches far beyond one atomic pipe write
    provider.shutdown()


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    trace_file = tmp_path / "traces.jsonl"
    services = ["roles", "assessment", "evidence", "progression"]
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=write_spans, args=(service, trace_file)) for service in services]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
        assert writer.exitcode == 0

    lines = trace_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == SPANS_PER_WRITER * len(services)
    records = [json.loads(line) for line in lines]  # a torn line would fail to parse
    assert sorted({record["service"] for record in records}) == sorted(services)
