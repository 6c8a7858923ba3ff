"""API tokens. The secret is shown once at creation; only its SHA-256 is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.db import Base, UTCDateTime


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    access: Mapped[str] = mapped_column(String(20))
    # SHA-256 suffices: secrets are 256 random bits, so there is nothing to brute-force.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    museums: Mapped[list[ApiTokenMuseum]] = relationship(lazy="raise", cascade="all, delete-orphan")
    permissions: Mapped[list[ApiTokenPermission]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ApiTokenPermission.permission"
    )


class ApiTokenMuseum(Base):
    """Limits a token to some museums; a token without rows may use every museum."""

    __tablename__ = "api_token_museum"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True
    )
    museum_id: Mapped[int] = mapped_column(
        ForeignKey("museum.id", ondelete="CASCADE"), primary_key=True
    )


class ApiTokenPermission(Base):
    """A permission of a token (auth.Permission: `orders` for user tokens, `all_orders` for
    cash points). One row each, so later permissions need no new column."""

    __tablename__ = "api_token_permission"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(40), primary_key=True)
