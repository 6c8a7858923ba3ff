"""Count the SQL statements one calendar request sends: they must not grow with the page size.

    .venv/bin/python bench/queries.py --url sqlite:///bench/data/bench.db

Runs the app in-process (TestClient), counts statements with a `before_cursor_execute` listener
on the app's engine, and prints one line per request; `--sql` also prints the statements.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from museion.app import create_app
from museion.config import Settings

ZONE = ZoneInfo("Europe/Berlin")
PAGE_SIZES = (5, 25)


@dataclass
class StatementLog:
    """Every statement the engine sends while `recording` is on."""

    statements: list[str] = field(default_factory=list)
    recording: bool = False

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.recording:
            self.statements.append(statement)


def next_month(today: date) -> tuple[date, date]:
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def requests(per_page: int) -> list[str]:
    first, last = next_month(datetime.now(ZONE).date())
    window = f"start_at={first}&end_at={last}"
    return [
        f"/api/v4/dates?{window}&per_page={per_page}",
        f"/api/v4/dates?{window}&by_museum_ids%5B%5D=2&per_page={per_page}&page=3",
        f"/api/v4/events?per_page={per_page}",
        f"/api/v4/events?by_category_ids%5B%5D=1&per_page={per_page}&page=2",
    ]


def count_statements(client: TestClient, log: StatementLog, path: str) -> tuple[int, int, int]:
    """(HTTP status, items on the page, statements sent) for one GET. On SQLite the engine
    sends its own BEGIN (museion.db); on PostgreSQL the driver opens transactions unseen."""
    client.get(path)  # warm: first-use work (compiling, pool connect) is not what we count
    log.statements.clear()
    log.recording = True
    try:
        response = client.get(path)
    finally:
        log.recording = False
    body = response.json()
    items = next((len(v) for v in body.values() if isinstance(v, list)), 0)
    return response.status_code, items, len(log.statements)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL (as for generate.py)")
    parser.add_argument("--sql", action="store_true", help="also print the statements")
    args = parser.parse_args(argv)
    app = create_app(Settings(database_url=args.url))
    log = StatementLog()
    log.attach(app.state.database.engine)
    with TestClient(app) as client:
        print(f"{'statements':>10}  {'SELECTs':>7}  {'items':>5}  {'status':>6}  request")
        for per_page in PAGE_SIZES:
            for path in requests(per_page):
                status, items, count = count_statements(client, log, path)
                selects = sum(s.lstrip().upper().startswith("SELECT") for s in log.statements)
                print(f"{count:>10}  {selects:>7}  {items:>5}  {status:>6}  {path}")
                if args.sql:
                    for statement in log.statements:
                        print("    " + " ".join(statement.split())[:300])
    return 0


if __name__ == "__main__":
    sys.exit(main())
