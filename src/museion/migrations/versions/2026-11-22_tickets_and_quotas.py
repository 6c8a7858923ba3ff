"""Tickets, quotas with capacity rules, quota slots (the lock rows) and reservations.

Revision ID: 93eefa9cb2f0
Revises: 3c0a5e1f9b27
Create Date: 2026-11-22 22:01:26.233326
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "93eefa9cb2f0"
down_revision: str | None = "3c0a5e1f9b27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            museion.db.UTCDateTime(),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota")),
    )
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("ticket_type", sa.String(length=10), nullable=False),
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
            "after_sale_information",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column(
            "content",
            museion.db.Translations,
            nullable=False,
        ),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("discount", sa.Integer(), nullable=False),
        sa.Column("vat_pct", sa.Float(), nullable=False),
        sa.Column("tax_included", sa.Boolean(), nullable=False),
        sa.Column("first_entry", sa.Integer(), nullable=False),
        sa.Column("last_entry", sa.Integer(), nullable=False),
        sa.Column("entry_duration", sa.Integer(), nullable=True),
        sa.Column("min_persons", sa.Integer(), nullable=False),
        sa.Column("max_persons", sa.Integer(), nullable=False),
        sa.Column("personalizeable", sa.Boolean(), nullable=False),
        sa.Column("attendees", sa.String(length=10), nullable=False),
        sa.Column("identification", sa.Boolean(), nullable=False),
        sa.Column("free_timing", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("bookable_public", sa.Boolean(), nullable=False),
        sa.Column("bookable_reseller", sa.Boolean(), nullable=False),
        sa.Column("bookable_cashpoint", sa.Boolean(), nullable=False),
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
            "(ticket_type = 'time_slot' AND entry_duration > 0) "
            "OR (ticket_type <> 'time_slot' AND entry_duration IS NULL)",
            name=op.f("ck_ticket_entry_duration"),
        ),
        sa.CheckConstraint(
            "attendees IN ('required', 'optional', 'none')", name=op.f("ck_ticket_attendees")
        ),
        sa.CheckConstraint(
            "ticket_type IN ('normal', 'time_slot', 'annual')", name=op.f("ck_ticket_ticket_type")
        ),
        sa.CheckConstraint("discount BETWEEN 0 AND 100", name=op.f("ck_ticket_discount_pct")),
        sa.CheckConstraint(
            "first_entry >= 0 AND first_entry <= last_entry AND last_entry < 1440",
            name=op.f("ck_ticket_entry_window"),
        ),
        sa.CheckConstraint(
            "min_persons >= 0 AND min_persons <= max_persons", name=op.f("ck_ticket_persons")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_parent_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "quota_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quota_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(valid_from IS NULL AND valid_to IS NULL) OR (valid_from IS NOT NULL "
            "AND valid_to IS NOT NULL AND valid_from <= valid_to)",
            name=op.f("ck_quota_rule_date_range"),
        ),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_quota_rule_capacity")),
        sa.CheckConstraint(
            "weekday IS NULL OR weekday BETWEEN 1 AND 7", name=op.f("ck_quota_rule_weekday_iso")
        ),
        sa.ForeignKeyConstraint(
            ["quota_id"],
            ["quota.id"],
            name=op.f("fk_quota_rule_quota_id_quota"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_rule")),
    )
    with op.batch_alter_table("quota_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quota_rule_quota_id"), ["quota_id"], unique=False)

    op.create_table(
        "quota_slot",
        sa.Column("quota_id", sa.Integer(), nullable=False),
        sa.Column("start_at", museion.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quota_id"],
            ["quota.id"],
            name=op.f("fk_quota_slot_quota_id_quota"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("quota_id", "start_at", name=op.f("pk_quota_slot")),
    )
    op.create_table(
        "reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start_at", museion.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", museion.db.UTCDateTime(), nullable=False),
        sa.Column("created_at", museion.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_reservation_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_reservation_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservation")),
        sa.UniqueConstraint("token", name=op.f("uq_reservation_token")),
    )
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reservation_ticket_id_start_at_valid_until",
            ["ticket_id", "start_at", "valid_until"],
            unique=False,
        )

    op.create_table(
        "ticket_quota",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("quota_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quota_id"],
            ["quota.id"],
            name=op.f("fk_ticket_quota_quota_id_quota"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_quota_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "quota_id", name=op.f("pk_ticket_quota")),
    )
    with op.batch_alter_table("ticket_quota", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_quota_quota_id_ticket_id", ["quota_id", "ticket_id"], unique=False
        )

    op.create_table(
        "ticket_museum",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museum.id"],
            name=op.f("fk_ticket_museum_museum_id_museum"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_museum_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "museum_id", name=op.f("pk_ticket_museum")),
    )
    with op.batch_alter_table("ticket_museum", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_museum_museum_id_ticket_id", ["museum_id", "ticket_id"], unique=False
        )

    op.create_table(
        "ticket_exhibition",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("exhibition_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exhibition_id"],
            ["exhibition.id"],
            name=op.f("fk_ticket_exhibition_exhibition_id_exhibition"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_exhibition_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "exhibition_id", name=op.f("pk_ticket_exhibition")),
    )
    with op.batch_alter_table("ticket_exhibition", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_exhibition_exhibition_id_ticket_id",
            ["exhibition_id", "ticket_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_exhibition", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_exhibition_exhibition_id_ticket_id")

    op.drop_table("ticket_exhibition")
    with op.batch_alter_table("ticket_museum", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_museum_museum_id_ticket_id")

    op.drop_table("ticket_museum")
    with op.batch_alter_table("ticket_quota", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_quota_quota_id_ticket_id")

    op.drop_table("ticket_quota")
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.drop_index("ix_reservation_ticket_id_start_at_valid_until")

    op.drop_table("reservation")
    op.drop_table("quota_slot")
    with op.batch_alter_table("quota_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quota_rule_quota_id"))

    op.drop_table("quota_rule")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_parent_id"))

    op.drop_table("ticket")
    op.drop_table("quota")
