"""Orders: order, order_item, barcode; the ticket sales, event bookings and booked seats that
hold capacity; stored answers of Idempotency-Key requests; the mail outbox.

Revision ID: 1f8ea552726d
Revises: 93eefa9cb2f0
Create Date: 2026-11-22 22:35:50
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "1f8ea552726d"
down_revision: str | None = "93eefa9cb2f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("api_token_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("customer", sa.JSON(), nullable=True),
        sa.Column("total_price_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", museion.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finalized_at", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "source IN ('reseller', 'cashpoint', 'shop', 'api')", name=op.f("ck_order_source")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'finalized', 'cancelled')", name=op.f("ck_order_status")
        ),
        sa.CheckConstraint("total_price_cents >= 0", name=op.f("ck_order_total_not_negative")),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_token.id"],
            name=op.f("fk_order_api_token_id_api_token"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order")),
        sa.UniqueConstraint("token", name=op.f("uq_order_token")),
    )
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_api_token_id_created_at", ["api_token_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_order_created_at", ["created_at"], unique=False)

    op.create_table(
        "ticket_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start_at", museion.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("live_until", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_ticket_sale_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["ticket_sale.id"],
            name=op.f("fk_ticket_sale_parent_id_ticket_sale"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_sale_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_sale")),
    )
    with op.batch_alter_table("ticket_sale", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_sale_ticket_id_start_at", ["ticket_id", "start_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ticket_sale_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "event_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("live_until", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_event_booking_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["date_id"],
            ["event_date.id"],
            name=op.f("fk_event_booking_date_id_event_date"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_booking")),
    )
    with op.batch_alter_table("event_booking", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_booking_date_id_live_until", ["date_id", "live_until"], unique=False
        )

    op.create_table(
        "order_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("museum_id", sa.Integer(), nullable=True),
        sa.Column("title", museion.db.Translations, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start_at", museion.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("vat_pct", sa.Float(), nullable=False),
        sa.Column("tax_included", sa.Boolean(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_sale_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("date_id", sa.Integer(), nullable=True),
        sa.Column("event_booking_id", sa.Integer(), nullable=True),
        sa.Column("quantities", sa.JSON(), nullable=True),
        sa.Column("attendees", sa.JSON(), nullable=True),
        sa.Column("sub_ticket_times", sa.JSON(), nullable=True),
        sa.Column("cancelled_at", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(type = 'Ticket' AND ticket_sale_id IS NOT NULL AND event_booking_id IS NULL) OR "
            "(type = 'Event' AND event_booking_id IS NOT NULL AND ticket_sale_id IS NULL)",
            name=op.f("ck_order_item_one_kind"),
        ),
        sa.CheckConstraint("type IN ('Ticket', 'Event')", name=op.f("ck_order_item_type")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_item_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["date_id"],
            ["event_date.id"],
            name=op.f("fk_order_item_date_id_event_date"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_booking_id"],
            ["event_booking.id"],
            name=op.f("fk_order_item_event_booking_id_event_booking"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_order_item_event_id_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["museum_id"],
            ["museum.id"],
            name=op.f("fk_order_item_museum_id_museum"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["order.id"],
            name=op.f("fk_order_item_order_id_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_order_item_ticket_id_ticket"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_sale_id"],
            ["ticket_sale.id"],
            name=op.f("fk_order_item_ticket_sale_id_ticket_sale"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_item")),
        sa.UniqueConstraint("event_booking_id", name=op.f("uq_order_item_event_booking_id")),
        sa.UniqueConstraint("ticket_sale_id", name=op.f("uq_order_item_ticket_sale_id")),
    )
    with op.batch_alter_table("order_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_item_museum_id"), ["museum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_item_order_id"), ["order_id"], unique=False)

    op.create_table(
        "barcode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("order_item_id", sa.Integer(), nullable=False),
        sa.Column("invalidated_at", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_item.id"],
            name=op.f("fk_barcode_order_item_id_order_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_barcode")),
        sa.UniqueConstraint("code", name=op.f("uq_barcode_code")),
    )
    with op.batch_alter_table("barcode", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_barcode_order_item_id"), ["order_item_id"], unique=False
        )
    op.create_table(
        "idempotency_key",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", museion.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_idempotency_key")),
    )
    op.create_table(
        "mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", museion.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", museion.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", museion.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["order.id"], name=op.f("fk_mail_order_id_order"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail")),
        sa.UniqueConstraint("order_id", "kind", name=op.f("uq_mail_order_id")),
    )
    with op.batch_alter_table("mail", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_sent_at_next_attempt_at", ["sent_at", "next_attempt_at"], unique=False
        )
    op.create_table(
        "booked_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("date_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["event_booking.id"],
            name=op.f("fk_booked_seat_booking_id_event_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["date_id"],
            ["event_date.id"],
            name=op.f("fk_booked_seat_date_id_event_date"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seat_id"], ["seat.id"], name=op.f("fk_booked_seat_seat_id_seat"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booked_seat")),
    )
    with op.batch_alter_table("booked_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booked_seat_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(
            "ix_booked_seat_date_id_seat_id", ["date_id", "seat_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("booked_seat", schema=None) as batch_op:
        batch_op.drop_index("ix_booked_seat_date_id_seat_id")
        batch_op.drop_index(batch_op.f("ix_booked_seat_booking_id"))

    op.drop_table("booked_seat")
    with op.batch_alter_table("mail", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_sent_at_next_attempt_at")

    op.drop_table("mail")
    op.drop_table("idempotency_key")
    with op.batch_alter_table("barcode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_barcode_order_item_id"))

    op.drop_table("barcode")
    with op.batch_alter_table("order_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_item_order_id"))
        batch_op.drop_index(batch_op.f("ix_order_item_museum_id"))

    op.drop_table("order_item")
    with op.batch_alter_table("event_booking", schema=None) as batch_op:
        batch_op.drop_index("ix_event_booking_date_id_live_until")

    op.drop_table("event_booking")
    with op.batch_alter_table("ticket_sale", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_sale_parent_id"))
        batch_op.drop_index("ix_ticket_sale_ticket_id_start_at")

    op.drop_table("ticket_sale")
    with op.batch_alter_table("order", schema=None) as batch_op:
        batch_op.drop_index("ix_order_created_at")
        batch_op.drop_index("ix_order_api_token_id_created_at")

    op.drop_table("order")
