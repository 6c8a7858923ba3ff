"""The mail outbox: a mail is queued in the transaction of the change that causes it (a finalize,
a cancellation) and sent after the commit by orders.mail. A row names only the order, the kind
of mail and the recipient; the text and the attachments are written when the mail is sent, from
the order as it is then, so a mail never shows items that were cancelled in between.

Delivery leases due mails (a sender working on a mail moves its next attempt ahead, so two
senders never take the same mail), talks SMTP outside any transaction, then marks each mail
sent or schedules a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from museion.orders.models import Mail


@dataclass(frozen=True)
class DueMail:
    id: int
    order_id: int
    kind: str
    recipient: str


def queue(session: Session, order_id: int, kind: str, recipient: str, now: datetime) -> None:
    session.execute(
        insert(Mail).values(
            order_id=order_id,
            kind=kind,
            recipient=recipient,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
    )


def lease_due(
    session: Session, now: datetime, *, lease_until: datetime, limit: int
) -> list[DueMail]:
    """Unsent mails that are due, leased to the caller until `lease_until`."""
    due = (
        select(Mail.id)
        .where(Mail.sent_at.is_(None), Mail.next_attempt_at <= now)
        .order_by(Mail.id)
        .limit(limit)
    )
    # Conditional on still being due: of two senders each mail goes to one only.
    result = session.execute(
        update(Mail)
        .where(
            Mail.id.in_(due.scalar_subquery()), Mail.sent_at.is_(None), Mail.next_attempt_at <= now
        )
        .values(next_attempt_at=lease_until, attempts=Mail.attempts + 1)
        .returning(Mail.id, Mail.order_id, Mail.kind, Mail.recipient)
        .execution_options(synchronize_session=False)
    )
    return sorted((DueMail(*row) for row in result), key=lambda mail: mail.id)


def mark_sent(session: Session, mail_id: int, at: datetime) -> None:
    session.execute(
        update(Mail)
        .where(Mail.id == mail_id)
        .values(sent_at=at, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_failed(session: Session, mail_id: int, error: str, retry_at: datetime) -> None:
    session.execute(
        update(Mail)
        .where(Mail.id == mail_id, Mail.sent_at.is_(None))
        .values(last_error=error, next_attempt_at=retry_at)
        .execution_options(synchronize_session=False)
    )
