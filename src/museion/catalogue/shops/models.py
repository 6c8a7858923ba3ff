"""Shops an instance serves (one per host) and their texts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from museion.db import Base, Translations, UTCDateTime

# Free-form shop options: JSONB on PostgreSQL, JSON text on SQLite (like Translations).
Options = JSON().with_variant(JSONB(), "postgresql")


class ShopTextKind(StrEnum):
    # Short interface texts (buttons, headings), with built-in defaults for the standard keys.
    TRANSLATIONS = "translations"
    # Longer texts of this shop only (welcome text, legal links, checkout notes).
    CONTENT = "content"


class Shop(Base):
    """A shop frontend of the instance, picked by the host in `X-Shop-Url`."""

    __tablename__ = "shop"
    __table_args__ = (
        # Stored as service.shop_host() normalises a header, so lookups are one equality.
        CheckConstraint("host = lower(host)", name="host_lower_case"),
        # At most one default shop: it answers requests without a known X-Shop-Url.
        Index(
            "ix_shop_one_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Host name only: no scheme, port or path; lower case. None: reachable as the default only.
    host: Mapped[str | None] = mapped_column(String(253), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[dict[str, str | None]] = mapped_column(Translations)
    # What the frontend needs to run (museum_ids, capacity_display); see schemas.ShopConfigOut.
    config: Mapped[dict[str, Any]] = mapped_column(Options, default=dict)
    # Behaviour switches (show_free_seats, max_tickets_per_order, ...); see schemas.ShopSettingsOut.
    settings: Mapped[dict[str, Any]] = mapped_column(Options, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, server_default=func.now(), onupdate=func.now()
    )

    texts: Mapped[list[ShopText]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class ShopText(Base):
    """One text of a shop in every locale: {"de": ..., "en": ...}, like every translated field."""

    __tablename__ = "shop_text"
    __table_args__ = (
        UniqueConstraint("shop_id", "kind", "key"),
        CheckConstraint("kind IN ('translations', 'content')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(100))
    text: Mapped[dict[str, str | None]] = mapped_column(Translations)
