"""Seat versions per event: an order or a cancellation bumps the version of the events whose
seats it changes, so that cached date pages of other events stay valid (system/cache.py).

Revision ID: 9d3b5f7a2c61
Revises: 7c2e9a4f1b85
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d3b5f7a2c61"
down_revision: str | None = "7c2e9a4f1b85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_seat_version",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_seat_version")),
    )


def downgrade() -> None:
    op.drop_table("event_seat_version")
