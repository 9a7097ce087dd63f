"""Tables the kit owns in every service's database: the outbox and the inbox.

They have their own Alembic chain (``ladder_runtime/kit_migrations``, version
table ``ladder_kit_version``) so a kit change migrates every service alike.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

kit_metadata = MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
SequenceId = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    kit_metadata,
    Column("seq", SequenceId, primary_key=True, autoincrement=True, comment="Publish order"),
    Column("event_id", String(128), nullable=False, unique=True),
    Column("event_type", String(200), nullable=False),
    Column("topic", String(249), nullable=False),
    Column("message_key", String(256), nullable=False),
    Column("payload", LargeBinary, nullable=False, comment="The CloudEvents JSON record value"),
    Column("headers", JSON, nullable=False, comment="Kafka headers, W3C trace context included"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    # The relay only ever scans what is still unpublished.
    Index(
        "ix_outbox_unpublished",
        "seq",
        postgresql_where=Column("published_at").is_(None),
        sqlite_where=Column("published_at").is_(None),
    ),
    Index("ix_outbox_published_at", "published_at"),
)

inbox = Table(
    "inbox",
    kit_metadata,
    Column("consumer", String(200), nullable=False),
    Column("event_id", String(128), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
)
