"""The catalogue's content generation: a second row of cache_generation, bumped only by content
changes (not by seats that orders take), which pre-rendered date fragments are filed under.

Revision ID: 7c2e9a4f1b85
Revises: 4a6c8e0b2d13
Create Date: 2026-12-05 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c2e9a4f1b85"
down_revision: str | None = "4a6c8e0b2d13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_generation = sa.table(
    "cache_generation", sa.column("id", sa.Integer), sa.column("value", sa.BigInteger)
)


def upgrade() -> None:
    op.bulk_insert(_generation, [{"id": 2, "value": 1}])


def downgrade() -> None:
    op.execute(_generation.delete().where(_generation.c.id == 2))
