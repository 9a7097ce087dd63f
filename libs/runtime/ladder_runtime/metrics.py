"""Prometheus metrics of one service, in a registry of its own (several services may share a process in tests).

FastStream's Prometheus middleware counts consumed, published and failed
messages per topic and times handlers; these add what only the kit knows:
outbox backlog and age, dead letters, duplicates, and consumer lag.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ServiceMetrics:
    def __init__(self, service_name: str) -> None:
        self.registry = CollectorRegistry()
        labels = {"service": service_name}
        self.outbox_backlog = Gauge(
            "ladder_outbox_backlog", "Outbox rows not yet published", ["service"], registry=self.registry
        ).labels(**labels)
        self.outbox_oldest_age = Gauge(
            "ladder_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row", ["service"], registry=self.registry
        ).labels(**labels)
        self.outbox_published = Counter(
            "ladder_outbox_published", "Outbox rows published", ["service"], registry=self.registry
        ).labels(**labels)
        self.outbox_failures = Counter(
            "ladder_outbox_publish_failures", "Relay attempts that failed and backed off", ["service"], registry=self.registry
        ).labels(**labels)
        self._dead_letters = Counter(
            "ladder_dead_letters", "Records sent to the dead-letter topic", ["service", "topic", "kind"], registry=self.registry
        )
        self._duplicates = Counter(
            "ladder_inbox_duplicates", "Redelivered events skipped by the inbox", ["service", "topic"], registry=self.registry
        )
        self._handler_seconds = Histogram(
            "ladder_handler_seconds",
            "Time from decode to commit of one event, retries included",
            ["service", "topic"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self._lag = Gauge(
            "ladder_consumer_lag", "Records behind the end of the partition", ["service", "topic", "partition"], registry=self.registry
        )
        self._service = service_name

    def dead_lettered(self, topic: str, kind: str) -> None:
        self._dead_letters.labels(self._service, topic, kind).inc()

    def duplicate(self, topic: str) -> None:
        self._duplicates.labels(self._service, topic).inc()

    def handled(self, topic: str, seconds: float) -> None:
        self._handler_seconds.labels(self._service, topic).observe(seconds)

    def lag(self, topic: str, partition: int, records_behind: int) -> None:
        self._lag.labels(self._service, topic, str(partition)).set(records_behind)
