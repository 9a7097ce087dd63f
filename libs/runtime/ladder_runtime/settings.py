"""Settings every service reads from its environment (pydantic-settings).

The same variable names are used by the embedded stack, Docker Compose and
Kubernetes, so a deployment differs only in values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False, populate_by_name=True)

    service_name: str = Field(description="Set by each service's bootstrap, not by the environment")
    data_dir: Path = Field(default=Path("data"), validation_alias="LADDER_DATA_DIR")
    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL; default: a SQLite file per service under LADDER_DATA_DIR",
    )
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    kafka_idempotent_producer: bool = Field(
        default=False,
        validation_alias="KAFKA_IDEMPOTENT_PRODUCER",
        description="Enable on Apache Kafka; the embedded Tansu broker rejects InitProducerId",
    )
    kafka_create_topics: bool = Field(
        default=True,
        validation_alias="KAFKA_CREATE_TOPICS",
        description="Create missing topics at start; off where Strimzi KafkaTopic resources own them",
    )
    kafka_session_timeout_ms: int = Field(
        default=10_000,
        validation_alias="KAFKA_SESSION_TIMEOUT_MS",
        description="Consumer group session timeout; Tansu answers a join after half of it, Kafka's floor is 6000",
    )
    kafka_fetch_max_wait_ms: int = Field(
        default=100,
        validation_alias="KAFKA_FETCH_MAX_WAIT_MS",
        description="Upper bound on consume latency when a partition is idle",
    )
    kafka_topic_partitions: int = Field(default=3, validation_alias="KAFKA_TOPIC_PARTITIONS")
    http_host: str = Field(default="127.0.0.1", validation_alias="HTTP_HOST")
    http_port: int = Field(default=8000, validation_alias="HTTP_PORT")
    auth_secret: SecretStr = Field(
        default=SecretStr(""),
        validation_alias="LADDER_AUTH_SECRET",
        description="HS256 key for bearer tokens (>= 32 bytes); the embedded stack generates one",
    )
    log_format: Literal["json", "text"] = Field(
        default="json", validation_alias="LOG_FORMAT", description="JSON lines with trace ids, or text for a terminal"
    )
    otel_exporter_otlp_endpoint: str | None = Field(default=None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    trace_file: Path | None = Field(default=None, validation_alias="LADDER_TRACE_FILE")
    outbox_poll_interval_s: float = Field(
        default=2.0,
        validation_alias="OUTBOX_POLL_INTERVAL_S",
        description="Safety-net re-read of unpublished rows; commits wake the relay at once",
    )
    outbox_publish_timeout_s: float = Field(
        default=15.0,
        validation_alias="OUTBOX_PUBLISH_TIMEOUT_S",
        description="How long one publish may wait for the broker before the relay backs off",
    )
    consumer_retry_backoff_max_s: float = Field(default=30.0, validation_alias="CONSUMER_RETRY_BACKOFF_MAX_S")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service_name}.db').resolve()}"

    def resolved_trace_file(self) -> Path:
        return self.trace_file or self.data_dir / "traces.jsonl"
