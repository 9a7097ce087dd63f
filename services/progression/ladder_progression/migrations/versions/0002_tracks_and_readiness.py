"""Tracks, evidence signals, readiness with history, thresholds, re-evaluation work, erasure tombstones.

Revision ID: progression_0002
Revises: progression_0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "progression_0002"
down_revision = "progression_0001"
branch_labels = None
depends_on = None

SEQUENCE_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tracks",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("current_role_id", sa.String(128)),
        sa.Column("current_role_version", sa.Integer()),
        sa.Column("target_role_id", sa.String(128)),
        sa.Column("target_role_version", sa.Integer()),
        sa.Column("target_chosen", sa.Boolean(), nullable=False),
        sa.Column("team_id", sa.String(128)),
        sa.Column("manager_id", sa.String(128)),
        sa.Column("hired_at", sa.DateTime(timezone=True)),
        sa.Column("as_of", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tracks_current_role", "tracks", ["current_role_id", "person_id"])
    op.create_index("ix_tracks_target_role", "tracks", ["target_role_id", "person_id"])
    op.create_index("ix_tracks_team", "tracks", ["team_id", "person_id"])

    op.create_table(
        "track_changes",
        sa.Column("seq", SEQUENCE_ID, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.String(128)),
        sa.Column("new_value", sa.String(128)),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("caused_by_event_id", sa.String(128), nullable=False),
        sa.Column("caused_by_event_type", sa.String(128), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_track_changes_person", "track_changes", ["person_id", "seq"])

    op.create_table(
        "evidence_items",
        sa.Column("evidence_id", sa.String(128), primary_key=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_evidence_items_person", "evidence_items", ["person_id"])

    op.create_table(
        "contributions",
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("target_kind", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.Column("item_id", sa.String(128), nullable=False),
        sa.Column("item_kind", sa.String(16), nullable=False),
        sa.Column("source_key", sa.String(300), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quality", sa.Float(), nullable=False),
        sa.Column("value", sa.Float()),
        sa.Column("level", sa.String(16)),
        sa.PrimaryKeyConstraint("person_id", "target_kind", "target_id", "item_id", name="pk_contributions"),
    )
    op.create_index("ix_contributions_item", "contributions", ["person_id", "item_id"])
    op.create_index("ix_contributions_source", "contributions", ["person_id", "target_kind", "target_id", "source_key"])
    op.create_index("ix_contributions_recent", "contributions", ["person_id", "target_kind", "target_id", "occurred_at"])

    op.create_table(
        "signals",
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("target_kind", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.Column("source_key", sa.String(300), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("anchor_at", sa.DateTime(timezone=True)),
        sa.Column("half_life_s", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("level_entry", sa.Float(), nullable=False),
        sa.Column("level_mid", sa.Float(), nullable=False),
        sa.Column("level_senior", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "target_kind", "target_id", "source_key", name="pk_signals"),
    )

    op.create_table(
        "readiness",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("current_role_id", sa.String(128), nullable=False),
        sa.Column("current_role_version", sa.Integer(), nullable=False),
        sa.Column("target_role_id", sa.String(128), nullable=False),
        sa.Column("target_role_version", sa.Integer()),
        sa.Column("target_level", sa.String(16)),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("capped_by", sa.JSON(), nullable=False),
        sa.Column("top_gaps", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("caused_by_event_id", sa.String(128), nullable=False),
        sa.Column("caused_by_event_type", sa.String(128), nullable=False),
        sa.Column("published_band", sa.String(16)),
        sa.Column("published_score", sa.Float()),
        sa.Column("history_digest", sa.String(64), nullable=False),
    )
    op.create_index("ix_readiness_target_role", "readiness", ["target_role_id"])

    op.create_table(
        "readiness_history",
        sa.Column("seq", SEQUENCE_ID, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_role_id", sa.String(128), nullable=False),
        sa.Column("current_role_version", sa.Integer(), nullable=False),
        sa.Column("target_role_id", sa.String(128), nullable=False),
        sa.Column("target_role_version", sa.Integer()),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("caused_by_event_id", sa.String(128), nullable=False),
        sa.Column("caused_by_event_type", sa.String(128), nullable=False),
    )
    op.create_index("ix_readiness_history_person", "readiness_history", ["person_id", "effective_at", "seq"])

    op.create_table(
        "readiness_thresholds",
        sa.Column("role_id", sa.String(128), primary_key=True),
        sa.Column("developing_from", sa.Float(), nullable=False),
        sa.Column("ready_from", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "reevaluations",
        sa.Column("id", SEQUENCE_ID, primary_key=True, autoincrement=True),
        sa.Column("role_id", sa.String(128), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("caused_by_event_id", sa.String(128), nullable=False),
        sa.Column("caused_by_event_type", sa.String(128), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("traceparent", sa.String(64)),
        sa.Column("tracestate", sa.String(512)),
        sa.Column("after_person_id", sa.String(128)),
        sa.Column("people_done", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_reevaluations_pending", "reevaluations", ["finished_at", "id"])

    op.create_table(
        "erased_people",
        sa.Column("person_key", sa.String(64), primary_key=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "erased_people",
        "reevaluations",
        "readiness_thresholds",
        "readiness_history",
        "readiness",
        "signals",
        "contributions",
        "evidence_items",
        "track_changes",
        "tracks",
    ):
        op.drop_table(table)
