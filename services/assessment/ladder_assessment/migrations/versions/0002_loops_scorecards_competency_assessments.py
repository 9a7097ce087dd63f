"""Interview loops, their panels and scorecards; competency assessments.

Revision ID: assessment_0002
Revises: assessment_0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "assessment_0002"
down_revision = "assessment_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interview_loops",
        sa.Column("loop_id", sa.String(128), primary_key=True),
        sa.Column("candidate_id", sa.String(128), nullable=False),
        sa.Column("role_id", sa.String(128), nullable=False),
        sa.Column(
            "role_version",
            sa.Integer(),
            nullable=False,
            comment="Pinned at opening; later role versions never change it",
        ),
        sa.Column(
            "rubric_ids", sa.JSON(), nullable=False, comment="Dimension ids of the pinned role version, in rubric order"
        ),
        sa.Column("status", sa.String(16), nullable=False, comment="open | completed"),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completion", sa.String(16), comment="all_submitted | closed_early, once completed"),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.JSON(), comment="The published InterviewLoopOutcome, once completed"),
    )
    op.create_index("ix_interview_loops_candidate_id", "interview_loops", ["candidate_id"])
    op.create_table(
        "loop_panelists",
        sa.Column("loop_id", sa.String(128), sa.ForeignKey("interview_loops.loop_id"), nullable=False),
        sa.Column("interviewer_id", sa.String(128), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False, comment="Position on the panel, from 0"),
        sa.Column("dimension_ids", sa.JSON(), nullable=False, comment="Dimensions this interviewer rates"),
        sa.PrimaryKeyConstraint("loop_id", "interviewer_id", name="pk_loop_panelists"),
    )
    op.create_index("ix_loop_panelists_interviewer_id", "loop_panelists", ["interviewer_id"])
    op.create_table(
        "scorecards",
        sa.Column(
            "submission_id", sa.String(128), primary_key=True, comment="Idempotency key: one submission counts once"
        ),
        sa.Column("loop_id", sa.String(128), sa.ForeignKey("interview_loops.loop_id"), nullable=False),
        sa.Column("arrival", sa.Integer(), nullable=False, comment="Order of arrival within the loop, from 0"),
        sa.Column("interviewer_id", sa.String(128), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False, comment="Rating 1-5 per dimension id"),
        sa.Column("recommendation", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text(), comment="Interviewer's notes; never published"),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False, comment="http | topic"),
        sa.UniqueConstraint("loop_id", "arrival", name="uq_scorecards_loop_arrival"),
    )
    op.create_table(
        "competency_assessments",
        sa.Column("assessment_id", sa.String(128), primary_key=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("role_id", sa.String(128), nullable=False),
        sa.Column("role_version", sa.Integer(), nullable=False),
        sa.Column("assessor_role", sa.String(16), nullable=False, comment="self | manager | peer"),
        sa.Column("assessor_id", sa.String(128), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False, comment="[{competency_id, level}] in the order given"),
        sa.Column("notes", sa.Text(), comment="Assessor's notes; never published"),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_competency_assessments_person", "competency_assessments", ["person_id", "completed_at"])


def downgrade() -> None:
    op.drop_table("competency_assessments")
    op.drop_table("scorecards")
    op.drop_table("loop_panelists")
    op.drop_table("interview_loops")
