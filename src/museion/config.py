"""Settings: every knob of an instance, read from `MUSEION_*` environment variables (or `.env`)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, FilePath, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """One museion instance. Field names are the env variables without the `MUSEION_` prefix."""

    model_config = SettingsConfigDict(env_prefix="MUSEION_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///./museion.db",
        description="SQLAlchemy URL; `postgresql://...` is used through psycopg 3.",
    )
    database_pool_size: int = Field(
        20,
        ge=1,
        le=500,
        description="PostgreSQL connections each server process keeps (workers x this must "
        "stay below the server's max_connections).",
    )
    concurrent_reads: int = Field(
        0,
        ge=0,
        le=256,
        description="API reads each server process works on at once (the others wait their "
        "turn without holding a thread; writes never wait for them); 0: 2 on SQLite, 4 on "
        "PostgreSQL, whose reads also wait for the network.",
    )
    time_zone: str = Field("Europe/Berlin", description="IANA zone all API times are shown in.")
    currency: str = Field("EUR", description="ISO 4217 code of all prices.")
    locales: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["de", "en"],
        description="Content languages, comma separated; the first one is the fallback.",
    )
    host: str = Field("127.0.0.1", description="Address `museion serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `museion serve` listens on.")
    workers: int = Field(1, ge=1, le=64, description="Server processes for `museion serve`.")
    reuse_port: bool = Field(
        True,
        description="With several workers, give each its own listening socket (SO_REUSEPORT, "
        "Linux), so the kernel spreads connections evenly; false: one shared socket.",
    )
    public_url: str | None = Field(
        None,
        description="Base URL clients reach the server at (for picture URLs); "
        "default: taken from each request.",
    )
    media_dir: Path = Field(Path("./media"), description="Folder served under `/media`.")
    fallback_picture: FilePath | None = Field(
        None,
        description="Image (any format Pillow reads) that objects without a picture of their "
        "own show, in every format; default: a neutral grey picture shipped with museion.",
    )
    per_page_public: int = Field(25, ge=1, le=1000, description="Largest page without a token.")
    per_page_max: int = Field(100, ge=1, le=1000, description="Largest page with a token.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["*"],
        description="Origins browsers may call the API from, comma separated.",
    )
    cache_seconds: float = Field(
        30,
        ge=0,
        le=3600,
        description="How long anonymous calendar answers may be served from the shared cache; "
        "changes to dates end them at once. 0 turns the cache off.",
    )
    date_fragments: int = Field(
        50_000,
        ge=0,
        le=10_000_000,
        description="How many dates each app process keeps pre-rendered (per locale) for date "
        "lists; content changes end them at once, seat figures are always live. 0 keeps none.",
    )
    redis_url: str | None = Field(
        None,
        description="Redis for the shared response cache, e.g. `redis://127.0.0.1:6379/0`; "
        "unset: the cache lives in the database. Every process of an instance must agree.",
    )
    redis_prefix: str = Field(
        "museion:",
        description="Prefix of this instance's Redis keys (several instances can share a Redis).",
    )
    rate_limit_enabled: bool = Field(
        True,
        description="Rate limits on the API (system/ratelimit.py); false turns all of them off, "
        "e.g. behind a proxy that limits already, or for benchmarks.",
    )
    rate_limit_window_seconds: int = Field(
        60, ge=1, le=3600, description="Length of the fixed window every rate limit counts in."
    )
    rate_limit_sync_seconds: float = Field(
        1,
        ge=0,
        le=60,
        description="How often each process adds the requests it counted to the shared "
        "counters (and learns the others'); 0: on every request, exact but one store round "
        "trip per request.",
    )
    rate_limit_read: int = Field(
        600, ge=0, description="Reads (GET) per window per client address; 0: no limit."
    )
    rate_limit_read_token: int = Field(
        30000, ge=0, description="Reads (GET) per window per API token; 0: no limit."
    )
    rate_limit_booking: int = Field(
        60,
        ge=0,
        description="Holds and orders (POST, PUT, DELETE of reservations and orders) per window "
        "per client address; 0: no limit.",
    )
    rate_limit_booking_token: int = Field(
        6000, ge=0, description="Holds and orders per window per API token; 0: no limit."
    )
    rate_limit_document: int = Field(
        60, ge=0, description="PDF documents per window per client address; 0: no limit."
    )
    rate_limit_document_token: int = Field(
        3000, ge=0, description="PDF documents per window per API token; 0: no limit."
    )
    rate_limit_sign_in: int = Field(
        20,
        ge=0,
        description="Sign-in attempts and refused tokens (401) per window per client address; "
        "0: no limit.",
    )
    body_timeout_seconds: float = Field(
        10,
        gt=0,
        le=300,
        description="A write request's body must arrive in full within this many seconds of "
        "its headers, else 408; a stalled upload never holds a write place.",
    )
    hold_max_units: int = Field(
        50,
        ge=0,
        le=100_000,
        description="Units one client (an address without token, or a reseller or cash point "
        "token) may hold at once over all tickets; 0: no cap.",
    )
    hold_max_slot_percent: int = Field(
        20,
        ge=0,
        le=100,
        description="Share of an entry time's capacity one client may hold at once (at least "
        "one unit); 0 or 100: no cap.",
    )
    booking_horizon_days: int = Field(
        548,
        ge=1,
        le=3660,
        description="Holds and orders are taken for entry times and dates at most this many "
        "days ahead (548: 18 months).",
    )
    order_pending_minutes: int = Field(
        30,
        ge=1,
        le=24 * 60,
        description="Orders not finalized within this many minutes release their capacity.",
    )
    idempotency_key_hours: int = Field(
        24,
        ge=1,
        le=30 * 24,
        description="How long a request's Idempotency-Key replays its first answer; "
        "afterwards the same key counts as new and the stored answer is deleted.",
    )
    smtp_host: str | None = Field(
        None,
        description="Mail server for order mails; unset: mails wait in the outbox.",
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the mail server.")
    mail_from: str = Field("tickets@museion.invalid", description="Sender address of order mails.")
    issuer_name: str = Field(
        "Museion Demo-Museum gGmbH",
        max_length=200,
        description="Who issues the invoices and credit notes: the museum's legal name.",
    )
    issuer_address: str = Field(
        "Museumsinsel 1, 10178 Berlin, Deutschland",
        max_length=500,
        description="The issuer's postal address on invoices; commas start new lines.",
    )
    issuer_tax_number: str = Field(
        "DE000000000",
        max_length=50,
        description="The issuer's tax number (Steuernummer or USt-IdNr.) on invoices.",
    )
    system_version: str = Field("0.1.0", description="Reported as `system` by /version.")
    release: str = Field("Amphora", description="Release name reported by /version.")

    @field_validator("locales", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("locales")
    @classmethod
    def _at_least_one_locale(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one locale is needed")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.time_zone)

    @property
    def idempotency_lifetime(self) -> timedelta:
        return timedelta(hours=self.idempotency_key_hours)

    @property
    def booking_horizon(self) -> timedelta:
        return timedelta(days=self.booking_horizon_days)

    @property
    def default_locale(self) -> str:
        return self.locales[0]


@lru_cache
def get_settings() -> Settings:
    return Settings()


@lru_cache
def _zone(name: str) -> ZoneInfo:
    """ZoneInfo's own cache keeps a zone only while it is in use: a request's zone is read from
    its file again whenever the last one was let go."""
    return ZoneInfo(name)
