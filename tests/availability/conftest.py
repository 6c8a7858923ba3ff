"""A clock the tests control: `clock.now` is what the API thinks the time is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI

from museion.web import get_now
from tests.catalogue.factories import BERLIN


@dataclass
class Clock:
    now: datetime

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app: FastAPI) -> Clock:
    # 1 Jan 2027, 08:00 in Berlin: before every slot the tests look at.
    fake = Clock(datetime(2027, 1, 1, 8, 0, tzinfo=BERLIN))
    app.dependency_overrides[get_now] = lambda: fake.now
    return fake
