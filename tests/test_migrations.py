"""Migrations are the only way the schema changes; they must match the models exactly."""

from __future__ import annotations

from datetime import UTC, datetime

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


def test_orders_finalized_before_payment_status_existed_get_theirs(
    empty_database_url: str,
) -> None:
    database = Database(empty_database_url)
    orders = [  # token, source, finalized
        ("cash-final", "cashpoint", True),
        ("cash-draft", "cashpoint", False),
        ("resell-final", "reseller", True),
        ("api-final", "api", True),
    ]
    try:
        upgrade(database, "1f8ea552726d")  # the orders, before payment_status
        with database.engine.begin() as connection:
            for token, source, finalized in orders:
                connection.execute(
                    text(
                        'INSERT INTO "order" (token, status, source, total_price_cents, '
                        "created_at, finalized_at) VALUES (:token, :status, :source, 0, :at, "
                        ":finalized_at)"
                    ),
                    {
                        "token": token,
                        "status": "finalized" if finalized else "pending",
                        "source": source,
                        "at": datetime(2026, 11, 1, tzinfo=UTC),
                        "finalized_at": datetime(2026, 11, 1, tzinfo=UTC) if finalized else None,
                    },
                )
        upgrade(database)
        with database.engine.connect() as connection:
            found = dict(
                connection.execute(text('SELECT token, payment_status FROM "order"')).all()
            )
        assert found == {"cash-final": 30, "cash-draft": 10, "resell-final": 20, "api-final": 10}
    finally:
        database.dispose()
