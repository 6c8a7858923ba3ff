"""Constant master data: countries, states, dispatch modes."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from museion.db import Base, Searchable, Translations


class Country(Searchable, Base):
    """An ISO 3166-1 country; ids follow the alphabetical order of the two-letter codes."""

    __tablename__ = "country"
    __search_fields__ = ("name", "code")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[dict[str, str | None]] = mapped_column(Translations)


class State(Searchable, Base):
    __tablename__ = "state"
    __search_fields__ = ("name",)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), index=True)
    name: Mapped[dict[str, str | None]] = mapped_column(Translations)


class DispatchMode(Searchable, Base):
    """How an order reaches the customer (e-mail, post, pick-up); configured per instance."""

    __tablename__ = "dispatch_mode"
    __search_fields__ = ("name",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[dict[str, str | None]] = mapped_column(Translations)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
