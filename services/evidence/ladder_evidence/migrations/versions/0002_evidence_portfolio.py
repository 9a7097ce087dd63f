"""Evidence portfolio: people's current roles, evidence items, their targets, suggestions and audit trail.

Revision ID: evidence_0002
Revises: evidence_0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "evidence_0002"
down_revision = "evidence_0001"
branch_labels = None
depends_on = None

_SequenceId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "person_roles",
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("role_id", sa.String(128), nullable=False),
        sa.Column("role_version", sa.Integer(), comment="Pinned by the hire; NULL follows the latest replicated version"),
        sa.Column("hr_system", sa.String(64), nullable=False),
        sa.Column("manager_id", sa.String(128)),
        sa.Column("hired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        comment="Each person's current role, from EmployeeHired",
    )
    op.create_table(
        "evidence_items",
        sa.Column("evidence_id", sa.String(128), primary_key=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.String(128), nullable=False),
        sa.Column("role_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source_origin", sa.String(16), nullable=False),
        sa.Column("source_system", sa.String(64), nullable=False),
        sa.Column("source_reference", sa.String(128)),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mapping", sa.String(16), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("verification", sa.String(32), nullable=False),
        sa.Column("kpi_judgement", sa.JSON(), comment="ladder_contracts KpiJudgement, for kpi_measurement items"),
        sa.Column("link", sa.String(2048)),
        sa.Column("summary", sa.String(500), comment="Free text about the person: stored here, never published"),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True)),
        sa.Column("retraction_reason", sa.String(32)),
        sa.Column("statement_fingerprint", sa.String(64), nullable=False, comment="SHA-256 of what the source last stated"),
    )
    op.create_index("ix_evidence_items_person", "evidence_items", ["person_id", "occurred_at"])
    op.create_table(
        "evidence_supports",
        sa.Column("evidence_id", sa.String(128), sa.ForeignKey("evidence_items.evidence_id"), nullable=False),
        sa.Column("target_kind", sa.String(32), nullable=False, comment="competency | kpi | promotion_criterion"),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("evidence_id", "target_kind", "target_id", name="pk_evidence_supports"),
    )
    op.create_index("ix_evidence_supports_target", "evidence_supports", ["target_kind", "target_id"])
    op.create_table(
        "evidence_suggestions",
        sa.Column("evidence_id", sa.String(128), sa.ForeignKey("evidence_items.evidence_id"), nullable=False),
        sa.Column("target_kind", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_terms", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("evidence_id", "target_kind", "target_id", name="pk_evidence_suggestions"),
    )
    op.create_table(
        "evidence_changes",
        sa.Column("seq", _SequenceId, primary_key=True, autoincrement=True),
        sa.Column("evidence_id", sa.String(128), sa.ForeignKey("evidence_items.evidence_id"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(64), nullable=False, comment="captured | corrected:<reason> | retracted:<reason>"),
        sa.Column(
            "actor", sa.String(256), nullable=False, comment="Token subject, or the CloudEvent source of a topic input"
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_evidence_changes_item", "evidence_changes", ["evidence_id", "seq"])


def downgrade() -> None:
    op.drop_table("evidence_changes")
    op.drop_table("evidence_suggestions")
    op.drop_table("evidence_supports")
    op.drop_table("evidence_items")
    op.drop_table("person_roles")
