"""Instance-level facts kept in the database: settings (e.g. that it holds demo data), the cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from museion.db import Base, UTCDateTime


class InstanceSetting(Base):
    __tablename__ = "instance_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CacheGeneration(Base):
    """One row: the number every cached answer is filed under. Bumped when calendars change."""

    __tablename__ = "cache_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class EventSeatVersion(Base):
    """How often the seats of an event's dates changed (orders, cancellations): a cached date page
    holds the versions of its events and is valid while they stand (museion.system.cache)."""

    __tablename__ = "event_seat_version"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class ResponseCache(Base):
    """Cached JSON answers of calendar reads, shared by every app process."""

    __tablename__ = "response_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[bytes] = mapped_column(LargeBinary)


class RateLimitCounter(Base):
    """Requests of one client in one route group and window, shared by every app process.

    The key names all three (`<group>:<client>:<window>`), so a new window starts a new row and
    nothing is ever reset; rows of past windows are swept (museion.system.ratelimit)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
