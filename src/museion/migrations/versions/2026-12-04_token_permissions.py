"""Token permissions: what a token may do beyond its access level (user tokens: `orders`;
cash points: `all_orders`), one row per token and permission.

Existing tokens get no permission: after this revision user tokens need `orders` for the order
endpoints, and cash points see only their own orders unless given `all_orders` (create a new
token with `museion token create ... --permission orders` / `--all-orders`).

Revision ID: 5b60aee9f4f3
Revises: 2d8f6a1c9e03
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b60aee9f4f3"
down_revision: str | None = "2d8f6a1c9e03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token_permission",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("permission", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
            name=op.f("fk_api_token_permission_token_id_api_token"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "permission", name=op.f("pk_api_token_permission")),
    )


def downgrade() -> None:
    op.drop_table("api_token_permission")
