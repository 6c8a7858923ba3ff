"""Schema migrations (Alembic), shipped in the package so `museion db upgrade` works anywhere."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from museion.db import Database

HERE = Path(__file__).parent
# Any constant works; it only has to be the same in every process of one installation.
MIGRATION_LOCK_ID = 0x6D757365


def import_models() -> None:
    """Import every models module so Base.metadata knows every table."""
    from museion.availability import models as _availability  # noqa: F401
    from museion.catalogue import models as _catalogue  # noqa: F401
    from museion.catalogue.events import models as _events  # noqa: F401
    from museion.catalogue.exhibitions import models as _exhibitions  # noqa: F401
    from museion.catalogue.lookups import models as _lookups  # noqa: F401
    from museion.catalogue.museums import models as _museums  # noqa: F401
    from museion.catalogue.shops import models as _shops  # noqa: F401
    from museion.catalogue.tickets import models as _tickets  # noqa: F401
    from museion.orders import models as _orders  # noqa: F401
    from museion.system import models as _system  # noqa: F401
    from museion.tokens import models as _tokens  # noqa: F401


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to date; safe when several app processes start at once."""
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Two servers starting together must not both run the same migration.
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            connection.commit()
        try:
            command.upgrade(alembic_config(connection), revision)
            connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
                connection.commit()


def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
