"""The shared response cache of calendar reads (museion.system.cache).

Each test has a database of its own with committed demo data: the cache reads and writes
through its own connections, so it cannot see the rolled-back transactions other tests use.
Every test runs with the answers in the database and in Redis (127.0.0.1:6379, or
MUSEION_TEST_REDIS_URL; each test under a key prefix of its own). Without a reachable Redis the
Redis half is skipped, unless MUSEION_REQUIRE_REDIS=1 (CI) makes it fail.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from starlette.types import Receive, Scope, Send

from museion.app import create_app
from museion.auth import cache_view
from museion.catalogue.events.models import Event, EventDate
from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.museums.models import Museum
from museion.config import Settings
from museion.db import Database, session_scope
from museion.demo.loader import DemoInstance, load_demo
from museion.migrations import upgrade
from museion.system.cache import (
    GENERATION_ROW,
    CacheStore,
    RedisStore,
    ResponseCacheMiddleware,
    attach_cache,
    catalogue_changed,
)
from museion.system.models import CacheGeneration, ResponseCache
from tests.conftest import ZONE, bearer, demo_today
from tests.orders.factories import event_item, make_token, order_body

LIFETIME = 10.0
# Two weeks of demo dates: enough for two pages on any day (the default window ends with the
# month, which on its last evening holds no bookable date at all).
DATES = f"/api/v4/dates?per_page=5&end_at={demo_today() + timedelta(days=14)}"
REDIS_URL = os.environ.get("MUSEION_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Instance:
    database: Database
    settings: Settings
    clock: Clock
    store: CacheStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = attach_cache(self.settings, self.database)

    def client(self) -> TestClient:
        """A client of one more app process on the same database."""
        app = create_app(self.settings, self.database)
        for middleware in app.user_middleware:
            if middleware.cls.__name__ == "ResponseCacheMiddleware":
                middleware.kwargs["clock"] = self.clock
        return TestClient(app)

    def cancel(self, date_id: int, *, announce: bool) -> None:
        with session_scope(self.database) as session:
            session.execute(
                update(EventDate).where(EventDate.id == date_id).values(status="cancelled")
            )
            if announce:
                catalogue_changed(session)

    def generation(self) -> int:
        if isinstance(self.store, RedisStore):
            return int(redis_client().get(self.store.generation_key) or 0)
        with session_scope(self.database, write=False) as session:
            return session.scalars(
                select(CacheGeneration.value).where(CacheGeneration.id == GENERATION_ROW)
            ).one()

    def stored_answers(self) -> int:
        if isinstance(self.store, RedisStore):
            return len(list(redis_client().scan_iter(f"{self.store.answer_prefix}*")))
        with session_scope(self.database, write=False) as session:
            return session.scalar(select(func.count()).select_from(ResponseCache)) or 0


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)


def redis_prefix(store: str) -> Iterator[str | None]:
    """None for the database store; for Redis a fresh key prefix, its keys deleted afterwards."""
    if store == "database":
        yield None
        return
    client = redis_client()
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"no Redis at {REDIS_URL} ({error}); set MUSEION_TEST_REDIS_URL"
        if os.environ.get("MUSEION_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"museion-test-{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(params=["database", "redis"])
def cache_prefix(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from redis_prefix(request.param)


@pytest.fixture
def instance(
    empty_database_url: str, cache_prefix: str | None, tmp_path: Path
) -> Iterator[Instance]:
    database = Database(empty_database_url)
    upgrade(database)
    with session_scope(database) as session:
        load_demo(session, today=demo_today(), zone=ZoneInfo(ZONE))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=empty_database_url,
        media_dir=tmp_path / "media",
        time_zone=ZONE,
        cache_seconds=LIFETIME,
        redis_url=REDIS_URL if cache_prefix else None,
        redis_prefix=cache_prefix or "museion:",
    )
    try:
        yield Instance(database, settings, Clock())
    finally:
        database.dispose()


def first_listed_date(client: TestClient) -> tuple[int, dict[str, object]]:
    response = client.get(DATES)
    assert response.status_code == 200
    dates = response.json()["dates"]
    return dates[0]["id"], response.json()


def test_a_repeated_anonymous_calendar_read_is_answered_from_the_cache(
    instance: Instance,
) -> None:
    with instance.client() as client:
        first = client.get(DATES)
        second = client.get(DATES)
        other_page = client.get(f"{DATES}&page=2")
    assert first.headers["x-museion-cache"] == "miss"
    assert second.headers["x-museion-cache"] == "hit"
    assert other_page.headers["x-museion-cache"] == "miss"
    assert second.content == first.content
    assert second.headers["content-type"] == "application/json"
    assert other_page.json()["dates"] != first.json()["dates"]


def test_every_app_process_shares_the_cache(instance: Instance) -> None:
    with instance.client() as one, instance.client() as another:
        stored = one.get("/api/v4/events?per_page=3")
        served = another.get("/api/v4/events?per_page=3")
    assert (stored.headers["x-museion-cache"], served.headers["x-museion-cache"]) == ("miss", "hit")
    assert served.content == stored.content


def test_errors_and_other_paths_are_never_cached(instance: Instance) -> None:
    with instance.client() as client:
        for _ in range(2):
            missing = client.get("/api/v4/events/999999")
            museums = client.get("/api/v4/museums")
            assert missing.status_code == 404
            assert missing.headers["x-museion-cache"] == "miss"
            assert "x-museion-cache" not in museums.headers
            bad = client.get(f"{DATES}&by_museum_ids[]=x", headers=bearer("demo-reseller"))
            assert bad.status_code == 422
            assert bad.headers["x-museion-cache"] == "miss"
    assert instance.stored_answers() == 0


def test_token_reads_are_cached_per_view_and_a_revoked_token_gets_its_401(
    instance: Instance,
) -> None:
    with instance.client() as client:
        first = client.get(DATES, headers=bearer("demo-reseller"))
        again = client.get(DATES, headers=bearer("demo-reseller"))
        anonymous = client.get(DATES)
        unknown = client.get(DATES, headers=bearer("no-such-token"))
        malformed = client.get(DATES, headers={"Authorization": "Basic abc"})
    assert (first.headers["x-museion-cache"], again.headers["x-museion-cache"]) == ("miss", "hit")
    assert again.content == first.content
    # The public view is another one (page sizes, sales channel): built for itself.
    assert anonymous.headers["x-museion-cache"] == "miss"
    assert (unknown.status_code, malformed.status_code) == (401, 401)


def test_a_museum_limited_token_never_gets_another_views_cached_page(instance: Instance) -> None:
    with session_scope(instance.database) as session:
        museum_ids = sorted(
            set(session.scalars(select(Event.museum_id).join(EventDate).distinct()))
        )
        limited = make_token(session, "reseller", museum_ids=[museum_ids[0]])
        same_view = make_token(session, "reseller", museum_ids=[museum_ids[0]])
        other_museum = make_token(session, "reseller", museum_ids=[museum_ids[1]])
    url = DATES.replace("per_page=5", "per_page=100")
    with instance.client() as client:
        everything = client.get(url, headers=bearer("demo-reseller"))
        mine = client.get(url, headers=bearer(limited))
        shared = client.get(url, headers=bearer(same_view))
        theirs = client.get(url, headers=bearer(other_museum))
    assert everything.headers["x-museion-cache"] == "miss"
    assert mine.headers["x-museion-cache"] == "miss"  # not the unlimited token's answer
    assert shared.headers["x-museion-cache"] == "hit"  # the same access and museums
    assert shared.content == mine.content
    assert theirs.headers["x-museion-cache"] == "miss"
    museums_of = {
        date["id"]: date["museum_id"] for date in everything.json()["dates"]
    }  # every date, both museums
    assert {museums_of[d["id"]] for d in mine.json()["dates"]} == {museum_ids[0]}
    assert {museums_of[d["id"]] for d in theirs.json()["dates"]} == {museum_ids[1]}


def bookable_dates_of_two_events(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A bookable date of each of two events, with seats left."""
    url = DATES.replace("per_page=5", "per_page=100")
    found: dict[int, dict[str, Any]] = {}
    for date in client.get(url, headers=bearer("demo-reseller")).json()["dates"]:
        if date["bookable"] and date["seats"]["available"] >= 2:
            found.setdefault(date["event_id"], date)
    a, b, *_ = found.values()
    return a, b


def event_page(date: dict[str, Any]) -> str:
    start = demo_today()
    return (
        f"/api/v4/events/{date['event_id']}/dates"
        f"?start_at={start}&end_at={start + timedelta(days=14)}&per_page=100"
    )


def seats_of(page: httpx.Response | dict[str, Any], date_id: int) -> dict[str, Any]:
    """The seats of a date in a page of dates (or in an event detail, which holds its dates)."""
    dates = page["dates"] if isinstance(page, dict) else page.json()["dates"]
    [date] = [d for d in dates if d["id"] == date_id]
    return cast(dict[str, Any], date["seats"])


def titles_of(page: httpx.Response, event_id: int) -> str:
    """The title of an event in an event list or detail."""
    body = page.json()
    [event] = [e for e in body.get("events", [body.get("event")]) if e["id"] == event_id]
    return cast(str, event["title"])


def test_an_order_ends_the_cached_pages_of_its_event_only(instance: Instance) -> None:
    reseller = bearer("demo-reseller")
    with instance.client() as client:
        a, b = bookable_dates_of_two_events(client)
        only_b = f"{DATES}&by_event_ids[]={b['event_id']}"
        calendars = {
            "any": "/api/v4/calendar",
            "bookable": "/api/v4/calendar?by_bookable=true",
            "all of a": f"/api/v4/events/{a['event_id']}/calendar?depth=all",
            "all of b": f"/api/v4/calendar?depth=all&by_event_ids[]={b['event_id']}",
        }
        for url in (event_page(a), event_page(b), only_b, *calendars.values()):
            client.get(url, headers=reseller)
        before = client.get(event_page(a), headers=reseller)
        assert before.headers["x-museion-cache"] == "hit"
        ordered = client.post(
            "/api/v4/orders", json=order_body(event_item(a["id"], 2)), headers=reseller
        )
        assert ordered.status_code == 201, ordered.text
        page_a = client.get(event_page(a), headers=reseller)
        page_b = client.get(event_page(b), headers=reseller)
        dates_of_b = client.get(only_b, headers=reseller)
        cached = {
            name: client.get(url, headers=reseller).headers["x-museion-cache"]
            for name, url in calendars.items()
        }
    # The page holding A shows the new seats at once; B's pages stay cached.
    assert page_a.headers["x-museion-cache"] == "miss"
    assert seats_of(page_a, a["id"])["booked"] == seats_of(before, a["id"])["booked"] + 2
    assert seats_of(page_a, a["id"])["available"] == seats_of(before, a["id"])["available"] - 2
    assert page_b.headers["x-museion-cache"] == "hit"
    assert dates_of_b.headers["x-museion-cache"] == "hit"
    # Whether a day has dates does not depend on seats; with by_bookable it depends on every
    # date's; the dates of a day show their seats, as a page does.
    assert cached == {"any": "hit", "bookable": "miss", "all of a": "miss", "all of b": "hit"}


def test_a_cancellation_ends_the_cached_pages_of_its_event(instance: Instance) -> None:
    reseller = bearer("demo-reseller")
    with instance.client() as client:
        a, b = bookable_dates_of_two_events(client)
        created = client.post(
            "/api/v4/orders", json=order_body(event_item(a["id"], 2)), headers=reseller
        ).json()["order"]
        booked = seats_of(client.get(event_page(a), headers=reseller), a["id"])["booked"]
        client.get(event_page(b), headers=reseller)
        cancelled = client.post(f"/api/v4/orders/{created['id']}/cancellations", headers=reseller)
        assert cancelled.status_code == 200, cancelled.text
        page_a = client.get(event_page(a), headers=reseller)
        page_b = client.get(event_page(b), headers=reseller)
    assert page_a.headers["x-museion-cache"] == "miss"
    assert seats_of(page_a, a["id"])["booked"] == booked - 2
    assert page_b.headers["x-museion-cache"] == "hit"


def test_a_content_change_ends_every_cached_page_and_fragment(instance: Instance) -> None:
    reseller = bearer("demo-reseller")
    with instance.client() as client:
        a, b = bookable_dates_of_two_events(client)
        client.get(event_page(a), headers=reseller)
        before = client.get(event_page(b), headers=reseller)
        with session_scope(instance.database) as session:
            session.execute(update(EventDate).where(EventDate.id == b["id"]).values(seats_max=999))
            session.execute(
                update(Event)
                .where(Event.id == b["event_id"])
                .values(title={"de": "Neuer Titel", "en": "New title"})
            )
            catalogue_changed(session)
        page_a = client.get(event_page(a), headers=reseller)
        page_b = client.get(event_page(b), headers=reseller)
    assert (page_a.headers["x-museion-cache"], page_b.headers["x-museion-cache"]) == (
        "miss",
        "miss",
    )
    # Pre-rendered content (the title) and live figures (seats) both show the change.
    assert {d["title"] for d in before.json()["dates"]} != {"Neuer Titel"}
    assert {d["title"] for d in page_b.json()["dates"]} == {"Neuer Titel"}
    assert seats_of(page_b, b["id"])["max"] == 999


def test_without_the_cache_seats_are_live_and_content_follows_its_generation(
    instance: Instance,
) -> None:
    settings = instance.settings.model_copy(update={"cache_seconds": 0})
    reseller = bearer("demo-reseller")
    with TestClient(create_app(settings, instance.database)) as client:
        a, _b = bookable_dates_of_two_events(client)
        before = client.get(event_page(a), headers=reseller)
        assert "x-museion-cache" not in before.headers
        ordered = client.post(
            "/api/v4/orders", json=order_body(event_item(a["id"], 1)), headers=reseller
        )
        assert ordered.status_code == 201, ordered.text
        after_order = client.get(event_page(a), headers=reseller)
        with session_scope(instance.database) as session:
            session.execute(
                update(Event).where(Event.id == a["event_id"]).values(title={"de": "Umbenannt"})
            )
        unannounced = client.get(event_page(a), headers=reseller)
        with session_scope(instance.database) as session:
            catalogue_changed(session)
        announced = client.get(event_page(a), headers=reseller)
    # Seats come from the database on every read (no content change announced).
    assert seats_of(after_order, a["id"])["booked"] == seats_of(before, a["id"])["booked"] + 1
    # Content is rendered once per content generation: a change shows once it is announced.
    assert {d["title"] for d in unannounced.json()["dates"]} == {
        d["title"] for d in before.json()["dates"]
    }
    assert {d["title"] for d in announced.json()["dates"]} == {"Umbenannt"}


def test_exhibition_and_museum_lists_follow_the_content_generation(instance: Instance) -> None:
    settings = instance.settings.model_copy(update={"cache_seconds": 0})
    reseller = bearer("demo-reseller")
    lists = ("/api/v4/exhibitions", "/api/v4/museums")

    def titles() -> list[set[str]]:
        answers = [client.get(path, headers=reseller).json() for path in lists]
        return [
            {item["title"] for item in answer[key]}
            for answer, key in zip(answers, ("exhibitions", "museums"), strict=True)
        ]

    with TestClient(create_app(settings, instance.database)) as client:
        before = titles()
        with session_scope(instance.database) as session:
            session.execute(update(Exhibition).values(title={"de": "Umbenannt"}))
            session.execute(update(Museum).values(title={"de": "Umbenannt"}))
        unannounced = titles()
        with session_scope(instance.database) as session:
            catalogue_changed(session)
        announced = titles()
        # The details read their content on every request.
        museum = client.get("/api/v4/museums/1", headers=reseller).json()["museum"]
    # Lists are rendered once per content generation: a change shows once it is announced.
    assert unannounced == before
    assert announced == [{"Umbenannt"}, {"Umbenannt"}]
    assert museum["title"] == "Umbenannt"


def test_event_lists_and_details_merge_live_figures_into_content_of_their_generation(
    instance: Instance,
) -> None:
    uncached = instance.settings.model_copy(update={"cache_seconds": 0})
    rendered_anew = uncached.model_copy(update={"date_fragments": 0})
    reseller = bearer("demo-reseller")
    events = "/api/v4/events?per_page=100"
    with (
        TestClient(create_app(uncached, instance.database)) as client,
        TestClient(create_app(rendered_anew, instance.database)) as fresh,
    ):
        a, _b = bookable_dates_of_two_events(client)
        detail = f"/api/v4/events/{a['event_id']}"
        client.get(events, headers=reseller)
        before = client.get(detail, headers=reseller)
        ordered = client.post(
            "/api/v4/orders", json=order_body(event_item(a["id"], 1)), headers=reseller
        )
        assert ordered.status_code == 201, ordered.text
        after_order = client.get(detail, headers=reseller)
        with session_scope(instance.database) as session:
            session.execute(
                update(Event).where(Event.id == a["event_id"]).values(title={"de": "Umbenannt"})
            )
        unannounced = [client.get(url, headers=reseller) for url in (events, detail)]
        with session_scope(instance.database) as session:
            catalogue_changed(session)
        announced = [client.get(url, headers=reseller) for url in (events, detail)]
        rendered = [fresh.get(url, headers=reseller) for url in (events, detail)]
    # Seats come from the database on every read (no content change announced).
    assert seats_of(after_order.json()["event"], a["id"])["booked"] == (
        seats_of(before.json()["event"], a["id"])["booked"] + 1
    )
    # Content is rendered once per content generation: a change shows once it is announced,
    # and then reads as if rendered anew.
    titles = [titles_of(page, a["event_id"]) for page in (*unannounced, *announced)]
    assert titles == [titles_of(before, a["event_id"])] * 2 + ["Umbenannt"] * 2
    assert [page.content for page in announced] == [page.content for page in rendered]


def test_a_committed_change_ends_cached_answers_at_once(instance: Instance) -> None:
    with instance.client() as client:
        date_id, _ = first_listed_date(client)
        instance.cancel(date_id, announce=True)
        after = client.get(DATES)
    assert after.headers["x-museion-cache"] == "miss"
    assert date_id not in [listed["id"] for listed in after.json()["dates"]]


def fail_a_change(database: Database) -> None:
    with session_scope(database) as session:
        catalogue_changed(session)
        raise RuntimeError("the change fails")


def test_a_rolled_back_change_keeps_the_cache(instance: Instance) -> None:
    generation = instance.generation()
    with pytest.raises(RuntimeError):
        fail_a_change(instance.database)
    with Session(instance.database.engine) as session:
        catalogue_changed(session)
        session.rollback()
        session.commit()  # the next transaction of the same session changed nothing
    assert instance.generation() == generation
    with session_scope(instance.database) as session:
        catalogue_changed(session)
    assert instance.generation() == generation + 1


def test_answers_expire_so_time_bound_fields_stay_current(instance: Instance) -> None:
    with instance.client() as client:
        date_id, before = first_listed_date(client)
        # A change that forgot to call catalogue_changed is still bounded by the lifetime.
        instance.cancel(date_id, announce=False)
        instance.clock.now += LIFETIME / 2
        stale = client.get(DATES)
        instance.clock.now += LIFETIME / 2
        fresh = client.get(DATES)
    assert stale.headers["x-museion-cache"] == "hit"
    assert stale.json() == before
    assert fresh.headers["x-museion-cache"] == "miss"
    assert date_id not in [listed["id"] for listed in fresh.json()["dates"]]


def test_an_answer_about_to_expire_is_rebuilt_by_one_request(instance: Instance) -> None:
    with instance.client() as client:
        client.get(DATES)
        instance.clock.now += LIFETIME * 0.9
        rebuilt = client.get(DATES)
        instance.clock.now += LIFETIME * 0.5  # past the first answer's end, not the rebuilt one's
        served = client.get(DATES)
    assert rebuilt.headers["x-museion-cache"] == "miss"
    assert served.headers["x-museion-cache"] == "hit"


def test_concurrent_misses_of_one_answer_build_it_once(instance: Instance) -> None:
    builds = 0

    async def slow_calendar(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal builds
        builds += 1
        await asyncio.sleep(0.5)  # long enough for every request to arrive meanwhile
        body = b'{"dates":[]}'
        headers = [(b"content-type", b"application/json"), (b"content-length", b"12")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    cache = ResponseCacheMiddleware(
        slow_calendar,
        store=instance.store,
        seconds=LIFETIME,
        zone=ZoneInfo(ZONE),
        view_of=cache_view,
    )

    async def fire() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=cache)
        async with httpx.AsyncClient(transport=transport, base_url="http://museum") as client:
            responses = await asyncio.gather(*(client.get("/api/v4/dates") for _ in range(8)))
        await instance.store.close()
        return responses

    responses = asyncio.run(fire())
    assert builds == 1
    assert sorted(r.headers["x-museion-cache"] for r in responses) == ["hit"] * 7 + ["miss"]
    assert {r.content for r in responses} == {b'{"dates":[]}'}


def test_without_a_reachable_redis_requests_are_answered_uncached(
    settings: Settings, demo: DemoInstance
) -> None:
    settings = settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:1/0", "cache_seconds": LIFETIME}
    )
    database = Database(settings.database_url)  # its own: the shared one keeps its cache hooks
    try:
        with TestClient(create_app(settings, database)) as client:
            answers = [client.get(DATES) for _ in range(2)]
        with session_scope(database) as session:
            catalogue_changed(session)  # the failed bump is logged, the commit stands
    finally:
        database.dispose()
    assert [answer.status_code for answer in answers] == [200, 200]
    assert [answer.headers["x-museion-cache"] for answer in answers] == ["miss", "miss"]


def test_answers_built_together_do_not_all_expire_together() -> None:
    async def never(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("not called")

    cache = ResponseCacheMiddleware(
        never,
        store=RedisStore("redis://unused", prefix="x:"),
        seconds=30,
        zone=ZoneInfo(ZONE),
        view_of=cache_view,
    )
    lifetimes = [cache._lifetime() for _ in range(200)]
    assert all(30 * 0.75 <= lifetime <= 30 for lifetime in lifetimes)
    assert max(lifetimes) - min(lifetimes) > 30 * 0.2  # spread over most of the allowed range
