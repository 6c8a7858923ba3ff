"""Migrations are the only way the schema changes; they must match the models exactly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from museion.db import Base, Database
from museion.migrations import alembic_config, import_models, upgrade


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    import_models()
    database = Database(empty_database_url)
    try:
        upgrade(database)
        with database.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        database.dispose()


def test_migrations_downgrade_to_nothing_and_up_again(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        upgrade(database)
        with database.engine.connect() as connection:
            command.downgrade(alembic_config(connection), "base")
            connection.commit()
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        upgrade(database)
        with database.engine.connect() as connection:
            countries = connection.execute(text("SELECT count(*) FROM country")).scalar()
        assert countries == 249
    finally:
        database.dispose()


def test_upgrade_twice_is_harmless(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    try:
        upgrade(database)
        upgrade(database)
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM state")).scalar() == 16
    finally:
        database.dispose()
