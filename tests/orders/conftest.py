"""Order tests share the availability clock: `clock.now` is what the API thinks the time is."""

from __future__ import annotations

from tests.availability.conftest import Clock, clock

__all__ = ["Clock", "clock"]
