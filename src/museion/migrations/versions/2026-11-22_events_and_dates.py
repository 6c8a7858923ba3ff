"""Events and dates: categories, tags, languages, scale prices, seat plans.

Revision ID: 6f61ea6c7951
Revises: 7e2d7eed6b3c
Create Date: 2026-11-22 19:56:06.962184
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "6f61ea6c7951"
down_revision: str | None = "7e2d7eed6b3c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "event_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "name",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("filtername", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_category")),
    )
    with op.batch_alter_table("event_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_category_filtername"), ["filtername"], unique=False
        )

    op.create_table(
        "language",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column(
            "name",
            museion.db.Translations,
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_language")),
        sa.UniqueConstraint("code", name=op.f("uq_language_code")),
    )
    op.create_table(
        "seating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seating")),
    )
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column(
            "name",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
    )
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tag_kind"), ["kind"], unique=False)

    op.create_table(
        "seat_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seating_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("color_code", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["seating_id"],
            ["seating.id"],
            name=op.f("fk_seat_category_seating_id_seating"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_category")),
    )
    with op.batch_alter_table("seat_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seat_category_seating_id"), ["seating_id"], unique=False
        )

    op.create_table(
        "seat_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seating_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seating_id"],
            ["seating.id"],
            name=op.f("fk_seat_row_seating_id_seating"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_row")),
    )
    with op.batch_alter_table("seat_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seat_row_seating_id"), ["seating_id"], unique=False)

    op.create_table(
        "seat_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seating_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["seating_id"],
            ["seating.id"],
            name=op.f("fk_seat_type_seating_id_seating"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_type")),
    )
    with op.batch_alter_table("seat_type", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seat_type_seating_id"), ["seating_id"], unique=False)

    op.create_table(
        "seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seating_id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=50), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["seat_category.id"],
            name=op.f("fk_seat_category_id_seat_category"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["row_id"], ["seat_row.id"], name=op.f("fk_seat_row_id_seat_row"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["seating_id"],
            ["seating.id"],
            name=op.f("fk_seat_seating_id_seating"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["type_id"],
            ["seat_type.id"],
            name=op.f("fk_seat_type_id_seat_type"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat")),
    )
    with op.batch_alter_table("seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seat_seating_id"), ["seating_id"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.Column("exhibition_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
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
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("bookable_public", sa.Boolean(), nullable=False),
        sa.Column("bookable_reseller", sa.Boolean(), nullable=False),
        sa.Column("bookable_cashpoint", sa.Boolean(), nullable=False),
        sa.Column("registerable", sa.Boolean(), nullable=False),
        sa.Column("min_persons", sa.Integer(), nullable=False),
        sa.Column("max_persons", sa.Integer(), nullable=True),
        sa.Column("max_participants", sa.Integer(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("entry_fee", sa.String(length=10), nullable=False),
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
        sa.CheckConstraint(
            "entry_fee IN ('auto', 'included', 'excluded', 'none')", name=op.f("ck_event_entry_fee")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["event_category.id"],
            name=op.f("fk_event_category_id_event_category"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exhibition_id"],
            ["exhibition.id"],
            name=op.f("fk_event_exhibition_id_exhibition"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_event_location_id_location"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["museum_id"], ["museum.id"], name=op.f("fk_event_museum_id_museum"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["picture_id"],
            ["picture.id"],
            name=op.f("fk_event_picture_id_picture"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_exhibition_id"), ["exhibition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_museum_id"), ["museum_id"], unique=False)

    op.create_table(
        "event_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "title",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("start_at", museion.db.UTCDateTime(), nullable=False),
        sa.Column("end_at", museion.db.UTCDateTime(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("seats_min", sa.Integer(), nullable=False),
        sa.Column("seats_max", sa.Integer(), nullable=False),
        sa.Column("max_per_registration", sa.Integer(), nullable=True),
        sa.Column("seats_booked", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("price_group", sa.Boolean(), nullable=False),
        sa.Column("price_optional", sa.Boolean(), nullable=False),
        sa.Column("vat_pct", sa.Float(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("tax_included", sa.Boolean(), nullable=False),
        sa.Column("seating_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('booked', 'cancelled')", name=op.f("ck_event_date_status")),
        sa.CheckConstraint(
            "seats_booked >= 0 AND seats_booked <= seats_max",
            name=op.f("ck_event_date_no_overbooking"),
        ),
        sa.CheckConstraint(
            "seats_min >= 0 AND seats_min <= seats_max", name=op.f("ck_event_date_seat_range")
        ),
        sa.CheckConstraint("start_at < end_at", name=op.f("ck_event_date_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_date_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["language_id"],
            ["language.id"],
            name=op.f("fk_event_date_language_id_language"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_event_date_location_id_location"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seating_id"],
            ["seating.id"],
            name=op.f("fk_event_date_seating_id_seating"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_date")),
    )
    with op.batch_alter_table("event_date", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_date_event_id_status_start_at",
            ["event_id", "status", "start_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_event_date_status_start_at", ["status", "start_at", "event_id"], unique=False
        )

    op.create_table(
        "event_language",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_language_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["language_id"],
            ["language.id"],
            name=op.f("fk_event_language_language_id_language"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "language_id", name=op.f("pk_event_language")),
    )
    with op.batch_alter_table("event_language", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_language_language_id_event_id", ["language_id", "event_id"], unique=False
        )

    op.create_table(
        "event_tag",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_tag_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_event_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "tag_id", name=op.f("pk_event_tag")),
    )
    with op.batch_alter_table("event_tag", schema=None) as batch_op:
        batch_op.create_index("ix_event_tag_tag_id_event_id", ["tag_id", "event_id"], unique=False)

    op.create_table(
        "scale_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
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
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("vat_pct", sa.Float(), nullable=False),
        sa.Column("group", sa.Boolean(), nullable=False),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column("seat_category_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_scale_price_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seat_category_id"],
            ["seat_category.id"],
            name=op.f("fk_scale_price_seat_category_id_seat_category"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scale_price")),
    )
    with op.batch_alter_table("scale_price", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scale_price_event_id"), ["event_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("scale_price", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scale_price_event_id"))

    op.drop_table("scale_price")
    with op.batch_alter_table("event_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_event_tag_tag_id_event_id")

    op.drop_table("event_tag")
    with op.batch_alter_table("event_language", schema=None) as batch_op:
        batch_op.drop_index("ix_event_language_language_id_event_id")

    op.drop_table("event_language")
    with op.batch_alter_table("event_date", schema=None) as batch_op:
        batch_op.drop_index("ix_event_date_status_start_at")
        batch_op.drop_index("ix_event_date_event_id_status_start_at")

    op.drop_table("event_date")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_museum_id"))
        batch_op.drop_index(batch_op.f("ix_event_exhibition_id"))
        batch_op.drop_index(batch_op.f("ix_event_category_id"))

    op.drop_table("event")
    with op.batch_alter_table("seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seat_seating_id"))

    op.drop_table("seat")
    with op.batch_alter_table("seat_type", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seat_type_seating_id"))

    op.drop_table("seat_type")
    with op.batch_alter_table("seat_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seat_row_seating_id"))

    op.drop_table("seat_row")
    with op.batch_alter_table("seat_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seat_category_seating_id"))

    op.drop_table("seat_category")
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tag_kind"))

    op.drop_table("tag")
    op.drop_table("seating")
    op.drop_table("language")
    with op.batch_alter_table("event_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_category_filtername"))

    op.drop_table("event_category")
