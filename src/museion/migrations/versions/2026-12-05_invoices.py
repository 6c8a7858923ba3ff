"""Invoices and credit notes with gap-free numbers and immutable content; the mail outbox keeps
only what to write about (the text is written when the mail is sent).

Revision ID: 4a6c8e0b2d13
Revises: 2b7f4d9c1e60
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "4a6c8e0b2d13"
down_revision: str | None = "2b7f4d9c1e60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_counter",
        sa.Column("series", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_document_counter")),
    )
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("issued_at", museion.db.UTCDateTime(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f("ck_invoice_kind")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["order.id"], name=op.f("fk_invoice_order_id_order"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("number", name=op.f("uq_invoice_number")),
        sa.UniqueConstraint("order_id", "kind", "position", name=op.f("uq_invoice_order_id")),
    )
    # Unsent mails keep their order, kind and recipient: their text is written when they go out.
    with op.batch_alter_table("mail", schema=None) as batch_op:
        batch_op.drop_constraint("uq_mail_order_id", type_="unique")
        batch_op.create_index("ix_mail_order_id", ["order_id"], unique=False)
        batch_op.drop_column("subject")
        batch_op.drop_column("body")


def downgrade() -> None:
    with op.batch_alter_table("mail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("subject", sa.String(length=200), server_default="", nullable=False)
        )
    # Several mails of one kind per order (cancellations) cannot keep the old uniqueness.
    op.execute(
        "DELETE FROM mail WHERE id NOT IN (SELECT min(id) FROM mail GROUP BY order_id, kind)"
    )
    with op.batch_alter_table("mail", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_order_id")
        batch_op.create_unique_constraint("uq_mail_order_id", ["order_id", "kind"])
    op.drop_table("invoice")
    op.drop_table("document_counter")
