"""Demo admission: tickets and quotas for the demo museums (runs after the museums exist).

* every museum: regular, reduced and free time-slot tickets sharing one quota, 30-minute slots
  (40 per slot; 60 on weekends; 80 in the days between Christmas and New Year);
* Haus der Naturkunde: a day ticket with its own quota (300 a day);
* an annual ticket for all houses (no slots, no quota);
* "Kunsthalle + Naturkunde": a combined ticket with its own quota and two sub tickets, one in
  each museum's time-slot quota.

Slots follow the museums' opening hours, so closed days (Mondays in the Kunsthalle, 24 Dec)
have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from museion.availability.models import Quota, QuotaRule
from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.museums.models import Museum
from museion.catalogue.tickets.models import Attendees, Ticket, TicketQuota, TicketType

Text = dict[str, str | None]


def _t(de: str, en: str) -> Text:
    return {"de": de, "en": en}


@dataclass
class DemoTickets:
    ticket_ids: dict[str, int] = field(default_factory=dict)  # slug -> ticket id
    quota_ids: dict[str, int] = field(default_factory=dict)  # slug -> quota id


# (museum key, title, first entry, last entry): entry windows in minutes of the local day.
SLOT_MUSEUMS = [
    ("kunsthalle", _t("Kunsthalle am Spreeufer", "Spreeufer Art Hall"), 600, 1140),
    ("naturkunde", _t("Haus der Naturkunde", "House of Natural History"), 570, 1230),
    ("stadtmuseum", _t("Stadtmuseum Köpenick", "Köpenick City Museum"), 660, 1050),
    ("werkraum", _t("Werkraum im Kornspeicher", "Granary Workshop"), 600, 1170),
]
# (slug suffix, title, price, identification, attendees)
SLOT_VARIANTS = [
    ("regular", _t("regulär", "regular"), 1200, False, Attendees.NONE),
    ("reduced", _t("ermäßigt", "reduced"), 700, True, Attendees.NONE),
    ("free", _t("frei (unter 18 Jahren)", "free (under 18)"), 0, False, Attendees.OPTIONAL),
]
AFTER_SALE = _t(
    "<p>Bitte bringen Sie Ihr Ticket ausgedruckt oder auf dem Telefon mit.</p>",
    "<p>Please bring your ticket, printed or on your phone.</p>",
)


def _content(shop_title: Text, description: Text) -> dict[str, Text]:
    return {
        "shop_title": shop_title,
        "shop_sub_title": _t("Online-Ticket", "Online ticket"),
        "shop_description": description,
    }


def load_demo_tickets(session: Session, *, museum_ids: dict[str, int], today: date) -> DemoTickets:
    """Add the demo tickets and quotas; flushes, the caller commits."""
    demo = DemoTickets()
    museums = {m.id: m for m in session.scalars(select(Museum))}
    exhibitions = _exhibitions(session)
    for key, house, first, last in SLOT_MUSEUMS:
        quota = _quota(session, f"Zeitfenster {house['de']}", today, per_slot=40)
        demo.quota_ids[f"{key}-slots"] = quota.id
        for order, (suffix, variant, price, identification, attendees) in enumerate(SLOT_VARIANTS):
            title = _t(f"{house['de']} {variant['de']}", f"{house['en']} {variant['en']}")
            ticket = _ticket(
                title=title,
                ticket_type=TicketType.TIME_SLOT,
                price_cents=price,
                vat_pct=0.0 if price == 0 else 7.0,
                first_entry=first,
                last_entry=last,
                entry_duration=30,
                identification=identification,
                attendees=attendees.value,
                sort_order=10 * len(demo.ticket_ids) + order,
                museums=[museums[museum_ids[key]]],
                exhibitions=exhibitions.get(museum_ids[key], []),
                content=_content(title, _t("Eintritt mit Zeitfenster", "Timed admission")),
            )
            demo.ticket_ids[f"{key}-{suffix}"] = _add(session, ticket, [quota])
    day_quota = _quota(session, "Tageskarten Naturkunde", today, per_slot=300)
    demo.quota_ids["naturkunde-day"] = day_quota.id
    day_ticket = _ticket(
        title=_t("Haus der Naturkunde Tageskarte", "House of Natural History day ticket"),
        ticket_type=TicketType.NORMAL,
        price_cents=1500,
        first_entry=570,
        last_entry=1050,
        sort_order=200,
        museums=[museums[museum_ids["naturkunde"]]],
        content=_content(
            _t("Tageskarte", "Day ticket"), _t("Den ganzen Tag gültig", "Valid all day")
        ),
    )
    demo.ticket_ids["naturkunde-day"] = _add(session, day_ticket, [day_quota])
    annual = _ticket(
        title=_t("Jahreskarte alle Häuser", "Annual ticket, all houses"),
        ticket_type=TicketType.ANNUAL,
        price_cents=6000,
        personalizeable=True,
        attendees=Attendees.REQUIRED.value,
        identification=True,
        sort_order=300,
        museums=[museums[museum_ids[key]] for key, *_ in SLOT_MUSEUMS],
        content=_content(_t("Jahreskarte", "Annual ticket"), _t("Ein Jahr lang", "For a year")),
    )
    demo.ticket_ids["annual"] = _add(session, annual, [])
    demo.ticket_ids |= _combined(session, demo, museums, museum_ids, today)
    return demo


def _combined(
    session: Session,
    demo: DemoTickets,
    museums: dict[int, Museum],
    museum_ids: dict[str, int],
    today: date,
) -> dict[str, int]:
    quota = _quota(session, "Kombiticket Kunsthalle + Naturkunde", today, per_slot=20)
    demo.quota_ids["combined"] = quota.id
    kunsthalle, naturkunde = museums[museum_ids["kunsthalle"]], museums[museum_ids["naturkunde"]]
    main = _ticket(
        title=_t(
            "Kombiticket Kunsthalle + Naturkunde", "Combined ticket Art Hall + Natural History"
        ),
        ticket_type=TicketType.TIME_SLOT,
        price_cents=1900,
        first_entry=600,
        last_entry=1020,
        entry_duration=30,
        sort_order=250,
        museums=[kunsthalle, naturkunde],
        content=_content(
            _t("Zwei Häuser, ein Ticket", "Two houses, one ticket"),
            _t("Je ein Zeitfenster pro Haus", "One time slot in each house"),
        ),
    )
    main_id = _add(session, main, [quota])
    ids = {"combined": main_id}
    for key, museum in (("kunsthalle", kunsthalle), ("naturkunde", naturkunde)):
        sub = _ticket(
            title=_t(f"Teilticket {museum.title['de']}", f"Sub ticket {museum.title.get('en')}"),
            ticket_type=TicketType.TIME_SLOT,
            price_cents=0,
            first_entry=600,
            last_entry=1020,
            entry_duration=30,
            sort_order=251,
            museums=[museum],
            parent_id=main_id,
        )
        museum_quota = session.get_one(Quota, demo.quota_ids[f"{key}-slots"])
        ids[f"combined-{key}"] = _add(session, sub, [museum_quota])
    return ids


def _quota(session: Session, title: str, today: date, *, per_slot: int) -> Quota:
    holidays = (date(today.year, 12, 26), date(today.year + 1, 1, 6))
    quota = Quota(
        title=title,
        rules=[
            QuotaRule(capacity=per_slot),
            QuotaRule(capacity=per_slot * 3 // 2, weekday=6),
            QuotaRule(capacity=per_slot * 3 // 2, weekday=7),
            QuotaRule(capacity=per_slot * 2, valid_from=holidays[0], valid_to=holidays[1]),
        ],
    )
    session.add(quota)
    session.flush()
    return quota


def _ticket(**fields: Any) -> Ticket:
    defaults: dict[str, Any] = {
        "description": _t("Eintritt in die Ausstellungen", "Admission to the exhibitions"),
        "after_sale_information": AFTER_SALE,
        "min_persons": 1,
        "max_persons": 20,
        "first_entry": 600,
        "last_entry": 1020,
    }
    return Ticket(**(defaults | fields))


def _add(session: Session, ticket: Ticket, quotas: list[Quota]) -> int:
    session.add(ticket)
    session.flush()
    session.add_all(TicketQuota(ticket_id=ticket.id, quota_id=q.id) for q in quotas)
    session.flush()
    return ticket.id


def _exhibitions(session: Session) -> dict[int, list[Exhibition]]:
    """museum id -> its first exhibition (the collection), which its tickets admit to."""
    found: dict[int, list[Exhibition]] = {}
    for exhibition in session.scalars(select(Exhibition).order_by(Exhibition.sort_order)):
        found.setdefault(exhibition.museum_id, [exhibition])
    return found
