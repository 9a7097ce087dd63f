"""The migration chain builds exactly the tables the code uses."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import ladder_progression
from ladder_progression.store.tables import metadata
from ladder_runtime.migrations import upgrade


def test_migrations_match_the_table_definitions(tmp_path: Path):
    database = tmp_path / "progression.db"
    upgrade(f"sqlite+aiosqlite:///{database}", Path(ladder_progression.__file__).parent / "migrations")
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    kit_tables = {"outbox", "inbox", "ladder_kit_version"}
    ours = [d for d in differences if not (d[0] in ("remove_table", "remove_index") and _table_of(d) in kit_tables)]
    assert ours == []


def _table_of(difference) -> str:
    element = difference[1]
    return getattr(element, "name", "") if difference[0] == "remove_table" else element.table.name
