"""The evidence service's own tables (its database only; no other service reads them)."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

from ladder_runtime.role_replica import role_replica_table

metadata = MetaData()

role_replica = role_replica_table(metadata)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT.
_SequenceId = BigInteger().with_variant(Integer(), "sqlite")

person_roles = Table(
    "person_roles",
    metadata,
    Column("person_id", String(128), primary_key=True),
    Column("role_id", String(128), nullable=False),
    Column("role_version", Integer, comment="Pinned by the hire; NULL follows the latest replicated version"),
    Column("hr_system", String(64), nullable=False),
    Column("manager_id", String(128)),
    Column("hired_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    comment="Each person's current role, from EmployeeHired",
)

evidence_items = Table(
    "evidence_items",
    metadata,
    Column("evidence_id", String(128), primary_key=True),
    Column("person_id", String(128), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("role_id", String(128), nullable=False),
    Column("role_version", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("source_origin", String(16), nullable=False),
    Column("source_system", String(64), nullable=False),
    Column("source_reference", String(128)),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("mapping", String(16), nullable=False),
    Column("strength", Float, nullable=False),
    Column("verification", String(32), nullable=False),
    Column("kpi_judgement", JSON, comment="ladder_contracts KpiJudgement, for kpi_measurement items"),
    Column("link", String(2048)),
    Column("summary", String(500), comment="Free text about the person: stored here, never published"),
    Column("captured_at", DateTime(timezone=True), nullable=False),
    Column("retracted_at", DateTime(timezone=True)),
    Column("retraction_reason", String(32)),
    Column("statement_fingerprint", String(64), nullable=False, comment="SHA-256 of what the source last stated"),
    Index("ix_evidence_items_person", "person_id", "occurred_at"),
)

evidence_supports = Table(
    "evidence_supports",
    metadata,
    Column("evidence_id", String(128), ForeignKey("evidence_items.evidence_id"), nullable=False),
    Column("target_kind", String(32), nullable=False, comment="competency | kpi | promotion_criterion"),
    Column("target_id", String(128), nullable=False),
    PrimaryKeyConstraint("evidence_id", "target_kind", "target_id", name="pk_evidence_supports"),
    Index("ix_evidence_supports_target", "target_kind", "target_id"),
)

evidence_suggestions = Table(
    "evidence_suggestions",
    metadata,
    Column("evidence_id", String(128), ForeignKey("evidence_items.evidence_id"), nullable=False),
    Column("target_kind", String(32), nullable=False),
    Column("target_id", String(128), nullable=False),
    Column("score", Float, nullable=False),
    Column("matched_terms", JSON, nullable=False),
    PrimaryKeyConstraint("evidence_id", "target_kind", "target_id", name="pk_evidence_suggestions"),
)

evidence_changes = Table(
    "evidence_changes",
    metadata,
    Column("seq", _SequenceId, primary_key=True, autoincrement=True),
    Column("evidence_id", String(128), ForeignKey("evidence_items.evidence_id"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("action", String(64), nullable=False, comment="captured | corrected:<reason> | retracted:<reason>"),
    Column("actor", String(256), nullable=False, comment="Token subject, or the CloudEvent source of a topic input"),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_evidence_changes_item", "evidence_id", "seq"),
)
