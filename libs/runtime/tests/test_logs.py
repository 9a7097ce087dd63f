"""Logs are JSON lines that carry the trace and span of the code that wrote them."""

from __future__ import annotations

import json
import logging

import pytest

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from ladder_runtime.logs import configure_logging


@pytest.fixture(autouse=True)
def restore_root_logger():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_service_trace_and_span_ids(capsys):
    configure_logging("roles", json_lines=True)
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        logging.getLogger("ladder.test").warning("imported %s", "004")
        context = span.get_span_context()
    logging.getLogger("ladder.test").info("outside any span")

    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first | {"time": None} == {
        "time": None,
        "level": "WARNING",
        "logger": "ladder.test",
        "message": "imported 004",
        "service": "roles",
        "trace_id": trace.format_trace_id(context.trace_id),
        "span_id": trace.format_span_id(context.span_id),
    }
    assert second["trace_id"] is None and second["span_id"] is None
