"""Bulk writes for the benchmark data: PostgreSQL COPY, SQLite executemany in chunks.

Rows are dicts keyed by column name, with explicit ids; every row of one call has the same keys.
Values go through the columns' own bind processing (UTC for timestamps, JSON for translations),
so both paths store exactly what the ORM would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

CHUNK = 5_000
Row = dict[str, Any]


def chunks(rows: Iterable[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Writer:
    """Writes rows into the session's transaction: COPY on PostgreSQL, else Core executemany."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect
        self.copy = self.dialect.name == "postgresql"

    def write(self, table: Table, rows: Iterable[Row]) -> int:
        """All rows into `table`; returns how many."""
        if self.copy:
            return self._copy(table, rows)
        return self._executemany(table, rows)

    def _executemany(self, table: Table, rows: Iterable[Row]) -> int:
        count = 0
        for batch in chunks(rows):
            self.session.execute(insert(table), batch)
            count += len(batch)
        return count

    def _processors(self, table: Table, names: list[str]) -> list[Callable[[Any], Any] | None]:
        return [
            table.c[n].type.dialect_impl(self.dialect).bind_processor(self.dialect) for n in names
        ]

    def _copy(self, table: Table, rows: Iterable[Row]) -> int:
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        names = list(first)
        processors = self._processors(table, names)
        quote = self.dialect.identifier_preparer.quote
        columns = ", ".join(quote(n) for n in names)
        statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
        raw = self.session.connection().connection.dbapi_connection
        assert raw is not None
        count = 0
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
            for row in _chain(first, iterator):
                copy.write_row(_bound(row, names, processors))
                count += 1
        return count


def _bound(row: Row, names: list[str], processors: list[Callable[[Any], Any] | None]) -> list[Any]:
    """The row's values in column order, as the columns' types bind them (None too: a JSON
    column stores None as JSON null, as Core does)."""
    return [
        value if process is None else process(value)
        for process, value in zip(processors, (row[n] for n in names), strict=True)
    ]


def _chain(first: Row, rest: Iterator[Row]) -> Iterator[Row]:
    yield first
    yield from rest
