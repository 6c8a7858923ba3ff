"""Catalogue foundation: museums, exhibitions, lookups (with their constant data), API tokens.

Revision ID: 7e2d7eed6b3c
Revises:
Create Date: 2026-11-22 19:38:33.057446
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from importlib.resources import files

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "7e2d7eed6b3c"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instance_setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_instance_setting")),
    )

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("access", sa.String(length=20), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column(
            "created_at",
            museion.db.UTCDateTime(),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("revoked_at", museion.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_token_secret_hash")),
    )
    op.create_table(
        "country",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column(
            "name",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_country")),
        sa.UniqueConstraint("code", name=op.f("uq_country_code")),
    )
    op.create_table(
        "dispatch_mode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "name",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_mode")),
    )
    op.create_table(
        "picture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column(
            "title",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "description",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "copyright_info",
            museion.db.Translations,
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_picture")),
    )
    op.create_table(
        "location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("zip", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["country_id"], ["country.id"], name=op.f("fk_location_country_id_country")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
    )
    op.create_table(
        "state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column(
            "name",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_id"], ["country.id"], name=op.f("fk_state_country_id_country")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state")),
    )
    with op.batch_alter_table("state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_state_country_id"), ["country_id"], unique=False)

    op.create_table(
        "museum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_order", sa.Integer(), nullable=False),
        sa.Column(
            "title",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "sub_title",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "description",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "content",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("picture_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            museion.db.UTCDateTime(),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            museion.db.UTCDateTime(),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_museum_location_id_location"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["picture_id"],
            ["picture.id"],
            name=op.f("fk_museum_picture_id_picture"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_museum")),
    )
    with op.batch_alter_table("museum", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_museum_shop_order"), ["shop_order"], unique=False)

    op.create_table(
        "api_token_museum",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museum.id"],
            name=op.f("fk_api_token_museum_museum_id_museum"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
            name=op.f("fk_api_token_museum_token_id_api_token"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "museum_id", name=op.f("pk_api_token_museum")),
    )
    op.create_table(
        "exhibition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.Column("foreign_id", sa.String(length=200), nullable=True),
        sa.Column(
            "title",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "sub_title",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "slider_description",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "description",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "content",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("picture_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            museion.db.UTCDateTime(),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            museion.db.UTCDateTime(),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_exhibition_location_id_location"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museum.id"],
            name=op.f("fk_exhibition_museum_id_museum"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["picture_id"],
            ["picture.id"],
            name=op.f("fk_exhibition_picture_id_picture"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition")),
    )
    with op.batch_alter_table("exhibition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exhibition_foreign_id"), ["foreign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exhibition_museum_id"), ["museum_id"], unique=False)

    op.create_table(
        "opening_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.Column("applies_on", sa.Date(), nullable=False),
        sa.Column("every_year", sa.Boolean(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=True),
        sa.Column("closes", sa.Time(), nullable=True),
        sa.Column(
            "note",
            museion.db.Translations,
            nullable=False,
        ),
        sa.CheckConstraint(
            "(opens IS NULL AND closes IS NULL) OR (opens IS NOT NULL AND closes IS NOT NULL "
            "AND opens < closes)",
            name=op.f("ck_opening_exception_closed_or_hours"),
        ),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museum.id"],
            name=op.f("fk_opening_exception_museum_id_museum"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_exception")),
    )
    with op.batch_alter_table("opening_exception", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opening_exception_museum_id"), ["museum_id"], unique=False
        )

    op.create_table(
        "opening_hour",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_opening_hour_opens_before_closes")),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name=op.f("ck_opening_hour_weekday_iso")),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museum.id"],
            name=op.f("fk_opening_hour_museum_id_museum"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hour")),
        sa.UniqueConstraint("museum_id", "weekday", name=op.f("uq_opening_hour_museum_id")),
    )
    op.create_table(
        "exhibition_time_frame",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exhibition_id", sa.Integer(), nullable=False),
        sa.Column("start_at", museion.db.UTCDateTime(), nullable=False),
        sa.Column("end_at", museion.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "start_at < end_at", name=op.f("ck_exhibition_time_frame_starts_before_end")
        ),
        sa.ForeignKeyConstraint(
            ["exhibition_id"],
            ["exhibition.id"],
            name=op.f("fk_exhibition_time_frame_exhibition_id_exhibition"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition_time_frame")),
    )
    with op.batch_alter_table("exhibition_time_frame", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibition_time_frame_exhibition_id"), ["exhibition_id"], unique=False
        )

    seed_lookups()


def _rows(name: str) -> list[dict[str, str]]:
    text = (files("museion.catalogue") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _search_text(*names: str) -> str:
    return "\n".join(names).casefold()


def seed_lookups() -> None:
    """Countries (ISO 3166-1, CLDR names), German states and default dispatch modes."""
    translations = museion.db.Translations
    country = sa.table(
        "country",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", translations),
        sa.column("search_text", sa.Text),
    )
    countries = _rows("countries.csv")
    ids = {row["code"]: index for index, row in enumerate(countries, start=1)}
    op.bulk_insert(
        country,
        [
            {
                "id": ids[row["code"]],
                "code": row["code"],
                "name": {"de": row["name_de"], "en": row["name_en"]},
                "search_text": _search_text(row["name_de"], row["name_en"], row["code"]),
            }
            for row in countries
        ],
    )
    state = sa.table(
        "state",
        sa.column("id", sa.Integer),
        sa.column("country_id", sa.Integer),
        sa.column("name", translations),
        sa.column("search_text", sa.Text),
    )
    op.bulk_insert(
        state,
        [
            {
                "id": index,
                "country_id": ids[row["country_code"]],
                "name": {"de": row["name_de"], "en": row["name_en"]},
                "search_text": _search_text(row["name_de"], row["name_en"]),
            }
            for index, row in enumerate(_rows("states.csv"), start=1)
        ],
    )
    dispatch_mode = sa.table(
        "dispatch_mode",
        sa.column("name", translations),
        sa.column("sort_order", sa.Integer),
        sa.column("search_text", sa.Text),
    )
    modes = [("E-Mail", "Email"), ("Post", "Post"), ("Abholung im Museum", "Pick-up at the museum")]
    op.bulk_insert(
        dispatch_mode,
        [
            {"name": {"de": de, "en": en}, "sort_order": order, "search_text": _search_text(de, en)}
            for order, (de, en) in enumerate(modes, start=1)
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids leave the serial sequences behind; move them past the seeded rows.
        for table in ("country", "state"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )


def downgrade() -> None:

    with op.batch_alter_table("exhibition_time_frame", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibition_time_frame_exhibition_id"))

    op.drop_table("exhibition_time_frame")
    op.drop_table("opening_hour")
    with op.batch_alter_table("opening_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opening_exception_museum_id"))

    op.drop_table("opening_exception")
    with op.batch_alter_table("exhibition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibition_museum_id"))
        batch_op.drop_index(batch_op.f("ix_exhibition_foreign_id"))

    op.drop_table("exhibition")
    op.drop_table("api_token_museum")
    with op.batch_alter_table("museum", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_museum_shop_order"))

    op.drop_table("museum")
    with op.batch_alter_table("state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_country_id"))

    op.drop_table("state")
    op.drop_table("location")
    op.drop_table("picture")
    op.drop_table("dispatch_mode")
    op.drop_table("country")
    op.drop_table("api_token")
    op.drop_table("instance_setting")
