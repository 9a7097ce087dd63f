"""The Kafka broker of one service, built in a factory (no module-level broker)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from ladder_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)


def create_broker(
    settings: ServiceSettings, *, tracer_provider: TracerProvider, metrics_registry: CollectorRegistry
) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"ladder-{settings.service_name}",
        acks="all",
        # Tansu (the embedded broker) rejects InitProducerId, so this is opt-in for Apache Kafka.
        enable_idempotence=settings.kafka_idempotent_producer,
        request_timeout_ms=15_000,
        allow_auto_create_topics=False,
        middlewares=[
            KafkaTelemetryMiddleware(tracer_provider=tracer_provider),
            KafkaPrometheusMiddleware(registry=metrics_registry, app_name=f"ladder-{settings.service_name}"),
        ],
        logger=logging.getLogger(f"ladder.{settings.service_name}.broker"),
        log_level=logging.DEBUG,  # a line per message is for debugging; metrics and traces count them
        graceful_timeout=15.0,
    )


async def ensure_topics(bootstrap_servers: str, topics: Iterable[str], *, partitions: int) -> None:
    """Create missing topics (embedded and compose; on Kubernetes Strimzi owns them)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(set(topics) - existing)
        for topic in missing:
            try:
                await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
            except TopicAlreadyExistsError:
                pass  # another service created it between list and create
        if missing:
            log.info("created topics %s", ", ".join(missing))
    finally:
        await admin.close()
