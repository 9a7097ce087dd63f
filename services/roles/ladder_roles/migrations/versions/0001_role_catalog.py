"""Role catalog: heads, versions and search terms.

Revision ID: roles_0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "roles_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_heads",
        sa.Column("role_id", sa.String(128), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "role_versions",
        sa.Column("role_id", sa.String(128), sa.ForeignKey("role_heads.role_id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("role", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("role_id", "version", name="pk_role_versions"),
    )


    op.create_table(
        "role_terms",
        sa.Column("role_id", sa.String(128), sa.ForeignKey("role_heads.role_id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("term", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("role_id", "kind", "term", name="pk_role_terms"),
    )
    op.create_index("ix_role_terms_kind_term", "role_terms", ["kind", "term"])


def downgrade() -> None:
    op.drop_table("role_terms")
    op.drop_table("role_versions")
    op.drop_table("role_heads")
