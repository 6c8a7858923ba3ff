"""Alembic environment: runs on the connection museion hands over, or on MUSEION_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from museion.config import get_settings
from museion.db import Base, Database
from museion.migrations import import_models

import_models()


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    database = Database(get_settings().database_url)
    with database.engine.connect() as connection:
        run_on(connection)
        connection.commit()
    database.dispose()
