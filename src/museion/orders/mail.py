"""Order confirmations: stored in the outbox by the finalize that causes them (same
transaction, so one per order, never one for an order that did not commit), sent afterwards.

Delivery leases a batch of due mails with one conditional UPDATE (two senders never take the
same mail), talks SMTP outside any transaction, then marks each mail sent or schedules a
retry. A mail server outage therefore delays mails; it never fails or slows an order. A crash
between sending and marking sends that one mail again after its lease: at least once.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.config import Settings
from museion.db import Database, session_scope
from museion.orders import queries
from museion.orders.models import ItemType, Mail, Order

log = logging.getLogger(__name__)

CONFIRMATION = "order_confirmation"
LEASE = timedelta(minutes=2)
RETRY_AFTER = timedelta(minutes=5)
BATCH = 50
SMTP_TIMEOUT = 10


def _title(value: dict[str, str | None]) -> str:
    return next((text for text in value.values() if text), "")


def compose(order: Order, zone: ZoneInfo) -> tuple[str, str]:
    """Subject and plain-text body of an order's confirmation."""
    lines = [f"Bestellung / Order {order.id}", ""]
    for item in order.items:
        if item.cancelled_at is not None:
            continue
        when = item.start_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")
        kind = "Ticket" if item.type == ItemType.TICKET.value else "Termin / Date"
        lines.append(f"{item.quantity} x {_title(item.title)} ({kind}), {when}")
        lines.append(f"  {item.price_cents / 100:.2f} EUR")
        lines.extend(f"  Barcode {barcode.code}" for barcode in item.barcodes)
    total = sum(i.price_cents for i in order.items if i.cancelled_at is None)
    lines += ["", f"Summe / Total: {total / 100:.2f} EUR"]
    return f"Ihre Bestellung {order.id} / Your order {order.id}", "\n".join(lines) + "\n"


def queue_confirmation(session: Session, order: Order, zone: ZoneInfo, now: datetime) -> None:
    """Put the confirmation into the outbox, if the order names a customer e-mail address."""
    email = (order.customer or {}).get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 320:
        return
    subject, body = compose(order, zone)
    session.add(
        Mail(
            order_id=order.id,
            kind=CONFIRMATION,
            recipient=email,
            subject=subject,
            body=body,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
    )
    session.flush()


def _send(settings: Settings, mail: queries.DueMail) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
        smtp.send_message(message)


def deliver_due(database: Database, settings: Settings, now: datetime | None = None) -> int:
    """Send the mails that are due; returns how many went out. Failures wait for a retry."""
    if not settings.smtp_host:
        return 0
    now = now or datetime.now(UTC)
    with session_scope(database) as session:
        due = queries.lease_due_mails(session, now, lease_until=now + LEASE, limit=BATCH)
    sent = 0
    for mail in due:
        try:
            _send(settings, mail)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("mail %s to %s not sent: %s", mail.id, mail.recipient, error)
            with session_scope(database) as session:
                queries.mail_failed(session, mail.id, str(error)[:1000], now + RETRY_AFTER)
            continue
        with session_scope(database) as session:
            queries.mail_sent(session, mail.id, datetime.now(UTC))
        sent += 1
    return sent
