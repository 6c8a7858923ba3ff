"""What each app process keeps of the catalogue while its content generation stays the same:
pre-rendered date JSON per (date, render), and the totals of date lists.

Each answer reads the content generation in the statement that reads its page
(`queries.date_page`), so every process sees a content change with the change's commit, and
what a process keeps is never shown for content older than the page it serves. Seat figures and
bookability are not kept: they are merged in at read time (`schemas.DateFragment.json`), so
orders never end fragments. A total is kept only where seats cannot change it (no
`by_bookable` filter). Only content changes do, through `catalogue_changed` (STYLE.md:
every write of catalogue content calls it).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

Fragment = TypeVar("Fragment")


class Fragments(Generic[Fragment]):
    """At most `size` fragments of one content generation; `size=0` keeps none. A page read
    under another generation empties the store (the old fragments can never be used again)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._generation: int | None = None
        self._kept: dict[Hashable, Fragment] = {}
        self._lock = threading.Lock()

    def get(self, generation: int, key: Hashable) -> Fragment | None:
        if generation != self._generation:
            return None
        return self._kept.get(key)

    def put(self, generation: int, key: Hashable, fragment: Fragment) -> None:
        if self.size <= 0:
            return
        with self._lock:
            if generation != self._generation:
                self._kept = {}
                self._generation = generation
            elif len(self._kept) >= self.size:
                # The oldest first: a calendar's current months are asked for again and again.
                del self._kept[next(iter(self._kept))]
            self._kept[key] = fragment

    def __len__(self) -> int:
        return len(self._kept)
