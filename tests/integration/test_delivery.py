"""Delivery guarantees of the runtime kit on a real broker, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid

from sqlalchemy import select, update

from ladder_runtime.embedded import EmbeddedKafka, free_port
from ladder_runtime.store.tables import outbox
from tests.conftest import eventually
from ladder_runtime.dead_letter_tools import read_dead_letters, replay_dead_letters, rewind_consumer_group
from tests.integration.probe import FAILURES_LEFT, REJECTED_ENTITIES, build_probe, effect_count, effects, probe_event
from tests.kafka_tools import create_topics, header, produce_raw, read_topic


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def start_probe(make_settings, database_url, topic, **settings_overrides):
    event_class = probe_event(topic)
    runtime = build_probe(make_settings(unique("probe"), database_url=database_url, **settings_overrides), event_class)
    await asyncio.to_thread(runtime.migrate)
    await runtime.start()
    await eventually(runtime.broker_connected.is_set, message="broker connection")
    return runtime, event_class


async def test_redelivered_event_has_exactly_one_effect(make_settings, database_url, kafka_bootstrap):
    topic = unique("probe.redelivery")
    runtime, event_class = await start_probe(make_settings, database_url, topic)
    try:
        async with runtime.unit_of_work() as uow:
            published = uow.publish(event_class(entity="e-1", n=1))
            await uow.commit()
        await eventually(lambda: effect_count(runtime), message="first effect")

        # Force a redelivery: the relay "crashed" after publishing but before marking the row.
        async with runtime.engine.begin() as conn:
            await conn.execute(update(outbox).values(published_at=None))
        runtime.relay.wake()
        records = await read_topic(kafka_bootstrap, topic, until=lambda rs: len(rs) >= 2)
        assert [json.loads(r.value)["id"] for r in records] == [published.id, published.id]

        await eventually(lambda: runtime.consumer.stats.duplicates >= 1, message="duplicate seen by the consumer")
        assert await effects(runtime) == [(published.id, "e-1", 1)]
        assert runtime.consumer.stats.handled == 1
    finally:
        await runtime.stop()


async def test_poison_messages_go_to_dead_letters_and_consumer_goes_on(make_settings, database_url, kafka_bootstrap):
    topic = unique("probe.poison")
    await create_topics(kafka_bootstrap, topic)
    runtime, event_class = await start_probe(make_settings, database_url, topic)
    try:
        good = json.loads(
            __import__("ladder_contracts").CloudEvent.wrap(event_class(entity="e-2", n=7), source="/test").to_json()
        )
        bad_contract = good | {"id": "bad-contract", "data": {"entity": "e-2", "n": "seven"}}
        unknown_version = good | {"id": "unknown-version", "type": "test.probe.recorded.v9"}
        poison = [
            (b"{not json", "undecodable"),
            (json.dumps(bad_contract).encode(), "invalid"),
            (json.dumps(unknown_version).encode(), "unknown-type"),
        ]
        for value, _ in poison:
            await produce_raw(kafka_bootstrap, topic, value, key=b"e-2", headers=[("origin", b"test")])
        await produce_raw(kafka_bootstrap, topic, json.dumps(good).encode(), key=b"e-2")

        await eventually(lambda: effect_count(runtime), message="the good message after the poison")
        assert [row[0] for row in await effects(runtime)] == [good["id"]]

        dead = await read_topic(kafka_bootstrap, runtime.dead_letters.topic, until=lambda rs: len(rs) >= 3)
        assert [r.value for r in dead] == [value for value, _ in poison]  # original payloads, untouched
        assert [header(r, "ladder-dlq-kind") for r in dead] == [kind for _, kind in poison]
        reasons = [header(r, "ladder-dlq-reason") for r in dead]
        assert "not valid JSON" in reasons[0]
        assert reasons[1].startswith("data.n:") and "integer" in reasons[1]
        assert "test.probe.recorded.v9" in reasons[2] and "known versions: test.probe.recorded.v1" in reasons[2]
        for record in dead:
            assert header(record, "origin") == "test"  # original headers kept
            assert header(record, "ladder-dlq-original-topic") == topic
            assert record.key == b"e-2"
        assert runtime.consumer.stats.dead_lettered == 3
    finally:
        await runtime.stop()


async def test_events_written_during_broker_outage_are_published_in_order(make_settings, database_url):
    # This test takes its broker away and brings it back, so it owns one: the embedded broker,
    # frozen with SIGSTOP (memory-only Tansu would lose its topics if killed; Kafka would not).
    broker = EmbeddedKafka(port=free_port()).start()
    topic = unique("probe.outage")
    await create_topics(broker.bootstrap_servers, topic)
    runtime, event_class = await start_probe(
        make_settings,
        database_url,
        topic,
        kafka_bootstrap_servers=broker.bootstrap_servers,
        outbox_publish_timeout_s=1.0,
    )
    try:
        broker.pause()
        written = []
        for n in range(30):
            async with runtime.unit_of_work() as uow:
                written.append(uow.publish(event_class(entity=f"key-{n % 3}", n=n)))
                await uow.commit()
        await asyncio.sleep(4)  # the relay tries, times out, backs off; nothing may be lost
        assert (await runtime.relay.stats()).backlog == 30
        async with runtime.engine.connect() as conn:
            attempts = (await conn.execute(select(outbox.c.attempts).order_by(outbox.c.seq).limit(1))).scalar_one()
        assert attempts >= 1, "the failed attempts are recorded on the row"

        broker.resume()
        await eventually(lambda: _backlog_is_empty(runtime), timeout_s=90, message="outbox drained after the outage")

        records = await read_topic(broker.bootstrap_servers, topic, until=lambda rs: len(rs) >= 30)
        received = [json.loads(r.value) for r in records]
        assert {e["id"] for e in received} == {e.id for e in written}
        for key in ("key-0", "key-1", "key-2"):
            first_seen = list(dict.fromkeys(e["data"]["n"] for e in received if e["subject"] == key))
            assert first_seen == [e.data.n for e in written if e.subject == key], f"order of {key}"
        # A publish that timed out may still have reached the broker: at-least-once, and the
        # consumer's inbox turns the copies into one effect each.
        await eventually(lambda: _count_is(runtime, 30), message="one effect per event")
    finally:
        await runtime.stop()
        broker.stop()


async def _count_is(runtime, expected: int) -> bool:
    count = await effect_count(runtime)
    assert count <= expected, f"{count} effects for {expected} events"
    return count == expected


async def _backlog_is_empty(runtime) -> bool:
    return (await runtime.relay.stats()).backlog == 0


async def test_failing_handler_is_retried_in_order_and_rejections_are_dead_lettered(
    make_settings, database_url, kafka_bootstrap
):
    topic = unique("probe.failures")
    runtime, event_class = await start_probe(make_settings, database_url, topic)
    flaky = unique("flaky")
    FAILURES_LEFT[flaky] = 2
    try:
        async with runtime.unit_of_work() as uow:
            first = uow.publish(event_class(entity=flaky, n=1))
            rejected = uow.publish(event_class(entity="reject-me", n=2))
            after = uow.publish(event_class(entity=flaky, n=3))
            await uow.commit()
        await eventually(lambda: _count_is(runtime, 2), message="both good events handled")
        # The failed attempts left nothing behind, and the later event of the key came after.
        assert await effects(runtime) == [(first.id, flaky, 1), (after.id, flaky, 3)]
        assert runtime.consumer.stats.retries == 2

        dead = await read_topic(kafka_bootstrap, runtime.dead_letters.topic, until=lambda rs: len(rs) >= 1)
        assert [json.loads(r.value)["id"] for r in dead] == [rejected.id]
        assert header(dead[0], "ladder-dlq-kind") == "rejected"
        assert "'reject-me' is not accepted" in header(dead[0], "ladder-dlq-reason")
    finally:
        FAILURES_LEFT.pop(flaky, None)
        await runtime.stop()


async def test_dead_letters_are_listed_replayed_after_a_fix_and_groups_rewound(make_settings, database_url, kafka_bootstrap):
    topic = unique("probe.replay")
    settings = make_settings(unique("probe"), database_url=database_url)
    blocked = unique("blocked")
    REJECTED_ENTITIES.add(blocked)
    event_class = probe_event(topic)
    runtime = build_probe(settings, event_class)
    await asyncio.to_thread(runtime.migrate)
    await runtime.start()
    try:
        await eventually(runtime.broker_connected.is_set, message="broker connection")
        async with runtime.unit_of_work() as uow:
            stuck = uow.publish(event_class(entity=blocked, n=1))
            fine = uow.publish(event_class(entity="fine", n=2))
            await uow.commit()
        await eventually(lambda: _count_is(runtime, 1), message="the good event")

        letters = await eventually(lambda: read_dead_letters(kafka_bootstrap, settings.service_name), message="dead letter")
        assert [(json.loads(l.value)["id"], l.dlq("kind"), l.dlq("original-topic")) for l in letters] == [
            (stuck.id, "rejected", topic)
        ]
        assert blocked in letters[0].dlq("reason")

        REJECTED_ENTITIES.discard(blocked)  # the fix
        await replay_dead_letters(kafka_bootstrap, settings.service_name, [letters[0].position])
        await eventually(lambda: _count_is(runtime, 2), message="the replayed event handled")
        assert {row[0] for row in await effects(runtime)} == {stuck.id, fine.id}
    finally:
        REJECTED_ENTITIES.discard(blocked)
        await runtime.stop()

    # Rewind the stopped group to the start: everything is delivered again, nothing happens twice.
    moved = await rewind_consumer_group(kafka_bootstrap, f"ladder-{settings.service_name}", topic, offset=0)
    assert set(moved.values()) == {0}
    again = build_probe(settings, event_class)
    await again.start()
    try:
        await eventually(lambda: again.consumer.stats.duplicates >= 3, message="redelivered events seen as duplicates")
        assert await effect_count(again) == 2
    finally:
        await again.stop()
