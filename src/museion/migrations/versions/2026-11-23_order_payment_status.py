"""Orders get their go~mus payment_status: cash point orders are paid when finalized, reseller
orders invoiced, all others pending until paid.

Revision ID: 5b2d7c9e4a10
Revises: 1f8ea552726d
Create Date: 2026-11-23 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b2d7c9e4a10"
down_revision: str | None = "1f8ea552726d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "payment_status IN (10, 20, 30)"


def upgrade() -> None:
    # ADD COLUMN with a default and an inline CHECK (both databases accept it), never a rebuilt
    # table: on SQLite a rebuild drops "order", which with foreign keys on cascades into its items.
    op.add_column(
        "order",
        sa.Column(
            "payment_status",
            sa.Integer(),
            sa.CheckConstraint(CHECK, name=op.f("ck_order_payment_status")),
            server_default=sa.text("10"),
            nullable=False,
        ),
    )
    # Orders finalized before: a cash point's were paid in place, a reseller's invoiced.
    for code, source in ((30, "cashpoint"), (20, "reseller")):
        op.execute(
            f'UPDATE "order" SET payment_status = {code} '
            f"WHERE finalized_at IS NOT NULL AND source = '{source}'"
        )


def downgrade() -> None:
    # The CHECK belongs to the column and goes with it; SQLite (3.35+) drops such a column in
    # place, so here too no table is rebuilt.
    op.execute('ALTER TABLE "order" DROP COLUMN payment_status')
