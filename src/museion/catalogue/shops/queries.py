"""Shop statements."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import case, select
from sqlalchemy.orm import Session, selectinload

from museion.catalogue.museums.models import Museum
from museion.catalogue.shops.models import Shop


def find_shop(session: Session, host: str | None) -> Shop | None:
    """The shop served under `host`; else the default shop; else the oldest one; None: no shops."""
    # An instance has a handful of shops: ranking them all in one statement is cheaper than
    # a second round trip for the fallback.
    rank = [Shop.is_default.desc(), Shop.id]
    if host is not None:
        rank.insert(0, case((Shop.host == host, 0), else_=1))
    statement = select(Shop).order_by(*rank).limit(1).options(selectinload(Shop.texts))
    return session.scalars(statement).first()


def list_museum_ids(session: Session, museum_ids: Collection[int] | None) -> list[int]:
    """Ids of the existing museums among `museum_ids` (None: all), in the shop's order."""
    statement = select(Museum.id).order_by(Museum.shop_order, Museum.id)
    if museum_ids is not None:
        statement = statement.where(Museum.id.in_(museum_ids))
    return list(session.scalars(statement))
