"""The roles service's own tables (its database only; no other service reads them)."""

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, MetaData, PrimaryKeyConstraint, String, Table

metadata = MetaData()

role_heads = Table(
    "role_heads",
    metadata,
    Column("role_id", String(128), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("version", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

role_versions = Table(
    "role_versions",
    metadata,
    Column("role_id", String(128), ForeignKey("role_heads.role_id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("role", JSON, nullable=False, comment="The normalized role (ladder_contracts.role.Role)"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Two writers racing to make the same version collide here instead of both winning.
    PrimaryKeyConstraint("role_id", "version", name="pk_role_versions"),
)

role_terms = Table(
    "role_terms",
    metadata,
    Column("role_id", String(128), ForeignKey("role_heads.role_id"), nullable=False),
    Column("kind", String(16), nullable=False, comment="title | competency | kpi"),
    Column("term", String(300), nullable=False, comment="Lower-cased name or id, for search"),
    PrimaryKeyConstraint("role_id", "kind", "term", name="pk_role_terms"),
)
