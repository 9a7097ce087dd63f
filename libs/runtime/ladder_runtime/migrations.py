"""Alembic, driven from code: the kit's chain and each service's chain in one call.

Every service database carries two independent histories: the kit's tables
(outbox, inbox) under version table ``ladder_kit_version``, and the service's
own tables under ``alembic_version``. A service's ``migrations/env.py`` is just
``run_env(metadata)``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_engine_from_config, create_async_engine

from ladder_runtime.db import async_url

KIT_VERSION_TABLE = "ladder_kit_version"
MIGRATION_LOCK_KEY = 0x1ADD3_0001  # one key for every Ladder database: each lives in its own database


def alembic_config(database_url: str, script_location: Path | str, *, version_table: str = "alembic_version") -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    config.set_main_option("version_table", version_table)
    return config


def kit_script_location() -> Path:
    return Path(str(files("ladder_runtime") / "kit_migrations"))


def upgrade(database_url: str, service_script_location: Path | str) -> None:
    """Bring a service database to head: kit tables first, then the service's own.

    Safe to run from several pods at once (a migration Job and initContainers):
    on PostgreSQL they take turns under an advisory lock.
    """
    url = make_url(async_url(database_url))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        _upgrade_chains(database_url, service_script_location)
        return
    with _migration_lock(database_url):
        _upgrade_chains(database_url, service_script_location)


def _upgrade_chains(database_url: str, service_script_location: Path | str) -> None:
    command.upgrade(alembic_config(database_url, kit_script_location(), version_table=KIT_VERSION_TABLE), "head")
    command.upgrade(alembic_config(database_url, service_script_location), "head")


@contextlib.contextmanager
def _migration_lock(database_url: str) -> Iterator[None]:
    async def acquire() -> tuple[AsyncEngine, AsyncConnection]:
        engine = create_async_engine(async_url(database_url), poolclass=pool.NullPool)
        connection = await engine.connect()
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        return engine, connection

    async def release(engine: AsyncEngine, connection: AsyncConnection) -> None:
        await connection.close()  # ends the session, and with it the lock
        await engine.dispose()

    loop = asyncio.new_event_loop()
    try:
        engine, connection = loop.run_until_complete(acquire())
        try:
            yield
        finally:
            loop.run_until_complete(release(engine, connection))
    finally:
        loop.close()


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
