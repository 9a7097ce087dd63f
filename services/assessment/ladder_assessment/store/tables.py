"""The assessment service's own tables (its database only; no other service reads them)."""

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ladder_runtime.role_replica import role_replica_table

metadata = MetaData()

role_replica = role_replica_table(metadata)

interview_loops = Table(
    "interview_loops",
    metadata,
    Column("loop_id", String(128), primary_key=True),
    Column("candidate_id", String(128), nullable=False, index=True),
    Column("role_id", String(128), nullable=False),
    Column("role_version", Integer, nullable=False, comment="Pinned at opening; later role versions never change it"),
    Column("rubric_ids", JSON, nullable=False, comment="Dimension ids of the pinned role version, in rubric order"),
    Column("status", String(16), nullable=False, comment="open | completed"),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("completion", String(16), comment="all_submitted | closed_early, once completed"),
    Column("completed_at", DateTime(timezone=True)),
    Column("outcome", JSON, comment="The published InterviewLoopOutcome, once completed"),
)

loop_panelists = Table(
    "loop_panelists",
    metadata,
    Column("loop_id", String(128), ForeignKey("interview_loops.loop_id"), nullable=False),
    Column("interviewer_id", String(128), nullable=False, index=True),
    Column("seat", Integer, nullable=False, comment="Position on the panel, from 0"),
    Column("dimension_ids", JSON, nullable=False, comment="Dimensions this interviewer rates"),
    PrimaryKeyConstraint("loop_id", "interviewer_id", name="pk_loop_panelists"),
)

scorecards = Table(
    "scorecards",
    metadata,
    Column("submission_id", String(128), primary_key=True, comment="Idempotency key: one submission counts once"),
    Column("loop_id", String(128), ForeignKey("interview_loops.loop_id"), nullable=False),
    Column("arrival", Integer, nullable=False, comment="Order of arrival within the loop, from 0"),
    Column("interviewer_id", String(128), nullable=False),
    Column("ratings", JSON, nullable=False, comment="Rating 1-5 per dimension id"),
    Column("recommendation", String(16), nullable=False),
    Column("notes", Text, comment="Interviewer's notes; never published"),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(8), nullable=False, comment="http | topic"),
    UniqueConstraint("loop_id", "arrival", name="uq_scorecards_loop_arrival"),
)

competency_assessments = Table(
    "competency_assessments",
    metadata,
    Column("assessment_id", String(128), primary_key=True),
    Column("person_id", String(128), nullable=False),
    Column("role_id", String(128), nullable=False),
    Column("role_version", Integer, nullable=False),
    Column("assessor_role", String(16), nullable=False, comment="self | manager | peer"),
    Column("assessor_id", String(128), nullable=False),
    Column("ratings", JSON, nullable=False, comment="[{competency_id, level}] in the order given"),
    Column("notes", Text, comment="Assessor's notes; never published"),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    Index("ix_competency_assessments_person", "person_id", "completed_at"),
)
