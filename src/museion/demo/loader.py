"""Loads the demo instance (content.py) into a database: for `museion demo` and the tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from museion.catalogue.exhibitions.models import Exhibition, ExhibitionTimeFrame
from museion.catalogue.lookups.models import Country
from museion.catalogue.models import Location, Picture
from museion.catalogue.museums.models import Museum, OpeningException, OpeningHour
from museion.catalogue.shops.models import Shop, ShopText, ShopTextKind
from museion.db import Base
from museion.demo import content
from museion.demo.events import DemoEvents, load_demo_events
from museion.demo.pictures import write_demo_pictures
from museion.demo.tickets import DemoTickets, load_demo_tickets
from museion.system.cache import catalogue_changed
from museion.system.models import InstanceSetting
from museion.tokens import service as tokens

DEMO_MARKER = "demo_data"
# Lookup tables hold constant data seeded by the migrations; the demo never touches them.
KEPT_TABLES = {"alembic_version", "country", "state", "dispatch_mode", "cache_generation"}

# Well-known secrets, printed by `museion demo` and used in the README's curl examples.
# (secret, access, museum key or None, name, permissions). The demo shows everything: its user
# token may use the order endpoints, its cash point sees every seller's orders.
DEMO_TOKENS: list[tuple[str, str, str | None, str, tuple[str, ...]]] = [
    ("demo-user", "user", None, "Demo: content API user", ("orders",)),
    ("demo-reseller", "reseller", None, "Demo: reseller", ()),
    ("demo-cashpoint", "cashpoint", None, "Demo: cash point", ("all_orders",)),
    ("demo-entry", "entry", None, "Demo: entry gate", ()),
    (
        "demo-reseller-kunsthalle",
        "reseller",
        "kunsthalle",
        "Demo: reseller limited to one museum",
        (),
    ),
]


_RELATIVE_DATE = re.compile(r"^Y(?:([+-]\d+)(?=-\d\d-\d\d))?-(\d\d)-(\d\d) (\d\d):(\d\d)$")


@dataclass
class DemoInstance:
    museum_ids: dict[str, int] = field(default_factory=dict)
    exhibition_ids: list[int] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)  # secret -> access
    events: DemoEvents | None = None
    tickets: DemoTickets | None = None
    shop_id: int | None = None


def holds_demo_data(session: Session) -> bool:
    return session.get(InstanceSetting, DEMO_MARKER) is not None


def has_museums(session: Session) -> bool:
    return session.scalars(select(Museum.id).limit(1)).first() is not None


def clear_instance(session: Session) -> None:
    """Delete every row except the constant lookups, children before parents."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            session.execute(delete(table))


def load_demo(
    session: Session, *, today: date, zone: ZoneInfo, media_dir: Path | None = None
) -> DemoInstance:
    """Replace the instance's content with the demo museums; dates run for a year from `today`."""
    year = today.year
    clear_instance(session)
    countries = {code: id_ for code, id_ in session.execute(select(Country.code, Country.id))}
    demo = DemoInstance()
    for spec in content.MUSEUMS:
        museum = _museum(spec, countries, year)
        session.add(museum)
        session.flush()
        demo.museum_ids[spec["key"]] = museum.id
    for order, spec in enumerate(content.EXHIBITIONS, start=1):
        exhibition = _exhibition(spec, demo.museum_ids, countries, year, zone, order)
        session.add(exhibition)
        session.flush()
        demo.exhibition_ids.append(exhibition.id)
    demo.events = load_demo_events(session, museum_ids=demo.museum_ids, today=today, zone=zone)
    demo.tickets = load_demo_tickets(session, museum_ids=demo.museum_ids, today=today)
    shop = _shop(content.SHOP)
    session.add(shop)
    session.flush()
    demo.shop_id = shop.id
    for secret, access, museum_key, name, permissions in DEMO_TOKENS:
        museum_ids = [demo.museum_ids[museum_key]] if museum_key else []
        tokens.create_token(
            session,
            access=access,
            name=name,
            museum_ids=museum_ids,
            permissions=permissions,
            secret=secret,
        )
        demo.tokens[secret] = access
    session.add(InstanceSetting(key=DEMO_MARKER, value=datetime.now(zone).isoformat()))
    session.flush()
    catalogue_changed(session)
    if media_dir is not None:
        write_demo_pictures(media_dir)
    return demo


def _museum(spec: dict[str, Any], countries: dict[str, int], year: int) -> Museum:
    return Museum(
        shop_order=spec["shop_order"],
        title=spec["title"],
        sub_title=spec["sub_title"],
        description=spec["description"],
        content=spec["content"],
        picture=_picture(spec["picture"]),
        location=_location(spec["location"], countries),
        opening_hours=[
            OpeningHour(weekday=weekday, opens=_time(hours[0]), closes=_time(hours[1]))
            for weekday, hours in spec["opening_hours"].items()
            if hours
        ],
        opening_exceptions=[_exception(e, year) for e in spec["opening_exceptions"]],
    )


def _shop(spec: dict[str, Any]) -> Shop:
    texts = [
        ShopText(kind=kind, key=key, text=text)
        for kind in ShopTextKind
        for key, text in spec[kind.value].items()
    ]
    return Shop(
        host=spec["host"],
        is_default=True,
        name=spec["name"],
        config=spec["config"],
        settings=spec["settings"],
        texts=texts,
    )


def _exception(spec: dict[str, Any], year: int) -> OpeningException:
    month, day = (int(part) for part in spec["month_day"].split("-"))
    hours = spec["hours"]
    return OpeningException(
        applies_on=date(year, month, day),
        every_year=True,
        opens=_time(hours[0]) if hours else None,
        closes=_time(hours[1]) if hours else None,
        note=spec.get("note") or {},
    )


def _exhibition(
    spec: dict[str, Any],
    museum_ids: dict[str, int],
    countries: dict[str, int],
    year: int,
    zone: ZoneInfo,
    order: int,
) -> Exhibition:
    return Exhibition(
        museum_id=museum_ids[spec["museum"]],
        foreign_id=spec.get("foreign_id"),
        title=spec["title"],
        sub_title=spec["sub_title"],
        slider_description=spec["slider_description"],
        description=spec["description"],
        content=spec["content"],
        featured=spec["featured"],
        sort_order=order,
        picture=_picture(spec["picture"]),
        location=_location(spec["location"], countries),
        time_frames=[
            ExhibitionTimeFrame(
                start_at=_relative(start, year, zone), end_at=_relative(end, year, zone)
            )
            for start, end in spec["time_frames"]
        ],
    )


def _picture(spec: dict[str, Any] | None) -> Picture | None:
    if spec is None:
        return None
    return Picture(
        filename=spec["filename"],
        title=spec["title"],
        description=spec["description"],
        copyright_info=spec["copyright_info"],
    )


def _location(spec: dict[str, Any] | None, countries: dict[str, int]) -> Location | None:
    if spec is None:
        return None
    fields = {k: v for k, v in spec.items() if k != "country_code"}
    return Location(**fields, country_id=countries[spec["country_code"]])


def _time(value: str) -> time:
    return time.fromisoformat(value)


def _relative(value: str, year: int, zone: ZoneInfo) -> datetime:
    """ "Y+1-02-01 11:00" -> 1 Feb of the next year, 11:00 local time."""
    match = _RELATIVE_DATE.match(value)
    if match is None:
        raise ValueError(f"bad demo date {value!r}")
    offset, month, day, hour, minute = match.groups()
    local = datetime(year + int(offset or 0), int(month), int(day), int(hour), int(minute))
    return local.replace(tzinfo=zone)
