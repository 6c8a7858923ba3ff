"""The `museion` command: serve, demo, db upgrade, token create/list/revoke."""

from __future__ import annotations

import gc
import sys
from datetime import datetime
from typing import Any

import click
import uvicorn
from fastapi import FastAPI

from museion.access import Permission
from museion.app import create_app
from museion.config import Settings, get_settings
from museion.db import Database, session_scope
from museion.errors import DomainError
from museion.migrations import current_revision, upgrade
from museion.system.cache import attach_cache
from museion.system.workers import reuse_port_available, serve_reuse_port

host_option = click.option("--host", default=None, help="Address to bind (MUSEION_HOST).")
port_option = click.option("--port", type=int, default=None, help="Port (MUSEION_PORT).")
workers_option = click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Processes (MUSEION_WORKERS)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """museion: museum ticketing and booking, speaking the go~mus API v4."""


def _database(settings: Settings) -> Database:
    database = Database(settings.database_url, pool_size=2)
    attach_cache(settings, database)  # changes made here end cached answers like the server's
    return database


def server_app() -> FastAPI:
    """The app as `museion serve` runs it, built once in every worker process."""
    app = create_app()
    # Routes, models and mappers live as long as the process. Freezing them keeps every full
    # garbage collection from walking them again: under load those walks were latency spikes.
    gc.collect()
    gc.freeze()
    return app


def _serve(settings: Settings, host: str | None, port: int | None, workers: int | None) -> None:
    host, port = host or settings.host, port or settings.port
    workers = workers or settings.workers
    click.echo(f"museion listening on http://{host}:{port}  (API docs: /api/docs)")
    # The factory builds its own Settings from the environment in every worker process.
    options: dict[str, Any] = {
        "app": "museion.cli:server_app",
        "factory": True,
        "host": host,
        "port": port,
        "proxy_headers": True,
        "log_level": "info",
    }
    if workers > 1 and settings.reuse_port and reuse_port_available():
        # A socket per worker: the kernel spreads connections evenly (system/workers.py).
        sys.exit(serve_reuse_port(options, host, port, workers))
    uvicorn.run(**options, workers=workers)


@main.command()
@host_option
@port_option
@workers_option
@click.option("--no-migrate", is_flag=True, help="Do not upgrade the database schema first.")
def serve(host: str | None, port: int | None, workers: int | None, no_migrate: bool) -> None:
    """Migrate the database, then serve the API."""
    settings = get_settings()
    if not no_migrate:
        database = _database(settings)
        upgrade(database)
        database.dispose()
    _serve(settings, host, port, workers)


@main.command()
@host_option
@port_option
@workers_option
@click.option("--no-serve", is_flag=True, help="Only (re)load the demo data.")
@click.option("--force", is_flag=True, help="Replace content that is not demo data.")
def demo(
    host: str | None, port: int | None, workers: int | None, no_serve: bool, force: bool
) -> None:
    """Create or refresh the demo museums in the database, then serve them."""
    from museion.demo.loader import DEMO_TOKENS, has_museums, holds_demo_data, load_demo

    settings = get_settings()
    database = _database(settings)
    upgrade(database)
    with session_scope(database) as session:
        if has_museums(session) and not holds_demo_data(session) and not force:
            raise click.ClickException(
                "this database holds content that is not demo data; "
                "use --force to replace it, or point MUSEION_DATABASE_URL elsewhere"
            )
        load_demo(
            session,
            today=datetime.now(settings.zone).date(),
            zone=settings.zone,
            media_dir=settings.media_dir,
        )
    database.dispose()
    click.echo(f"demo data loaded into {settings.database_url}")
    click.echo("demo tokens (Authorization: Bearer <token>):")
    for secret, access, museum, _name, permissions in DEMO_TOKENS:
        limit = f" (only museum '{museum}')" if museum else ""
        granted = f" [{', '.join(permissions)}]" if permissions else ""
        click.echo(f"  {secret:<28} {access}{limit}{granted}")
    if not no_serve:
        _serve(settings, host, port, workers)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    database = _database(get_settings())
    upgrade(database, revision)
    click.echo(f"database at revision {current_revision(database)}")
    database.dispose()


@db.command("current")
def db_current() -> None:
    """Show the schema revision of the database."""
    database = _database(get_settings())
    click.echo(current_revision(database) or "empty database")
    database.dispose()


@main.group()
def token() -> None:
    """API tokens for resellers, cash points, entry gates and content users."""


@token.command("create")
@click.option(
    "--access",
    type=click.Choice(["user", "reseller", "cashpoint", "entry"]),
    required=True,
    help="What the token may do.",
)
@click.option("--museum", "museums", type=int, multiple=True, help="Limit to this museum id.")
@click.option(
    "--permission",
    "permissions",
    type=click.Choice([p.value for p in Permission]),
    multiple=True,
    help="Grant a permission (user tokens: orders).",
)
@click.option(
    "--all-orders",
    is_flag=True,
    help="Cash points: every seller's orders, not only their own (permission all_orders).",
)
@click.option("--name", default="", help="Who or what the token is for.")
def token_create(
    access: str, museums: tuple[int, ...], permissions: tuple[str, ...], all_orders: bool, name: str
) -> None:
    """Create a token and print its secret (shown this once; only a hash is stored)."""
    from museion.tokens import service

    if all_orders:
        permissions = (*permissions, Permission.ALL_ORDERS.value)
    database = _database(get_settings())
    try:
        with session_scope(database) as session:
            issued = service.create_token(
                session, access=access, name=name, museum_ids=museums, permissions=permissions
            )
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        database.dispose()
    click.echo(f"token {issued.id} created; secret (shown once):", err=True)
    click.echo(issued.secret)


@token.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked tokens.")
def token_list(include_revoked: bool) -> None:
    """List tokens (never their secrets)."""
    from museion.tokens import service

    database = _database(get_settings())
    with session_scope(database, write=False) as session:
        rows: list[dict[str, Any]] = [
            {
                "id": t.id,
                "access": t.access,
                "museums": ",".join(str(m.museum_id) for m in t.museums) or "all",
                "permissions": ",".join(p.permission for p in t.permissions) or "-",
                "hint": t.hint + "…",
                "state": "revoked" if t.revoked_at else "active",
                "name": t.name,
            }
            for t in service.list_tokens(session, include_revoked=include_revoked)
        ]
    database.dispose()
    if not rows:
        click.echo("no tokens")
        return
    click.echo(
        f"{'id':>4}  {'access':<10} {'museums':<10} {'permissions':<12} {'hint':<10} "
        f"{'state':<8} name"
    )
    for r in rows:
        click.echo(
            f"{r['id']:>4}  {r['access']:<10} {r['museums']:<10} {r['permissions']:<12} "
            f"{r['hint']:<10} {r['state']:<8} {r['name']}"
        )


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke a token: it answers 401 from the next request on."""
    from museion.tokens import service

    database = _database(get_settings())
    try:
        with session_scope(database) as session:
            service.revoke_token(session, token_id)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        database.dispose()
    click.echo(f"token {token_id} revoked")


@main.group()
def mail() -> None:
    """The outbox of order mails (confirmations, cancellation notices)."""


@mail.command("send")
def mail_send() -> None:
    """Send the mails that are due now (failed ones are retried every few minutes)."""
    from museion.orders.mail import deliver_due

    settings = get_settings()
    if not settings.smtp_host:
        raise click.ClickException("MUSEION_SMTP_HOST is not set: mails stay in the outbox")
    database = _database(settings)
    try:
        sent = deliver_due(database, settings)
    finally:
        database.dispose()
    click.echo(f"{sent} mail(s) sent")
