"""Hold caps: who holds each reservation, a lock row per holder, an index to tidy expired holds.

Revision ID: 2d8f6a1c9e03
Revises: c4a9e2f71b3d
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "2d8f6a1c9e03"
down_revision: str | None = "c4a9e2f71b3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hold_holder",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("seen_at", museion.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_hold_holder")),
    )
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("holder", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.create_index(
            "ix_reservation_holder_valid_until", ["holder", "valid_until"], unique=False
        )
        batch_op.create_index("ix_reservation_valid_until", ["valid_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.drop_index("ix_reservation_valid_until")
        batch_op.drop_index("ix_reservation_holder_valid_until")
        batch_op.drop_column("holder")
    op.drop_table("hold_holder")
