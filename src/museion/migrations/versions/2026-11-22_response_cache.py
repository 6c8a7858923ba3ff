"""Shared response cache for anonymous calendar reads, and its generation counter.

Revision ID: 3c0a5e1f9b27
Revises: 6f61ea6c7951
Create Date: 2026-11-22 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import museion.db

revision: str = "3c0a5e1f9b27"
down_revision: str | None = "6f61ea6c7951"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    generation = op.create_table(
        "cache_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cache_generation")),
    )
    op.bulk_insert(generation, [{"id": 1, "value": 1}])
    op.create_table(
        "response_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", museion.db.UTCDateTime(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_response_cache")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Cached answers can be rebuilt: no write-ahead log for them, and none after a crash.
        op.execute("ALTER TABLE response_cache SET UNLOGGED")


def downgrade() -> None:
    op.drop_table("response_cache")
    op.drop_table("cache_generation")
