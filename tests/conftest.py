"""Test setup: one database per backend (SQLite file, PostgreSQL), migrated and loaded with the
demo instance once per session; every test runs in a transaction that is rolled back.

`--db=sqlite|postgres|all` (default all) picks backends. Without a reachable PostgreSQL the
postgres half is skipped with a message, unless MUSEION_REQUIRE_POSTGRES=1 (CI) makes it fail.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.expression import Executable

from museion.app import create_app
from museion.config import Settings
from museion.db import Database, session_scope
from museion.demo.loader import DemoInstance, load_demo
from museion.migrations import upgrade
from museion.system.cache import PENDING_FLAG as CATALOGUE_CHANGED

POSTGRES_ADMIN_URL = os.environ.get(
    "MUSEION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ZONE = "Europe/Berlin"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres", "all"],
        default=os.environ.get("MUSEION_TEST_DB", "all"),
        help="database backend(s) to run the suite on",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    choice = metafunc.config.getoption("--db")
    backends = ["sqlite", "postgres"] if choice == "all" else [choice]
    if "database" in metafunc.fixturenames:
        metafunc.parametrize("database", backends, indirect=True, scope="session")
    elif "empty_database_url" in metafunc.fixturenames:
        metafunc.parametrize("empty_database_url", backends, indirect=True)


def _postgres_admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = _postgres_admin_engine()
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: not usable here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


class Backend:
    """Creates and drops one throw-away database."""

    def __init__(self, name: str, tmp: Path) -> None:
        self.name = name
        self.tmp = tmp
        self.pg_name = f"museion_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"

    def create(self) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.tmp / 'museion-test.db'}"
        problem = postgres_reachable()
        if problem is not None:
            message = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL} ({problem})"
            if os.environ.get("MUSEION_REQUIRE_POSTGRES") == "1":
                pytest.fail(message + "; MUSEION_REQUIRE_POSTGRES=1 demands it", pytrace=False)
            pytest.skip(message + ": skipping the PostgreSQL half of the suite")
        engine = _postgres_admin_engine()
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.pg_name}"'))
        engine.dispose()
        return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{self.pg_name}"

    def drop(self) -> None:
        if self.name != "postgres":
            return
        engine = _postgres_admin_engine()
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
        engine.dispose()


def make_backend_url(name: str, tmp: Path) -> tuple[Backend, str]:
    backend = Backend(name, tmp)
    return backend, backend.create()


@pytest.fixture(scope="session")
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    backend, url = make_backend_url(request.param, tmp_path_factory.mktemp(request.param))
    db = Database(url)
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        backend.drop()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A brand-new, unmigrated database of its own (for migrations, the CLI, real servers)."""
    backend, url = make_backend_url(request.param, tmp_path)
    try:
        yield url
    finally:
        backend.drop()


@pytest.fixture(scope="session")
def demo(database: Database) -> DemoInstance:
    """The demo instance, committed once per backend; tests roll back on top of it."""
    with session_scope(database) as session:
        return load_demo(session, today=demo_today(), zone=ZoneInfo(ZONE))


def demo_today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


def demo_year() -> int:
    return demo_today().year


@pytest.fixture(scope="session")
def suite_settings(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The settings of the app most tests share (one per backend and test process)."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=str(database.engine.url.render_as_string(hide_password=False)),
        media_dir=tmp_path_factory.mktemp("media"),
        time_zone=ZONE,
        # The shared cache answers from committed rows; per-test transactions are invisible
        # to it. tests/system/test_cache.py tests it on databases of its own.
        cache_seconds=0,
        # Likewise the pre-rendered dates: tests write content without catalogue_changed and
        # roll it back, which would leave fragments of content that never was committed.
        date_fragments=0,
        # Every test client is one address; the hold caps have tests of their own
        # (tests/availability/test_hold_caps.py) and would otherwise limit every hold test.
        hold_max_units=0,
        hold_max_slot_percent=0,
        # Counters are committed and shared by every test on this database, and the suite
        # sends thousands of requests from one address; tests/system/test_rate_limits.py
        # switches them on with counters of its own.
        rate_limit_enabled=False,
    )


@pytest.fixture
def settings(suite_settings: Settings) -> Settings:
    """Override this fixture (returning `settings.model_copy(update=...)`) to change settings:
    the test then gets an app of its own. Never change the object in place."""
    return suite_settings


@pytest.fixture
def session(database: Database, demo: DemoInstance) -> Iterator[Session]:
    connection = database.engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture(scope="session")
def suite_app(suite_settings: Settings, database: Database) -> FastAPI:
    """Built once per backend and test process: building an app costs more than most tests."""
    return create_app(suite_settings, database)


@pytest.fixture
def app(
    settings: Settings, suite_settings: Settings, suite_app: FastAPI, database: Database
) -> Iterator[FastAPI]:
    """The shared app, unless the test changed the settings; what a test changes on it (its
    settings, dependency overrides) is put back afterwards."""
    if settings is not suite_settings:
        yield create_app(settings, database)
        return
    yield suite_app
    suite_app.dependency_overrides.clear()
    suite_app.state.settings = suite_settings
    suite_app.state.database = database


@pytest.fixture
def fresh_app(settings: Settings, database: Database) -> FastAPI:
    """An app of the test's own, for tests that add routes to it."""
    return create_app(settings, database)


class InTestTransaction(Database):
    """The suite's database as the app sees it during one test: every unit of work (a
    request's, the token lookup's, a background job's) is a savepoint in the test's session,
    released on success and rolled back on error, leaving what the test set up in place."""

    def __init__(self, database: Database, session: Session) -> None:
        # The engine and hooks of the real database; no sessions of its own.
        self.engine = database.engine
        self.info = database.info
        self.session_of_test = session
        self.savepoints: list[SessionTransaction] = []

    def _begin(self, *, write: bool) -> Session:
        self.savepoints.append(self.session_of_test.begin_nested())
        return self.session_of_test

    async def read_now(
        self, statement: Executable, parameters: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        # What the test has set up is not committed: read it in the test's session.
        return [tuple(row) for row in self.session_of_test.execute(statement, dict(parameters))]

    def _end(self, session: Session, *, commit: bool) -> None:
        savepoint = self.savepoints.pop()
        try:
            if commit:
                # Nothing a test writes is ever committed, so no cached answer has to end;
                # bumping the generation from a second connection would wait for this test's
                # write lock.
                session.info.pop(CATALOGUE_CHANGED, None)
                savepoint.commit()
            else:
                savepoint.rollback()
        finally:
            # Lazy loads after the unit of work must fail as they would with a fresh session.
            session.expunge_all()


@pytest.fixture
def client(app: FastAPI, database: Database, session: Session) -> Iterator[TestClient]:
    """HTTP through the app; its transactions are savepoints in the test's transaction."""
    app.state.database = InTestTransaction(database, session)
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.state.database = database
        app.dependency_overrides.clear()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


_BACKEND_IN_ID = re.compile(r"[\[-](sqlite|postgres)[\]-]")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the outcome counts per database, for closing notes and CI logs."""
    counts: dict[str, Counter[str]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            match = _BACKEND_IN_ID.search(getattr(report, "nodeid", ""))
            counts.setdefault(match.group(1) if match else "no database", Counter())[outcome] += 1
    if counts:
        parts = [
            f"{backend}: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(c.items()))
            for backend, c in sorted(counts.items())
        ]
        terminalreporter.write_line("museion per database: " + "; ".join(parts))
