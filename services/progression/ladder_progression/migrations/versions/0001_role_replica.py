"""Local replica of role versions (from RoleUpdated).

Revision ID: progression_0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op

from ladder_runtime.role_replica import TABLE_NAME, create_role_replica_table

revision = "progression_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_role_replica_table()


def downgrade() -> None:
    op.drop_table(TABLE_NAME)
