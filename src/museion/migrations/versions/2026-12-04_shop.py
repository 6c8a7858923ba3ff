"""Shops: the configuration shop frontends read (GET /shop), picked by X-Shop-Url, and their texts.

Revision ID: c4a9e2f71b3d
Revises: 8e41c3a7d2f5
Create Date: 2026-12-04 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import museion.db

revision: str = "c4a9e2f71b3d"
down_revision: str | None = "8e41c3a7d2f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPTIONS = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "shop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("name", museion.db.Translations, nullable=False),
        sa.Column("config", OPTIONS, nullable=False),
        sa.Column("settings", OPTIONS, nullable=False),
        sa.Column(
            "created_at", museion.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", museion.db.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("host = lower(host)", name=op.f("ck_shop_host_lower_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop")),
        sa.UniqueConstraint("host", name=op.f("uq_shop_host")),
    )
    op.create_index(
        "ix_shop_one_default",
        "shop",
        ["is_default"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "shop_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("text", museion.db.Translations, nullable=False),
        sa.CheckConstraint("kind IN ('translations', 'content')", name=op.f("ck_shop_text_kind")),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_shop_text_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_text")),
        sa.UniqueConstraint("shop_id", "kind", "key", name=op.f("uq_shop_text_shop_id")),
    )


def downgrade() -> None:
    op.drop_table("shop_text")
    op.drop_index("ix_shop_one_default", table_name="shop")
    op.drop_table("shop")
