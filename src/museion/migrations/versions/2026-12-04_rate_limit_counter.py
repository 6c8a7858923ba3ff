"""Rate limit counters shared by every app process (when no Redis keeps them).

Revision ID: 2b7f4d9c1e60
Revises: 5b60aee9f4f3
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "2b7f4d9c1e60"
down_revision: str | None = "5b60aee9f4f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", museion.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counter")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Counters of the current minute: losing them in a crash costs nothing, so no WAL.
        op.execute("ALTER TABLE rate_limit_counter SET UNLOGGED")


def downgrade() -> None:
    op.drop_table("rate_limit_counter")
