"""Tools for the bad day: read dead letters, replay them after a fix, rewind a consumer group."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from ladder_runtime.consumer import DLQ_HEADER_PREFIX, dead_letter_topic


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def position(self) -> str:
        return f"{self.partition}:{self.offset}"

    def dlq(self, field: str) -> str | None:
        return self.headers.get(f"{DLQ_HEADER_PREFIX}{field}")

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v.encode()) for k, v in self.headers.items() if not k.startswith(DLQ_HEADER_PREFIX)]


async def read_dead_letters(bootstrap_servers: str, service_name: str) -> list[DeadLetter]:
    """Every record now on the service's DLQ, oldest first per partition; commits nothing."""
    topic = dead_letter_topic(service_name)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not assigned:
            return []
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        letters: list[DeadLetter] = []
        remaining = {tp for tp in assigned if ends[tp] > await consumer.position(tp)}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    headers = {k: (v or b"").decode("utf-8", errors="replace") for k, v in record.headers or ()}
                    letters.append(DeadLetter(record.partition, record.offset, record.key, record.value or b"", headers))
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return sorted(letters, key=lambda letter: (letter.partition, letter.offset))
    finally:
        await consumer.stop()


async def replay_dead_letters(
    bootstrap_servers: str, service_name: str, positions: list[str], *, idempotent: bool = False
) -> list[DeadLetter]:
    """Republish the chosen dead letters ("partition:offset") to their original topics, untouched."""
    wanted = set(positions)
    letters = [letter for letter in await read_dead_letters(bootstrap_servers, service_name) if letter.position in wanted]
    missing = wanted - {letter.position for letter in letters}
    if missing:
        raise LookupError(f"no dead letter at {', '.join(sorted(missing))} on {dead_letter_topic(service_name)}")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", enable_idempotence=idempotent)
    await producer.start()
    try:
        for letter in letters:
            topic = letter.dlq("original-topic")
            if not topic:
                raise ValueError(f"dead letter {letter.position} does not say where it came from")
            headers = letter.original_headers() + [
                ("ladder-replayed-from", f"{dead_letter_topic(service_name)}[{letter.position}]".encode())
            ]
            await producer.send_and_wait(topic, letter.value, key=letter.key, headers=headers)
    finally:
        await producer.stop()
    return letters


async def rewind_consumer_group(
    bootstrap_servers: str, group: str, topic: str, *, offset: int | None = None, at: datetime | None = None
) -> dict[int, int]:
    """Move a (stopped) consumer group on ``topic`` to an offset, or to the first record at or after a time.

    The group's consumers must be stopped: a live member would overwrite the commit.
    Redelivered events meet the inbox, so reprocessing has no second effect.
    """
    if (offset is None) == (at is None):
        raise ValueError("give exactly one of offset or time")
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            await consumer.force_metadata_update()
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            raise LookupError(f"topic {topic!r} does not exist")
        # Join the group as its only member (brokers refuse commits from outsiders), then commit.
        consumer.subscribe([topic])
        deadline = asyncio.get_running_loop().time() + 60
        while set(consumer.assignment()) != set(partitions):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"group {group!r} did not hand this tool every partition: stop its consumers first")
            await consumer.getmany(timeout_ms=200, max_records=1)
        ends = await consumer.end_offsets(partitions)
        if at is not None:
            found = await consumer.offsets_for_times({tp: int(at.timestamp() * 1000) for tp in partitions})
            targets = {tp: (found[tp].offset if found.get(tp) else ends[tp]) for tp in partitions}
        else:
            targets = {tp: min(offset, ends[tp]) for tp in partitions}
        await consumer.commit(targets)
        return {tp.partition: target for tp, target in targets.items()}
    finally:
        await consumer.stop()
