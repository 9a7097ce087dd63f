"""Benchmark: evidence through the progression service, on the embedded stack.

    uv run python bench/readiness.py [--people 50 --events-per-person 20 --heavy-items 10000]

Prints, and writes to bench/results/readiness-<time>.json:

* sustained EvidenceCaptured events/s through progression (consume, inbox,
  incremental readiness, outbox, commit);
* end-to-end latency p50/p95/p99 from an EvidenceCaptured publish to the
  receipt of the PromotionReadinessChanged it caused;
* handler cost per event for a person with 10 vs 10,000 evidence items;
* in the same run, raw aiokafka produce->consume on the same broker as the
  ceiling, and the ratios.

Progression runs as its own process (SQLite store) exactly as ``./run up``
starts it; the producers and the reader here are plain aiokafka.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ladder_contracts import CloudEvent
from ladder_contracts.common import SourceShape
from ladder_contracts.events.evidence import (
    EvidenceCapturedV1,
    EvidenceKind,
    EvidenceSource,
    EvidenceTargets,
    MappingStatus,
    SourceOrigin,
    Verification,
)
from ladder_contracts.events.progression import PromotionReadinessChangedV1
from ladder_contracts.events.roles import RoleChangeOrigin, RoleUpdatedV1
from ladder_contracts.inputs.hr import EmployeeHiredV1
from ladder_contracts.role import CareerPath, PromotionCriterion, Role, RoleRef, RoleSource
from ladder_runtime.broker import ensure_topics
from ladder_runtime.embedded import EmbeddedKafka, free_port

ROLE_ID = "bench-engineer"
CRITERIA = [f"criterion-{n}" for n in range(1, 6)]
SYSTEMS = ["workday", "github", "pagerduty", "grafana"]  # independent sources raise confidence
RESULTS = Path(__file__).parent / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_summary(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {
        "samples": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


# -- the ceiling: raw aiokafka on the same broker -------------------------------------------


async def raw_ceiling(bootstrap: str, messages: int, payload_bytes: int) -> dict:
    topic = f"bench.raw-{uuid.uuid4().hex[:6]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()
    sent: dict[int, float] = {}
    latencies: list[float] = []
    filler = b"x" * payload_bytes

    async def consume() -> float:
        async for record in consumer:
            latencies.append(time.perf_counter() - sent[int(record.key)])
            if len(latencies) == messages:
                return time.perf_counter()
        raise RuntimeError("consumer stopped")

    reader = asyncio.create_task(consume())
    started = time.perf_counter()
    for n in range(messages):
        sent[n] = time.perf_counter()
        await producer.send(topic, filler, key=str(n).encode())
    await producer.flush()
    finished = await asyncio.wait_for(reader, 120)
    burst = latency_summary(latencies)

    # One at a time: the latency of the path itself, without a queue in front of it.
    one_by_one: list[float] = []
    for n in range(messages, messages + 200):
        sent[n] = time.perf_counter()
        await producer.send_and_wait(topic, filler, key=str(n).encode())
        record = await consumer.getone()
        one_by_one.append(time.perf_counter() - sent[int(record.key)])
    await producer.stop()
    await consumer.stop()
    return {
        "messages": messages,
        "events_per_s": round(messages / (finished - started), 1),
        "latency_one_at_a_time": latency_summary(one_by_one),
        "latency_in_burst": burst,
    }


# -- progression as a process -----------------------------------------------------------------


class Progression:
    def __init__(self, bootstrap: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ) | {
            "LADDER_DATA_DIR": str(data_dir),
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "HTTP_PORT": str(self.port),
            "LADDER_AUTH_SECRET": secrets.token_urlsafe(48),
            "LOG_FORMAT": "text",
            "READINESS_SCORE_STEP": "0.01",  # publish often: every publish is a latency sample
            "KAFKA_SESSION_TIMEOUT_MS": "6000",
        }
        env.pop("DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ladder_progression", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                try:
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError("progression not ready")

    async def handled(self, topic: str) -> tuple[int, float]:
        """(events handled, seconds spent in handlers) on ``topic``, from its /metrics."""
        async with httpx.AsyncClient() as client:
            text = (await client.get(f"{self.url}/metrics")).text
        labels = f'service="progression",topic="{topic}"'
        count = re.search(rf"ladder_handler_seconds_count{{{labels}}} ([0-9.e+]+)", text)
        total = re.search(rf"ladder_handler_seconds_sum{{{labels}}} ([0-9.e+]+)", text)
        return (int(float(count.group(1))) if count else 0, float(total.group(1)) if total else 0.0)

    async def wait_handled(self, topic: str, count: int, timeout_s: float) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if (await self.handled(topic))[0] >= count:
                return time.perf_counter()
            await asyncio.sleep(0.05)
        raise TimeoutError(f"progression handled {(await self.handled(topic))[0]} of {count} on {topic}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# -- events ----------------------------------------------------------------------------------


def bench_role() -> Role:
    return Role(
        id=ROLE_ID,
        title="Bench Engineer",
        promotion_criteria=[PromotionCriterion(id=c, text=f"Shows {c}") for c in CRITERIA],
        career_path=CareerPath(next_roles=[RoleRef(role_id="senior-bench-engineer", title="Senior Bench Engineer")]),
        source=RoleSource(file_name="bench", shape=SourceShape.ROLE_PROFILE_TEXT, sha256="0" * 64),
    )


def envelope(data, *, source: str) -> CloudEvent:
    return CloudEvent.wrap(data, source=source)


def evidence(person: str, n: int, at: datetime) -> CloudEvent:
    return envelope(
        EvidenceCapturedV1(
            evidence_id=f"{person}-ev-{n}",
            person_id=person,
            role_id=ROLE_ID,
            role_version=1,
            kind=EvidenceKind.SHIPPED_WORK,
            source=EvidenceSource(origin=SourceOrigin.UPSTREAM, system=SYSTEMS[n % len(SYSTEMS)], reference=f"r-{n}"),
            occurred_at=at,
            supports=EvidenceTargets(promotion_criterion_ids=[CRITERIA[n % len(CRITERIA)]]),
            mapping=MappingStatus.DECLARED,
            strength=0.3 + 0.6 * ((n * 7) % 10) / 10,
            verification=Verification.MANAGER_VERIFIED,
            revision=1,
            captured_at=at,
        ),
        source="/ladder/evidence",
    )


async def send_all(producer: AIOKafkaProducer, events: list[CloudEvent], sent_at: dict[str, float] | None = None) -> None:
    for event in events:
        if sent_at is not None:
            sent_at[event.id] = time.perf_counter()
        await producer.send(type(event.data).topic, event.to_json(), key=event.subject.encode())
    await producer.flush()


# -- the run ---------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> dict:
    started_at = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as data_dir, EmbeddedKafka(port=free_port()) as broker:
        bootstrap = broker.bootstrap_servers
        ceiling = await raw_ceiling(bootstrap, args.ceiling_messages, payload_bytes=len(evidence("p", 0, started_at).to_json()))
        alone = ceiling["latency_one_at_a_time"]
        print(f"raw aiokafka ceiling: {ceiling['events_per_s']} msg/s; produce->consume one at a time "
              f"p50 {alone['p50_ms']} ms, p95 {alone['p95_ms']} ms, p99 {alone['p99_ms']} ms")

        progression = Progression(bootstrap, Path(data_dir))
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
        await producer.start()
        try:
            await progression.ready()
            people = [f"bench-person-{n}" for n in range(args.people)]
            light, heavy = "bench-light", "bench-heavy"
            hires = [
                envelope(EmployeeHiredV1(person_id=p, role_id=ROLE_ID, hired_at=started_at - timedelta(days=400), hr_system="workday"), source="/hr")
                for p in [*people, light, heavy]
            ]
            await send_all(producer, [envelope(RoleUpdatedV1(role=bench_role(), role_version=1, origin=RoleChangeOrigin.IMPORT, updated_at=started_at), source="/ladder/roles")])
            await progression.wait_handled(RoleUpdatedV1.topic, 1, 60)
            await send_all(producer, hires)
            await progression.wait_handled(EmployeeHiredV1.topic, len(hires), 120)

            # 1. Sustained throughput and end-to-end latency.
            received: dict[str, float] = {}
            reader = AIOKafkaConsumer(
                PromotionReadinessChangedV1.topic,
                bootstrap_servers=bootstrap,
                group_id=None,
                auto_offset_reset="latest",
                fetch_max_wait_ms=10,
            )
            await reader.start()

            async def read_changes() -> None:
                async for record in reader:
                    received.setdefault(json.loads(record.value)["data"]["caused_by_event_id"], time.perf_counter())

            reading = asyncio.create_task(read_changes())
            await asyncio.sleep(1)  # the reader is positioned at the end before anything is sent
            base = started_at - timedelta(days=30)
            stream = [
                evidence(person, n, base + timedelta(minutes=n))
                for n in range(args.events_per_person)
                for person in people
            ]
            sent_at: dict[str, float] = {}
            first = time.perf_counter()
            await send_all(producer, stream, sent_at)
            done = await progression.wait_handled(EvidenceCapturedV1.topic, len(stream), args.timeout)
            await asyncio.sleep(1)  # the last relay publishes
            in_burst = [received[event_id] - sent_at[event_id] for event_id in received if event_id in sent_at]
            throughput = {
                "events": len(stream),
                "people": len(people),
                "events_per_s": round(len(stream) / (done - first), 1),
                "readiness_changes_published": len(in_burst),
            }
            print(f"progression: {throughput['events_per_s']} events/s sustained over {len(stream)} events "
                  f"({len(in_burst)} readiness changes published)")

            # One at a time: publish, wait for the PromotionReadinessChanged it causes.
            alone: list[float] = []
            for n, person in enumerate(people * (args.latency_samples // len(people) + 1)):
                if len(alone) >= args.latency_samples:
                    break
                event = evidence(person, 10_000 + n, base + timedelta(days=2, minutes=n))
                await send_all(producer, [event], sent_at)
                deadline = time.monotonic() + 10
                while event.id not in received and time.monotonic() < deadline:
                    await asyncio.sleep(0.001)
                if event.id in received:
                    alone.append(received[event.id] - sent_at[event.id])
            handled_so_far = len(stream) + n
            reading.cancel()
            await reader.stop()
            latency = {"one_at_a_time": latency_summary(alone), "in_burst": latency_summary(in_burst)}
            one = latency["one_at_a_time"]
            print(f"EvidenceCaptured publish -> PromotionReadinessChanged receipt, one at a time: "
                  f"p50 {one['p50_ms']} ms, p95 {one['p95_ms']} ms, p99 {one['p99_ms']} ms")

            # 2. Cost per event with 10 vs 10,000 items in the portfolio.
            handled = handled_so_far
            await send_all(producer, [evidence(light, n, base) for n in range(10)])
            await send_all(producer, [evidence(heavy, n, base) for n in range(args.heavy_items)])
            handled += 10 + args.heavy_items
            await progression.wait_handled(EvidenceCapturedV1.topic, handled, args.timeout)
            cost = {}
            for person, size in ((light, 10), (heavy, args.heavy_items)):
                count_before, seconds_before = await progression.handled(EvidenceCapturedV1.topic)
                probes = [evidence(person, size + n, base + timedelta(days=1, minutes=n)) for n in range(args.probe_events)]
                await send_all(producer, probes)
                handled += len(probes)
                await progression.wait_handled(EvidenceCapturedV1.topic, handled, args.timeout)
                count_after, seconds_after = await progression.handled(EvidenceCapturedV1.topic)
                cost[str(size)] = round((seconds_after - seconds_before) / (count_after - count_before) * 1000, 3)
            print(f"handler cost per event: {cost['10']} ms with 10 items, {cost[str(args.heavy_items)]} ms with {args.heavy_items} items")
        finally:
            await producer.stop()
            progression.stop()

    return {
        "benchmark": "readiness",
        "ran_at": started_at.isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "parameters": vars(args),
        "ceiling_raw_aiokafka": ceiling,
        "progression": throughput,
        "latency_evidence_to_readiness_changed": latency,
        "handler_ms_per_event_by_portfolio_size": cost,
        "ratios": {
            "throughput_vs_ceiling": round(throughput["events_per_s"] / ceiling["events_per_s"], 4),
            "p50_latency_vs_ceiling": round(
                latency["one_at_a_time"]["p50_ms"] / ceiling["latency_one_at_a_time"]["p50_ms"], 1
            ),
            "cost_10000_vs_10": round(cost[str(args.heavy_items)] / cost["10"], 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--events-per-person", type=int, default=20)
    parser.add_argument("--heavy-items", type=int, default=10_000)
    parser.add_argument("--probe-events", type=int, default=200)
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--ceiling-messages", type=int, default=5_000)
    parser.add_argument("--timeout", type=float, default=900, help="Seconds to wait for any phase")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"readiness-{result['ran_at'][:19].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["ratios"]))
    print(f"results: {path}")


if __name__ == "__main__":
    main()
