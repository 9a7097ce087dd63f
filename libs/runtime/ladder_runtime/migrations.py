"""Alembic, driven from code: the kit's chain and each service's chain in one call.

Every service database carries two independent histories: the kit's tables
(outbox, inbox) under version table ``ladder_kit_version``, and the service's
own tables under ``alembic_version``. A service's ``migrations/env.py`` is just
``run_env(metadata)``.
"""

from __future__ import annotations

import asyncio
from importlib.resources import files
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from ladder_runtime.db import async_url

KIT_VERSION_TABLE = "ladder_kit_version"


def alembic_config(database_url: str, script_location: Path | str, *, version_table: str = "alembic_version") -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    config.set_main_option("version_table", version_table)
    return config


def kit_script_location() -> Path:
    return Path(str(files("ladder_runtime") / "kit_migrations"))


def upgrade(database_url: str, service_script_location: Path | str) -> None:
    """Bring a service database to head: kit tables first, then the service's own."""
    if async_url(database_url).startswith("sqlite"):
        from sqlalchemy.engine import make_url

        database = make_url(async_url(database_url)).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url, kit_script_location(), version_table=KIT_VERSION_TABLE), "head")
    command.upgrade(alembic_config(database_url, service_script_location), "head")


def run_env(target_metadata: MetaData | None) -> None:
    """Body of every ``env.py``: run migrations online over the async engine."""
    config = context.config
    version_table = config.get_main_option("version_table") or "alembic_version"

    def run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=version_table,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER needs batch mode
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = async_engine_from_config(config.get_section(config.config_ini_section, {}), poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(run_async())
