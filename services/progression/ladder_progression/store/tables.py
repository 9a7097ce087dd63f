"""The progression service's own tables (its database only; no other service reads them).

People appear only as opaque ids. Everything keyed by a person is deleted
when they are erased; ``erased_people`` keeps a hash so late events cannot
bring them back.
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)

from ladder_runtime.role_replica import role_replica_table
from ladder_runtime.store.tables import SequenceId

metadata = MetaData()

role_replica = role_replica_table(metadata)

tracks = Table(
    "tracks",
    metadata,
    Column("person_id", String(128), primary_key=True),
    Column("current_role_id", String(128), comment="Null until a hire event is seen (evidence may come first)"),
    Column("current_role_version", Integer, comment="Latest replicated version; null until the role is replicated"),
    Column("target_role_id", String(128)),
    Column("target_role_version", Integer, comment="Null when the target has no blueprint"),
    Column("target_chosen", Boolean, nullable=False, comment="Chosen through the API rather than the career path"),
    Column("team_id", String(128)),
    Column("manager_id", String(128)),
    Column("hired_at", DateTime(timezone=True)),
    Column("as_of", DateTime(timezone=True), comment="Latest time of the person's own events: the readiness clock"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_tracks_current_role", "current_role_id", "person_id"),
    Index("ix_tracks_target_role", "target_role_id", "person_id"),
    Index("ix_tracks_team", "team_id", "person_id"),
)

track_changes = Table(
    "track_changes",
    metadata,
    Column("seq", SequenceId, primary_key=True, autoincrement=True),
    Column("person_id", String(128), nullable=False),
    Column("field", String(32), nullable=False, comment="current_role | target_role | team | manager"),
    Column("old_value", String(128)),
    Column("new_value", String(128)),
    Column("reason", String(32), nullable=False),
    Column("caused_by_event_id", String(128), nullable=False),
    Column("caused_by_event_type", String(128), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_track_changes_person", "person_id", "seq"),
)

evidence_items = Table(
    "evidence_items",
    metadata,
    Column("evidence_id", String(128), primary_key=True),
    Column("person_id", String(128), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("retracted_at", DateTime(timezone=True), comment="Set on retraction: a tombstone, so nothing revives it"),
    Index("ix_evidence_items_person", "person_id"),
)

contributions = Table(
    "contributions",
    metadata,
    Column("person_id", String(128), nullable=False),
    Column("target_kind", String(32), nullable=False),
    Column("target_id", String(128), nullable=False),
    Column("item_id", String(128), nullable=False, comment="Evidence id or assessment id"),
    Column("item_kind", String(16), nullable=False, comment="evidence | assessment"),
    Column("source_key", String(300), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("quality", Float, nullable=False),
    Column("value", Float),
    Column("level", String(16)),
    PrimaryKeyConstraint("person_id", "target_kind", "target_id", "item_id", name="pk_contributions"),
    Index("ix_contributions_item", "person_id", "item_id"),
    Index("ix_contributions_source", "person_id", "target_kind", "target_id", "source_key"),
    Index("ix_contributions_recent", "person_id", "target_kind", "target_id", "occurred_at"),
)

signals = Table(
    "signals",
    metadata,
    Column("person_id", String(128), nullable=False),
    Column("target_kind", String(32), nullable=False),
    Column("target_id", String(128), nullable=False),
    Column("source_key", String(300), nullable=False),
    Column("items", Integer, nullable=False),
    Column("counted", Integer, nullable=False),
    Column("anchor_at", DateTime(timezone=True), comment="The sums below are decayed to this time"),
    Column("half_life_s", Float, nullable=False, comment="Decay the sums were kept with; another one rebuilds them"),
    Column("weight", Float, nullable=False),
    Column("value", Float, nullable=False),
    Column("level_entry", Float, nullable=False),
    Column("level_mid", Float, nullable=False),
    Column("level_senior", Float, nullable=False),
    PrimaryKeyConstraint("person_id", "target_kind", "target_id", "source_key", name="pk_signals"),
)

readiness = Table(
    "readiness",
    metadata,
    Column("person_id", String(128), primary_key=True),
    Column("current_role_id", String(128), nullable=False),
    Column("current_role_version", Integer, nullable=False),
    Column("target_role_id", String(128), nullable=False),
    Column("target_role_version", Integer),
    Column("target_level", String(16)),
    Column("band", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("criteria", JSON, nullable=False, comment="Per criterion: status, attainment, confidence, credit, ..."),
    Column("capped_by", JSON, nullable=False),
    Column("top_gaps", JSON, nullable=False, comment="Keys of unmet criteria, costliest first"),
    Column("thresholds", JSON, nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
    Column("effective_at", DateTime(timezone=True), nullable=False),
    Column("caused_by_event_id", String(128), nullable=False),
    Column("caused_by_event_type", String(128), nullable=False),
    Column("published_band", String(16), comment="What the last PromotionReadinessChanged said"),
    Column("published_score", Float),
    Column("history_digest", String(64), nullable=False, comment="Of the last history entry: skip unchanged ones"),
    Index("ix_readiness_target_role", "target_role_id"),
)

readiness_history = Table(
    "readiness_history",
    metadata,
    Column("seq", SequenceId, primary_key=True, autoincrement=True),
    Column("person_id", String(128), nullable=False),
    Column("effective_at", DateTime(timezone=True), nullable=False),
    Column("current_role_id", String(128), nullable=False),
    Column("current_role_version", Integer, nullable=False),
    Column("target_role_id", String(128), nullable=False),
    Column("target_role_version", Integer),
    Column("band", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("statuses", JSON, nullable=False, comment="criterion key -> met | partial | missing"),
    Column("published", Boolean, nullable=False),
    Column("caused_by_event_id", String(128), nullable=False),
    Column("caused_by_event_type", String(128), nullable=False),
    Index("ix_readiness_history_person", "person_id", "effective_at", "seq"),
)

readiness_thresholds = Table(
    "readiness_thresholds",
    metadata,
    Column("role_id", String(128), primary_key=True, comment="The target role they apply to"),
    Column("developing_from", Float, nullable=False),
    Column("ready_from", Float, nullable=False),
    Column("updated_by", String(128), nullable=False, comment="Subject of the token that set them"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

reevaluations = Table(
    "reevaluations",
    metadata,
    Column("id", SequenceId, primary_key=True, autoincrement=True),
    Column("role_id", String(128), nullable=False, comment="Everyone whose current or target role this is"),
    Column("reason", String(32), nullable=False, comment="role_updated | thresholds_changed"),
    Column("caused_by_event_id", String(128), nullable=False),
    Column("caused_by_event_type", String(128), nullable=False),
    Column("effective_at", DateTime(timezone=True), nullable=False),
    Column("traceparent", String(64), comment="Trace of the cause, continued by every batch"),
    Column("tracestate", String(512)),
    Column("after_person_id", String(128), comment="Cursor: people up to this id are done"),
    Column("people_done", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_reevaluations_pending", "finished_at", "id"),
)

erased_people = Table(
    "erased_people",
    metadata,
    Column("person_key", String(64), primary_key=True, comment="sha256 of the erased person's id"),
    Column("erased_at", DateTime(timezone=True), nullable=False),
)
