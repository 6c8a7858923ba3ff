"""Order confirmations: stored in the outbox by the finalize that causes them (same
transaction, so one per order, never one for an order that did not commit), sent afterwards.

Delivery leases a batch of due mails with one conditional UPDATE (two senders never take the
same mail), talks SMTP outside any transaction, then marks each mail sent or schedules a
retry. A mail server outage therefore delays mails; it never fails or slows an order. A crash
between sending and marking sends that one mail again after its lease: at least once.

The order's documents (tickets, booking confirmations) are attached at send time, built from
the stored order like the document URLs build them. The outbox keeps only the text: PDFs would
cost the finalize (the hot path) time and the table megabytes, and an item cancelled before
the mail goes out is then not attached.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.config import Settings
from museion.db import Database, session_scope
from museion.orders import documents, queries
from museion.orders.models import ItemType, Mail, Order, OrderItem, OrderStatus, ShownOrder

log = logging.getLogger(__name__)

CONFIRMATION = "order_confirmation"
LEASE = timedelta(minutes=2)
RETRY_AFTER = timedelta(minutes=5)
BATCH = 50
SMTP_TIMEOUT = 10
# Documents beyond this stay off the mail (and are logged): mail servers commonly refuse
# messages over 10 MB, and base64 adds a third. A ticket page is about 2 kB.
ATTACHMENTS_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes


def _title(value: dict[str, str | None]) -> str:
    return next((text for text in value.values() if text), "")


def compose(order: ShownOrder, zone: ZoneInfo) -> tuple[str, str]:
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


def queue_confirmation(session: Session, order: ShownOrder, zone: ZoneInfo, now: datetime) -> None:
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


def _document(order: Order, item: OrderItem, zone: ZoneInfo) -> Attachment:
    """Named like the document URLs name them."""
    if item.ticket_sale_id is not None:
        name = f"tickets-{order.id}-{item.ticket_sale_id}.pdf"
        return Attachment(name, documents.ticket_pdf(order, item, zone))
    name = f"booking-{order.id}-{item.event_booking_id}.pdf"
    return Attachment(name, documents.booking_pdf(order, item, zone))


def attachments(order: Order, zone: ZoneInfo) -> list[Attachment]:
    """The tickets of each ticket sale and the confirmation of each event booking that is
    still valid, up to ATTACHMENTS_MAX_BYTES; a cancelled order has none."""
    if order.status != OrderStatus.FINALIZED.value:
        return []
    attached: list[Attachment] = []
    size = 0
    for item in order.items:
        if item.cancelled_at is not None:
            continue
        attachment = _document(order, item, zone)
        size += len(attachment.content)
        if size > ATTACHMENTS_MAX_BYTES:
            log.warning(
                "order %s: documents past %d bytes not attached", order.id, ATTACHMENTS_MAX_BYTES
            )
            break
        attached.append(attachment)
    return attached


def _message(settings: Settings, mail: queries.DueMail, files: list[Attachment]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    for file in files:
        message.add_attachment(
            file.content, maintype="application", subtype="pdf", filename=file.filename
        )
    return message


def _prepare(database: Database, settings: Settings, mail: queries.DueMail) -> EmailMessage:
    with session_scope(database, write=False) as session:
        order = queries.load_order(session, order_id=mail.order_id)
        files = attachments(order, settings.zone) if order is not None else []
    return _message(settings, mail, files)


def _send(settings: Settings, message: EmailMessage) -> None:
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
        smtp.send_message(message)


def _try_to_send(database: Database, settings: Settings, mail: queries.DueMail) -> str | None:
    """None when the mail went out, else why not. A mail that cannot even be put together (a
    bug, a database hiccup) fails alone and is retried: it must not hold up the others."""
    try:
        _send(settings, _prepare(database, settings, mail))
    except (OSError, smtplib.SMTPException) as error:
        # The order, not the address: personal data stays out of the log (so does the error
        # text, which names the recipient for some refusals).
        log.warning(
            "mail %s of order %s not sent: %s", mail.id, mail.order_id, type(error).__name__
        )
        return str(error) or type(error).__name__
    except Exception as error:
        log.exception("mail %s of order %s not put together", mail.id, mail.order_id)
        return f"{type(error).__name__}: {error}"
    return None


def deliver_due(database: Database, settings: Settings, now: datetime | None = None) -> int:
    """Send the mails that are due; returns how many went out. Failures wait for a retry."""
    if not settings.smtp_host:
        return 0
    now = now or datetime.now(UTC)
    with session_scope(database) as session:
        due = queries.lease_due_mails(session, now, lease_until=now + LEASE, limit=BATCH)
    sent = 0
    for mail in due:
        error = _try_to_send(database, settings, mail)
        with session_scope(database) as session:
            if error is None:
                queries.mail_sent(session, mail.id, datetime.now(UTC))
                sent += 1
            else:
                queries.mail_failed(session, mail.id, error[:1000], now + RETRY_AFTER)
    return sent
