"""Fill a database with the demo instance plus a large, deterministic calendar for benchmarks.

    .venv/bin/python bench/generate.py --url sqlite:///bench/data/bench.db --events 2000 \
        --dates 200000
    .venv/bin/python bench/generate.py --url postgresql://postgres@127.0.0.1:5432/museion_bench
    .venv/bin/python bench/generate.py --url sqlite:///bench/data/network.db --network --recreate

The demo (museums, exhibitions, categories, tags, languages, tokens and its ~15 events) is loaded
first through `load_demo`; more museums (`--museums`), the extra events and dates and, with
`--orders`, stored orders (bench/order_history.py) are then bulk-written (bench/bulk.py: COPY on
PostgreSQL, Core executemany in chunks on SQLite), which takes seconds instead of the ORM's
minutes. Everything derives from `random.Random(seed)` and today's date in Europe/Berlin, so two
runs on one day give the same data. `--network`: 20 museums, 5,000 events, 500,000 dates and
2,000,000 orders over two years.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bulk import Row, Writer
from order_history import DateBook, Planner, seller_tokens, ticket_book, write_orders
from sqlalchemy import Table, create_engine, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from museion.catalogue.events.models import (
    EntryFee,
    Event,
    EventCategory,
    EventDate,
    Language,
    ScalePrice,
    Tag,
)
from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.museums.models import Museum, OpeningHour
from museion.db import Base, Database, normalize_url, session_scope
from museion.demo.loader import has_museums, holds_demo_data, load_demo
from museion.migrations import upgrade

ZONE = ZoneInfo("Europe/Berlin")
DAYS_BEFORE = 30
DAYS_SPAN = 365
# --network: a museum network over two years, a year back and a year ahead.
NETWORK = {
    "museums": 20,
    "events": 5_000,
    "dates": 500_000,
    "orders": 2_000_000,
    "days_before": 365,
    "days": 730,
}
ORDER_TABLES = ("order", "order_item", "ticket_sale", "event_booking", "barcode")
# Lookups the demo keeps unused on purpose (its filter endpoints must leave them out).
UNUSED_CATEGORIES = {"archive"}
UNUSED_LANGUAGES = {"ls"}
UNUSED_TAG_NAMES = {"Kitagruppen"}

Text = dict[str, str | None]
T = TypeVar("T")

SUBJECTS = [
    ("Licht und Schatten", "Light and shadow"),
    ("Stadtgeschichte", "City history"),
    ("Die Eiszeit", "The Ice Age"),
    ("Fotografie im Wandel", "Photography in transition"),
    ("Industriekultur", "Industrial heritage"),
    ("Meisterwerke", "Masterpieces"),
    ("Farben der Moderne", "Colours of modernism"),
    ("Alltag um 1900", "Everyday life around 1900"),
    ("Tiere der Nacht", "Animals of the night"),
    ("Klang und Raum", "Sound and space"),
    ("Papier und Druck", "Paper and print"),
    ("Das Depot", "The storage rooms"),
]
FORMATS = [
    ("Führung", "Tour"),
    ("Workshop", "Workshop"),
    ("Vortrag", "Lecture"),
    ("Familiensonntag", "Family Sunday"),
    ("Kuratorengespräch", "Curator's talk"),
    ("Konzert", "Concert"),
    ("Ferienkurs", "Holiday course"),
]
AUDIENCES = [
    ("für Erwachsene", "for adults"),
    ("für Kinder ab 6", "for children aged 6 and over"),
    ("für Schulklassen", "for school classes"),
    ("für alle", "for everyone"),
]


@dataclass(frozen=True)
class Lookups:
    """Ids the generated rows refer to, read back after the demo is loaded."""

    museum_ids: list[int]
    exhibitions_by_museum: dict[int, list[int]]
    category_ids: list[int]
    tag_ids: list[int]
    language_ids: list[int]


@dataclass
class Generated:
    events: list[Row]
    event_tags: list[Row]
    event_languages: list[Row]
    scale_prices: list[Row]
    dates: list[Row]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL (sqlite:/// or postgresql://)")
    parser.add_argument(
        "--network",
        action="store_true",
        help="a museum network: "
        + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in NETWORK.items())
        + " (options given as well win)",
    )
    parser.add_argument(
        "--museums", type=int, help="museums in all, the demo's included (default: the demo's)"
    )
    parser.add_argument("--events", type=int, help="extra events (default 2000)")
    parser.add_argument("--dates", type=int, help="extra dates (default 200000)")
    parser.add_argument(
        "--orders", type=int, help="stored orders with items, sales and barcodes (default 0)"
    )
    parser.add_argument(
        "--days-before", type=int, help=f"dates start this many days before today ({DAYS_BEFORE})"
    )
    parser.add_argument("--days", type=int, help=f"days the dates span ({DAYS_SPAN})")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--force", action="store_true", help="replace content that is not demo data"
    )
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="delete the SQLite file / drop the PostgreSQL database first (a fresh schema)",
    )
    args = parser.parse_args(argv)
    defaults = (
        NETWORK
        if args.network
        else {
            "museums": 0,
            "events": 2_000,
            "dates": 200_000,
            "orders": 0,
            "days_before": DAYS_BEFORE,
            "days": DAYS_SPAN,
        }
    )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def ensure_database(url: str, *, recreate: bool) -> None:
    """SQLite: create the folder. PostgreSQL: create the database if it does not exist yet.
    `recreate` first deletes the SQLite file or drops the PostgreSQL database, so the schema
    is built from the current migrations (which change in place during development)."""
    parsed = make_url(normalize_url(url))
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        if recreate:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    elif backend == "postgresql" and parsed.database:
        ensure_postgres_database(parsed, recreate=recreate)


def ensure_postgres_database(parsed: URL, *, recreate: bool) -> None:
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = str(parsed.database)
    quoted = admin.dialect.identifier_preparer.quote(name)
    try:
        with admin.connect() as connection:
            if recreate:
                connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f"CREATE DATABASE {quoted}"))
                print(f"created database {name}")
    finally:
        admin.dispose()


def add_museums(session: Session, total: int) -> int:
    """Museums of the network beyond the demo's, open Tuesday to Sunday 10-18."""
    present = int(session.scalar(select(func.count()).select_from(Museum)) or 0)
    for n in range(present + 1, total + 1):
        subject_de, subject_en = SUBJECTS[n % len(SUBJECTS)]
        museum = Museum(
            shop_order=n,
            title={"de": f"Haus {n}: {subject_de}", "en": f"House {n}: {subject_en}"},
            sub_title={"de": "Museum im Verbund", "en": "A museum of the network"},
            opening_hours=[
                OpeningHour(weekday=day, opens=clock(10), closes=clock(18)) for day in range(2, 8)
            ],
        )
        session.add(museum)
    session.flush()
    return max(total - present, 0)


def read_lookups(session: Session) -> Lookups:
    museum_ids = list(session.scalars(select(Museum.id).order_by(Museum.id)))
    exhibitions: dict[int, list[int]] = {m: [] for m in museum_ids}
    for exhibition_id, museum_id in session.execute(
        select(Exhibition.id, Exhibition.museum_id).order_by(Exhibition.id)
    ):
        exhibitions[museum_id].append(exhibition_id)
    categories = session.execute(
        select(EventCategory.id, EventCategory.filtername).order_by(EventCategory.id)
    )
    languages = session.execute(select(Language.id, Language.code).order_by(Language.id))
    tags = session.execute(select(Tag.id, Tag.name).order_by(Tag.id))
    return Lookups(
        museum_ids=museum_ids,
        exhibitions_by_museum=exhibitions,
        category_ids=[i for i, name in categories if name not in UNUSED_CATEGORIES],
        tag_ids=[i for i, name in tags if name.get("de") not in UNUSED_TAG_NAMES],
        language_ids=[i for i, code in languages if code not in UNUSED_LANGUAGES],
    )


def next_id(session: Session, table: Table) -> int:
    return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def search_text(*texts: Text) -> str:
    """What museion.db.Searchable stores: every non-empty translation, joined, casefolded."""
    return "\n".join(str(v) for t in texts for v in t.values() if v).casefold()


def event_texts(rng: random.Random, n: int) -> tuple[Text, Text, Text]:
    subject_de, subject_en = rng.choice(SUBJECTS)
    format_de, format_en = rng.choice(FORMATS)
    audience_de, audience_en = rng.choice(AUDIENCES)
    title: Text = {
        "de": f"{format_de}: {subject_de} ({n})",
        "en": f"{format_en}: {subject_en} ({n})",
    }
    sub_title: Text = {"de": f"{format_de} {audience_de}", "en": f"{format_en} {audience_en}"}
    description: Text = {
        "de": f"{subject_de}: ein {format_de.lower()} {audience_de}, mit Zeit für Fragen.",
        "en": f"{subject_en}: a {format_en.lower()} {audience_en}, with time for questions.",
    }
    return title, sub_title, description


def event_row(rng: random.Random, event_id: int, lookups: Lookups) -> Row:
    museum_id = rng.choice(lookups.museum_ids)
    exhibitions = lookups.exhibitions_by_museum[museum_id]
    title, sub_title, description = event_texts(rng, event_id)
    return {
        "id": event_id,
        "museum_id": museum_id,
        "exhibition_id": rng.choice(exhibitions) if exhibitions and rng.random() < 0.5 else None,
        "category_id": rng.choice(lookups.category_ids),
        "title": title,
        "sub_title": sub_title,
        "description": description,
        "content": {},
        "documents": [],
        "featured": rng.random() < 0.05,
        "bookable_public": rng.random() < 0.9,
        "bookable_reseller": rng.random() < 0.8,
        "bookable_cashpoint": rng.random() < 0.95,
        "registerable": rng.random() < 0.1,
        "min_persons": 1,
        "max_persons": rng.choice([None, 5, 10]),
        "max_participants": None,
        "duration": rng.choice([45, 60, 60, 90, 120]),
        "entry_fee": rng.choice(list(EntryFee)).value,
        "picture_id": None,
        "location_id": None,
        "search_text": search_text(title, sub_title, description),
    }


def scale_price_rows(rng: random.Random, event_id: int, first_id: int) -> list[Row]:
    regular = rng.randrange(500, 2_500, 50)
    prices = [({"de": "Regulär", "en": "Regular"}, regular), ({"de": "Ermäßigt"}, regular // 2)]
    return [
        {
            "id": first_id + position,
            "event_id": event_id,
            "position": position + 1,
            "title": title,
            "description": {},
            "price_cents": cents,
            "vat_pct": 0.0,
            "group": False,
            "optional": False,
            "seat_category_id": None,
        }
        for position, (title, cents) in enumerate(prices)
    ]


def generate_events(
    rng: random.Random, n: int, first: dict[str, int], lookups: Lookups
) -> Generated:
    """Events with 0-3 tags, 1-2 languages, and scale prices for about a quarter of them."""
    out = Generated(events=[], event_tags=[], event_languages=[], scale_prices=[], dates=[])
    price_id = first["scale_price"]
    for event_id in range(first["event"], first["event"] + n):
        out.events.append(event_row(rng, event_id, lookups))
        for tag_id in sorted(rng.sample(lookups.tag_ids, rng.randint(0, 3))):
            out.event_tags.append({"event_id": event_id, "tag_id": tag_id})
        languages = rng.sample(lookups.language_ids, 1 if rng.random() < 0.7 else 2)
        for language_id in sorted(languages):
            out.event_languages.append({"event_id": event_id, "language_id": language_id})
        if rng.random() < 0.25:
            prices = scale_price_rows(rng, event_id, price_id)
            out.scale_prices.extend(prices)
            price_id += len(prices)
    return out


def day_weights(days: Sequence[date]) -> list[float]:
    """Weekends are busier than weekdays."""
    return [1.5 if day.weekday() >= 5 else 1.0 for day in days]


def date_rows(
    rng: random.Random,
    generated: Generated,
    n: int,
    first_id: int,
    today: date,
    span: tuple[int, int] = (DAYS_BEFORE, DAYS_SPAN),
    orders: bool = False,
) -> Iterator[Row]:
    """`n` dates over the events (uneven shares), `span` = (days before today, days in all),
    08:00-20:00 local. With `orders`, less is booked outside orders: the orders fill the rest."""
    events = generated.events
    share = [rng.uniform(0.2, 1.8) for _ in events]
    per_event = Counter(rng.choices(range(len(events)), weights=share, k=n))
    languages: dict[int, list[int]] = {}
    for row in generated.event_languages:
        languages.setdefault(row["event_id"], []).append(row["language_id"])
    priced = {row["event_id"] for row in generated.scale_prices}
    days = [today + timedelta(days=d - span[0]) for d in range(span[1])]
    cumulative = list(_accumulate(day_weights(days)))
    date_id = first_id
    for index, event in enumerate(events):
        event_id = event["id"]
        price = None if event_id in priced else rng.choice([None, 0, *range(300, 2_000, 100)])
        for day in rng.choices(days, cum_weights=cumulative, k=per_event[index]):
            yield date_row(rng, date_id, event, day, languages[event_id], price, orders)
            date_id += 1


def _accumulate(values: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def date_row(
    rng: random.Random,
    date_id: int,
    event: Row,
    day: date,
    language_ids: list[int],
    price_cents: int | None,
    orders: bool = False,
) -> Row:
    # Starts from 08:00 to 20:00 local time, on the quarter hour; stored in UTC.
    minutes = 8 * 60 + 15 * rng.randrange(0, 12 * 4 + 1)
    local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=ZONE)
    start = local.astimezone(UTC)
    seats_max = rng.randint(10, 40)
    return {
        "id": date_id,
        "event_id": event["id"],
        "title": {},
        "start_at": start,
        "end_at": start + timedelta(minutes=event["duration"]),
        "language_id": rng.choice(language_ids),
        "location_id": None,
        "status": "cancelled" if rng.random() < 0.02 else "booked",
        "seats_min": 1,
        "seats_max": seats_max,
        "max_per_registration": rng.choice([None, None, 10]),
        "seats_booked": rng.randrange(seats_max // 3 + 1 if orders else seats_max),
        "price_cents": price_cents,
        "price_group": False,
        "price_optional": False,
        "vat_pct": 0.0,
        "discount": 0,
        "tax_included": True,
        "seating_id": None,
    }


def reset_sequences(session: Session, tables: Sequence[Table]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; later ORM inserts need them moved on."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'(SELECT coalesce(max(id), 1) FROM "{table.name}"))'
            )
        )


def analyze(database: Database) -> None:
    """Fresh planner statistics (and, on PostgreSQL, a vacuumed visibility map)."""
    if database.backend == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        return
    with database.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        # The bulk load went through the WAL; fold it into the main file before readers come.
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def fill(session: Session, args: argparse.Namespace, today: date) -> dict[str, int]:
    rng = random.Random(args.seed)
    writer = Writer(session)
    counts = {"museums": add_museums(session, args.museums)}
    lookups = read_lookups(session)
    names = ("event", "event_date", "scale_price")
    first = {name: next_id(session, table(name)) for name in names}
    generated = generate_events(rng, args.events, first, lookups)
    counts |= {
        "events": writer.write(table(Event.__tablename__), generated.events),
        "event_tags": writer.write(table("event_tag"), generated.event_tags),
        "event_languages": writer.write(table("event_language"), generated.event_languages),
        "scale_prices": writer.write(table(ScalePrice.__tablename__), generated.scale_prices),
    }
    span = (args.days_before, args.days)
    dates = date_rows(rng, generated, args.dates, first["event_date"], today, span, args.orders > 0)
    book = DateBook(first["event_date"])
    if args.orders:
        book.events = {e["id"]: (e["museum_id"], e["title"]) for e in generated.events}
        regular = {p["event_id"]: (p["id"], p["price_cents"]) for p in generated.scale_prices[::-1]}
        dates = book.record(dates, regular)
    counts["dates"] = writer.write(table(EventDate.__tablename__), dates)
    reset_sequences(session, [table(name) for name in names])
    if args.orders:
        counts |= fill_orders(session, writer, args, today, book)
    return counts


def fill_orders(
    session: Session, writer: Writer, args: argparse.Namespace, today: date, book: DateBook
) -> dict[str, int]:
    """`args.orders` orders on the generated dates and the instance's tickets (order_history)."""
    started = time.perf_counter()
    days = [today + timedelta(days=d - args.days_before) for d in range(args.days)]
    tickets = ticket_book(session, days, ZONE, datetime.now(UTC))
    # Planned against the day's start, so one day's runs give the same orders.
    midnight = datetime.combine(today, clock(), tzinfo=ZONE).astimezone(UTC)
    planner = Planner(
        random.Random(f"{args.seed}-orders"), book, tickets, seller_tokens(session), midnight
    )
    print(f"  {len(tickets.entries)} ticket entry times in {time.perf_counter() - started:.1f} s")
    first = {name: next_id(session, table(name)) for name in ORDER_TABLES}
    orders = progress(planner.orders(args.orders), args.orders, "orders")
    orders = progress(planner.orders(args.orders), args.orders)
    counts = write_orders(writer, {n: table(n) for n in ORDER_TABLES}, orders, first)
    reset_sequences(session, [table(name) for name in ORDER_TABLES])
    return counts


def progress(orders: Iterator[T], total: int, every: int = 250_000) -> Iterator[T]:
    """Pass orders through, saying every so often how far the run is."""
    started = time.perf_counter()
    for n, order in enumerate(orders, 1):
        yield order
        if n % every == 0 and n < total:
            print(f"  {n} of {total} orders in {time.perf_counter() - started:.0f} s", flush=True)


def totals(session: Session) -> dict[str, int]:
    return {
        name: int(session.scalar(select(func.count()).select_from(table(name))) or 0)
        for name in (
            "museum",
            "event",
            "event_date",
            "event_tag",
            "event_language",
            "scale_price",
            *ORDER_TABLES,
        )
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    ensure_database(args.url, recreate=args.recreate)
    database = Database(args.url)
    try:
        upgrade(database)
        today = datetime.now(ZONE).date()
        with session_scope(database) as session:
            if has_museums(session) and not holds_demo_data(session) and not args.force:
                print("this database holds content that is not demo data; use --force")
                return 1
            load_demo(session, today=today, zone=ZONE)
            demo_done = time.perf_counter()
            print(f"demo loaded (today = {today}) in {demo_done - started:.1f} s")
            counts = fill(session, args, today)
            print("inserted " + ", ".join(f"{n} {name}" for name, n in counts.items()))
            print(f"bulk insert took {time.perf_counter() - demo_done:.1f} s")
        analyze_started = time.perf_counter()
        analyze(database)
        print(f"ANALYZE took {time.perf_counter() - analyze_started:.1f} s")
        with session_scope(database, write=False) as session:
            print("rows now: " + ", ".join(f"{k}={v}" for k, v in totals(session).items()))
    finally:
        database.dispose()
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
