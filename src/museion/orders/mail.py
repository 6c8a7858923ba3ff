"""Order mails: a confirmation when an order is finalized, a cancellation notice when items of a
finalized order are cancelled. Both are queued in the outbox (orders.outbox) by the change that
causes them, in its transaction (never one for a change that did not commit), and written and
sent afterwards.

A mail is written when it is sent, from the order as it is then (its one read model,
ShownOrder): a confirmation sent after a cancellation lists only what is still valid, and
attaches only those documents. A mail server outage therefore delays mails; it never fails or
slows an order. A crash between sending and marking sends that one mail again after its lease:
at least once.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from museion.config import Settings
from museion.db import Database, session_scope
from museion.orders import documents, outbox, queries
from museion.orders.invoices import title_of
from museion.orders.models import DocumentKind, ItemType, OrderStatus, ShownItem, ShownOrder
from museion.orders.outbox import DueMail
from museion.orders.queries import OrderScope

log = logging.getLogger(__name__)

CONFIRMATION = "order_confirmation"
CANCELLATION = "order_cancellation"
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


def _item_lines(item: ShownItem, zone: ZoneInfo, *, barcodes: bool) -> list[str]:
    when = item.start_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")
    kind = "Ticket" if item.type == ItemType.TICKET.value else "Termin / Date"
    lines = [f"{item.quantity} x {title_of(item.title)} ({kind}), {when}"]
    lines.append(f"  {item.price_cents / 100:.2f} EUR")
    if barcodes:
        lines.extend(f"  Barcode {barcode.code}" for barcode in item.barcodes)
    return lines


def _valid_part(order: ShownOrder, zone: ZoneInfo) -> list[str]:
    live = [item for item in order.items if item.cancelled_at is None]
    if order.status == OrderStatus.CANCELLED.value or not live:
        return ["Die Bestellung ist storniert. / The order is cancelled."]
    lines = []
    for item in live:
        lines += _item_lines(item, zone, barcodes=True)
    total = sum(item.price_cents for item in live)
    return [*lines, "", f"Summe / Total: {total / 100:.2f} EUR"]


def compose(kind: str, order: ShownOrder, zone: ZoneInfo) -> tuple[str, str]:
    """Subject and plain-text body of an order's mail, from the order as it is now."""
    if kind == CANCELLATION:
        subject = f"Stornierung Ihrer Bestellung {order.id} / Cancellation of order {order.id}"
        lines = [f"Stornierung / Cancellation: Bestellung / Order {order.id}", ""]
        lines.append("Storniert / Cancelled:")
        for item in order.items:
            if item.cancelled_at is not None:
                lines += _item_lines(item, zone, barcodes=False)
        lines += ["", "Weiterhin gültig / Still valid:", *_valid_part(order, zone)]
    else:
        subject = f"Ihre Bestellung {order.id} / Your order {order.id}"
        lines = [f"Bestellung / Order {order.id}", "", *_valid_part(order, zone)]
    return subject, "\n".join(lines) + "\n"


def _recipient(order: ShownOrder) -> str | None:
    email = (order.customer or {}).get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 320:
        return None
    return email


def queue_confirmation(session: Session, order: ShownOrder, now: datetime) -> None:
    """Put the confirmation into the outbox, if the order names a customer e-mail address."""
    if (recipient := _recipient(order)) is not None:
        outbox.queue(session, order.id, CONFIRMATION, recipient, now)


def queue_cancellation(session: Session, order: ShownOrder, now: datetime) -> None:
    """Put a cancellation notice into the outbox, if the order names a customer e-mail address."""
    if (recipient := _recipient(order)) is not None:
        outbox.queue(session, order.id, CANCELLATION, recipient, now)


def _document(order: ShownOrder, item: ShownItem, zone: ZoneInfo) -> Attachment:
    """Named like the document URLs name them."""
    if item.ticket_sale_id is not None:
        name = f"tickets-{order.id}-{item.ticket_sale_id}.pdf"
        return Attachment(name, documents.ticket_pdf(order, item, zone))
    name = f"booking-{order.id}-{item.event_booking_id}.pdf"
    return Attachment(name, documents.booking_pdf(order, item, zone))


def _bounded(files: list[Attachment], order_id: int) -> list[Attachment]:
    attached: list[Attachment] = []
    size = 0
    for file in files:
        size += len(file.content)
        if size > ATTACHMENTS_MAX_BYTES:
            log.warning(
                "order %s: documents past %d bytes not attached", order_id, ATTACHMENTS_MAX_BYTES
            )
            break
        attached.append(file)
    return attached


def attachments(order: ShownOrder, zone: ZoneInfo) -> list[Attachment]:
    """The tickets of each ticket sale and the confirmation of each event booking that is
    still valid, up to ATTACHMENTS_MAX_BYTES; a cancelled order has none."""
    if order.status != OrderStatus.FINALIZED.value:
        return []
    live = [item for item in order.items if item.cancelled_at is None]
    return _bounded([_document(order, item, zone) for item in live], order.id)


def credit_notes(order_id: int, contents: Sequence[dict[str, Any]]) -> list[Attachment]:
    """The order's credit notes, named like their URLs."""
    files = [
        Attachment(f"credit-note-{order_id}-{n}.pdf", documents.invoice_pdf(content))
        for n, content in enumerate(contents, start=1)
    ]
    return _bounded(files, order_id)


def _message(
    settings: Settings, mail: DueMail, text: tuple[str, str], files: list[Attachment]
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"], body = text
    message.set_content(body)
    for file in files:
        message.add_attachment(
            file.content, maintype="application", subtype="pdf", filename=file.filename
        )
    return message


def _prepare(database: Database, settings: Settings, mail: DueMail) -> EmailMessage:
    """The mail as the order is now: text and documents."""
    with session_scope(database, write=False) as session:
        order = queries.get_order(session, OrderScope(), order_id=mail.order_id)
        if order is None:  # cannot happen: mails go with their order (ON DELETE CASCADE)
            raise LookupError(f"order {mail.order_id} is gone")
        if mail.kind == CANCELLATION:
            contents = queries.invoice_contents(session, order.id, DocumentKind.CREDIT_NOTE)
            files = credit_notes(order.id, contents)
        else:
            files = attachments(order, settings.zone)
    return _message(settings, mail, compose(mail.kind, order, settings.zone), files)


def _send(settings: Settings, message: EmailMessage) -> None:
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
        smtp.send_message(message)


def _try_to_send(database: Database, settings: Settings, mail: DueMail) -> str | None:
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
        due = outbox.lease_due(session, now, lease_until=now + LEASE, limit=BATCH)
    sent = 0
    for mail in due:
        error = _try_to_send(database, settings, mail)
        with session_scope(database) as session:
            if error is None:
                outbox.mark_sent(session, mail.id, datetime.now(UTC))
                sent += 1
            else:
                outbox.mark_failed(session, mail.id, error[:1000], now + RETRY_AFTER)
    return sent
