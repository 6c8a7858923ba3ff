"""Demo event calendar: a year of tours, workshops, lectures and concerts for the demo museums.

`load_demo_events` runs after `loader.load_demo` and adds languages, event categories, tags, one
seat plan and about fifteen events with their dates, from three weeks before `today` to a year
after it. Everything derives from `today` alone (no randomness), so tests can rely on the data:

* the language "ls", the category "archive" and the tag "unused-audience" are used by no event,
  to show that the filter endpoints list only values in use;
* exactly three future dates are cancelled and at least two future dates are sold out;
* one event meets away from its museum and one lecture date moves to another hall.

All people, places and programmes are invented, like the rest of the demo (content.py).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import count
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from museion.catalogue.events.models import (
    DateStatus,
    EntryFee,
    Event,
    EventCategory,
    EventDate,
    Language,
    ScalePrice,
    Seat,
    SeatCategory,
    Seating,
    SeatRow,
    SeatType,
    Tag,
    TagKind,
)
from museion.catalogue.exhibitions.models import Exhibition
from museion.catalogue.lookups.models import Country
from museion.catalogue.models import Location, Picture
from museion.demo import content

Text = dict[str, str | None]

# The calendar starts a little in the past so that "past dates" exist for history views.
DAYS_BEFORE = 21
DAYS_AFTER = 365


def _t(de: str, en: str) -> Text:
    return {"de": de, "en": en}


@dataclass
class DemoEvents:
    event_ids: dict[str, int]  # slug -> event id
    language_ids: dict[str, int]  # "de", "en", ... -> id
    category_ids: dict[str, int]  # filtername -> id
    tag_ids: dict[str, int]  # slug -> tag id
    seating_id: int


# --- Lookups: languages, categories, tags ---------------------------------------------------------

LANGUAGES: list[tuple[str, Text]] = [
    ("de", _t("Deutsch", "German")),
    ("en", _t("Englisch", "English")),
    ("dgs", _t("Deutsche Gebärdensprache", "German Sign Language")),
    ("ls", _t("Leichte Sprache", "Easy German")),  # deliberately used by no date
]

CATEGORIES: list[tuple[str, Text]] = [
    ("tour", _t("öffentliche Führung", "Public tour")),
    ("workshop", _t("Kurs / Workshop", "Course / workshop")),
    ("family", _t("Kinder / Familien", "Children / families")),
    ("lecture", _t("Vortrag", "Lecture")),
    ("concert", _t("Konzert", "Concert")),
    ("archive", _t("Archiv", "Archive")),  # deliberately used by no event
]

# (slug, kind, name); sort_order follows the order within each kind.
TAGS: list[tuple[str, TagKind, Text]] = [
    ("age-6-10", TagKind.AGE_GROUP, _t("Kinder von 6 bis 10 Jahren", "Children aged 6 to 10")),
    ("age-14-plus", TagKind.AGE_GROUP, _t("Jugendliche ab 14", "Teenagers aged 14 and over")),
    ("age-adults", TagKind.AGE_GROUP, _t("Erwachsene", "Adults")),
    ("audience-families", TagKind.AUDIENCE, _t("Familien", "Families")),
    ("audience-school-classes", TagKind.AUDIENCE, _t("Schulklassen", "School classes")),
    ("audience-adults", TagKind.AUDIENCE, _t("Erwachsene", "Adults")),
    ("audience-seniors", TagKind.AUDIENCE, _t("Senioren", "Senior citizens")),
    # Deliberately used by no event: the audiences endpoint must leave it out.
    ("unused-audience", TagKind.AUDIENCE, _t("Kitagruppen", "Nursery groups")),
    ("photography", TagKind.CATCH_WORD, _t("Fotografie", "Photography")),
    ("ice-age", TagKind.CATCH_WORD, _t("Eiszeit", "Ice Age")),
    ("industrial-heritage", TagKind.CATCH_WORD, _t("Industriekultur", "Industrial heritage")),
    ("local-history", TagKind.CATCH_WORD, _t("Stadtgeschichte", "Local history")),
    ("wheelchair", TagKind.DISABLEMENT, _t("rollstuhlgerecht", "Wheelchair accessible")),
    ("deaf", TagKind.DISABLEMENT, _t("für Gehörlose", "For deaf visitors")),
    ("grade-1-4", TagKind.GRADE, _t("Klasse 1–4", "Grades 1–4")),
    ("grade-5-6", TagKind.GRADE, _t("Klasse 5–6", "Grades 5–6")),
    ("secondary-1", TagKind.GRADE, _t("Sekundarstufe I", "Lower secondary")),
    ("school-class", TagKind.PROPOSAL_CATEGORY, _t("Schulklasse", "School class")),
    ("guided-group", TagKind.PROPOSAL_CATEGORY, _t("Gruppe mit Führung", "Group with guide")),
]

# Venues other than the museums' own addresses (country is looked up by code).
LOCATIONS: dict[str, dict[str, str | float]] = {
    "rathaus": {
        "name": "Treffpunkt Rathaus Köpenick, Haupteingang",
        "street": "Alt-Köpenick 21",
        "zip": "12555",
        "city": "Berlin",
        "latitude": 52.4452,
        "longitude": 13.5747,
    },
    "buergersaal": {
        "name": "Bürgersaal am Schlossplatz",
        "street": "Schlossplatz 3",
        "zip": "12555",
        "city": "Berlin",
        "latitude": 52.4439,
        "longitude": 13.5731,
    },
}


# --- Schedules: which days and times an event takes place -----------------------------------------


@dataclass(frozen=True)
class Slot:
    """One planned date before it becomes an EventDate."""

    day: date
    start: time
    language: str = "de"
    title: Text = field(default_factory=dict)


Schedule = Callable[[date, date], list[Slot]]

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def _weekdays(first: date, last: date, weekday: int) -> Iterator[date]:
    """Every `weekday` (0 = Monday) from `first` to `last`, both included."""
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(days=7)


def _week_number(day: date) -> int:
    # Counted from a fixed Monday, so "every second week" does not shift with the window.
    return (day.toordinal() - 1) // 7


def _months(first: date, last: date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth `weekday` of a month; nth = -1 is the last one."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def weekly(
    weekday: int, at: time, language: str = "de", *, every: int = 1, phase: int = 0
) -> Schedule:
    """Every week (or every `every`th week) on `weekday` at `at`."""

    def schedule(first: date, last: date) -> list[Slot]:
        days = _weekdays(first, last, weekday)
        return [Slot(day, at, language) for day in days if _week_number(day) % every == phase]

    return schedule


def monthly(
    weekday: int, nths: tuple[int, ...], at: time, *, months: tuple[int, ...] = tuple(range(1, 13))
) -> Schedule:
    """The `nths` `weekday`s of each month in `months`, e.g. (2, 4) for second and fourth."""

    def schedule(first: date, last: date) -> list[Slot]:
        days = [
            _nth_weekday(year, month, weekday, nth)
            for year, month in _months(first, last)
            if month in months
            for nth in nths
        ]
        return [Slot(day, at) for day in sorted(days) if first <= day <= last]

    return schedule


def _easter(year: int) -> date:
    """Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    correction = 7 * ((a + 11 * h + 22 * weekday_shift) // 451)
    month, day = divmod(h + weekday_shift - correction + 114, 31)
    return date(year, month, day + 1)


def _monday_from(day: date) -> date:
    return day + timedelta(days=(MON - day.weekday()) % 7)


def holiday_weeks(year: int) -> list[tuple[date, date]]:
    """School holidays in the style of Berlin's (winter, Easter, summer, autumn); no Christmas."""
    easter = _easter(year)
    winter, summer, autumn = (_monday_from(date(year, m, d)) for m, d in ((2, 1), (7, 7), (10, 20)))
    return [
        (winter, winter + timedelta(days=4)),
        (easter - timedelta(days=6), easter + timedelta(days=5)),
        (summer, summer + timedelta(days=39)),
        (autumn, autumn + timedelta(days=11)),
    ]


def is_school_day(day: date) -> bool:
    """A weekday that is neither a public holiday nor in the school holidays."""
    if day.weekday() >= SAT or day in _public_holidays(day.year):
        return False
    christmas = day >= date(day.year, 12, 22) or day <= date(day.year, 1, 2)
    in_holidays = any(start <= day <= end for start, end in holiday_weeks(day.year))
    return not (christmas or in_holidays)


def _public_holidays(year: int) -> set[date]:
    """Berlin's public holidays (International Women's Day included)."""
    easter = _easter(year)
    moving = {easter + timedelta(days=offset) for offset in (-2, 1, 39, 50)}
    fixed = {date(year, m, d) for m, d in ((1, 1), (3, 8), (5, 1), (10, 3), (12, 25), (12, 26))}
    return moving | fixed


def school_mornings(weekday: int, at: time) -> Schedule:
    """Every `weekday` on which schools are open: classes do not visit in the holidays."""

    def schedule(first: date, last: date) -> list[Slot]:
        return [Slot(day, at) for day in _weekdays(first, last, weekday) if is_school_day(day)]

    return schedule


def holiday_workshops(weekdays: tuple[int, ...], at: time) -> Schedule:
    """The `weekdays` within the school holidays (except Christmas and public holidays)."""

    def schedule(first: date, last: date) -> list[Slot]:
        weeks = [week for year in range(first.year, last.year + 1) for week in holiday_weeks(year)]
        days = [
            day
            for weekday in weekdays
            for day in _weekdays(first, last, weekday)
            if any(start <= day <= end for start, end in weeks)
            and day not in _public_holidays(day.year)
        ]
        return [Slot(day, at) for day in sorted(days)]

    return schedule


def sammlung_tours(first: date, last: date) -> list[Slot]:
    """Kunsthalle: every Saturday at 14:00 in German and at 16:00 in English."""
    return [
        Slot(day, at, language)
        for day in _weekdays(first, last, SAT)
        for at, language in ((time(14, 0), "de"), (time(16, 0), "en"))
    ]


def species_tours_german(first: date, last: date) -> list[Slot]:
    """Naturkunde: Sundays at 11:00; the first Sunday of each quarter's last month in DGS."""
    return [
        Slot(day, time(11, 0), "dgs" if day.month % 3 == 0 and day.day <= 7 else "de")
        for day in _weekdays(first, last, SUN)
    ]


def every_seventh_week(weekday: int, at: time) -> Schedule:
    """About eight dates a year: a series, not a weekly routine."""

    def schedule(first: date, last: date) -> list[Slot]:
        days = _weekdays(first, last, weekday)
        return [Slot(day, at) for day in days if _week_number(day) % 7 == 3]

    return schedule


# One topic per month; the evenings in ENGLISH_MONTHS are held in English.
LECTURE_TOPICS: dict[int, Text] = {
    1: _t("Vom VEB zum Start-up: Arbeit in Oberschöneweide", "From state factory to start-up"),
    2: _t("Wäscherinnen an der Dahme", "Washerwomen on the Dahme"),
    3: _t("Ein Schuster in Uniform: Wilhelm Voigt und die Presse", "A cobbler in uniform"),
    4: _t("Fischer im Kietz und ihre Rechte", "The Kietz fishermen and their rights"),
    5: _t("Das Schloss auf der Insel", "The palace on the island"),
    6: _t("Werften an der Spree", "Shipyards on the Spree"),
    7: _t("Regatten in Grünau seit 1880", "Rowing regattas in Grünau since 1880"),
    8: _t("Straßenbahn, Dampfer, S-Bahn", "Tram, steamer, suburban railway"),
    9: _t("Köpenick wird Berlin: die Eingemeindung 1920", "Köpenick joins Greater Berlin"),
    10: _t("Archäologie unter dem Schlossplatz", "Archaeology beneath the palace square"),
    11: _t("Lauben und Kolonien im Südosten", "Allotment gardens in the south-east"),
    12: _t("Zünfte und Handwerk im alten Köpenick", "Guilds and crafts in old Köpenick"),
}
ENGLISH_MONTHS = (3, 6, 9, 11)


def lecture_evenings(first: date, last: date) -> list[Slot]:
    """Stadtmuseum: the first Wednesday of every month at 19:00, each with its own topic."""
    return [
        Slot(
            slot.day,
            slot.start,
            "en" if slot.day.month in ENGLISH_MONTHS else "de",
            LECTURE_TOPICS[slot.day.month],
        )
        for slot in monthly(WED, (1,), time(19, 0))(first, last)
    ]


# --- Event specifications -------------------------------------------------------------------------


class Twist(StrEnum):
    """A deliberate exception on one future date, for tests and a lifelike calendar."""

    CANCELLED = "cancelled"
    FULL = "full"
    RELOCATED = "relocated"  # held in the Bürgersaal instead of the museum


@dataclass(frozen=True)
class Channels:
    public: bool = True
    reseller: bool = True
    cashpoint: bool = True


EVERYWHERE = Channels()
NOT_PUBLIC = Channels(public=False)  # booked by teachers through visitor services
CASHPOINT_ONLY = Channels(public=False, reseller=False)


@dataclass(frozen=True)
class PictureSpec:
    filename: str
    title: Text
    description: Text
    copyright_info: Text


@dataclass(frozen=True)
class PriceSpec:
    title: Text
    price_cents: int
    description: Text = field(default_factory=dict)
    group: bool = False
    seat_category: str | None = None  # SeatCategory.title of the demo seating


@dataclass(frozen=True)
class EventSpec:
    slug: str
    museum: str
    category: str
    title: Text
    sub_title: Text
    description: Text
    shop_description: Text
    schedule: Schedule
    duration: int  # minutes
    seats_max: int  # ignored for seated events: the seat plan decides
    tags: tuple[str, ...]
    exhibition: str | None = None  # foreign_id
    seats_min: int = 1
    max_per_registration: int | None = None
    min_persons: int = 1
    max_persons: int | None = None
    price_cents: int | None = 400  # None: the scale prices apply
    price_group: bool = False
    vat_pct: float = 0.0
    scale_prices: tuple[PriceSpec, ...] = ()
    seated: bool = False
    entry_fee: EntryFee = EntryFee.AUTO
    channels: Channels = EVERYWHERE
    featured: bool = False
    registerable: bool = False
    location: str | None = None  # key of LOCATIONS; None: the museum's address
    picture: PictureSpec | None = None
    documents: tuple[dict[str, object], ...] = ()
    # Index among the event's dates after `today` -> what is special about that date.
    twists: Mapping[int, Twist] = field(default_factory=dict)


def _picture(slug: str, title: Text, description: Text, credit: Text) -> PictureSpec:
    return PictureSpec(f"event-{slug}.jpg", title, description, credit)


KUNSTHALLE_EVENTS: list[EventSpec] = [
    EventSpec(
        slug="sammlungsfuehrung",
        museum="kunsthalle",
        exhibition="cms-sammlung-moderne",
        category="tour",
        title=_t("Sammlungsführung", "Collection tour"),
        sub_title=_t("Von der Berliner Moderne bis heute", "From Berlin modernism to the present"),
        description=_t(
            "Eine Stunde mit den Höhepunkten der Sammlung: Unsere Guides stellen fünf bis sechs "
            "Werke ausführlich vor und erzählen, wie sie in die Kunsthalle kamen. Samstags um "
            "14 Uhr auf Deutsch, um 16 Uhr auf Englisch. Treffpunkt ist das Foyer.",
            "One hour with the highlights of the collection: our guides look closely at five or "
            "six works and tell how they found their way into the Art Hall. Saturdays at 2 pm in "
            "German and at 4 pm in English. Meet in the foyer.",
        ),
        shop_description=_t(
            "Führungsgebühr zuzüglich Eintritt. Höchstens zehn Personen pro Buchung; größere "
            "Gruppen buchen bitte eine Gruppenführung.",
            "Tour fee plus admission. Up to ten people per booking; larger groups please book "
            "a group tour.",
        ),
        schedule=sammlung_tours,
        duration=60,
        seats_max=25,
        max_per_registration=10,
        max_persons=10,
        entry_fee=EntryFee.EXCLUDED,
        featured=True,
        tags=("age-adults", "audience-adults", "wheelchair"),
        picture=_picture(
            "sammlungsfuehrung",
            _t("Führung im Sammlungssaal", "Tour in the collection gallery"),
            _t(
                "Eine Gruppe vor Gemälden der Berliner Moderne.",
                "A group in front of Berlin modernist paintings.",
            ),
            _t("Foto: Lena Brandt / Kunsthalle am Spreeufer", "Photo: Lena Brandt / Art Hall"),
        ),
        twists={2: Twist.CANCELLED},
    ),
    EventSpec(
        slug="kurzfuehrung-kasse",
        museum="kunsthalle",
        category="tour",
        title=_t("Kurzführung am Donnerstagabend", "Short tour on Thursday evenings"),
        sub_title=_t("30 Minuten, ein Werk", "30 minutes, one work"),
        description=_t(
            "Nach Feierabend ein einziges Werk genau ansehen: Eine halbe Stunde lang sprechen wir "
            "über ein Bild aus der aktuellen Ausstellung, das jede Woche wechselt. Karten gibt es "
            "nur an der Kasse, solange Plätze frei sind.",
            "Take a close look at a single work after hours: for half an hour we discuss one "
            "painting from the current exhibition, a different one every week. Tickets are sold "
            "at the ticket desk only, while places last.",
        ),
        shop_description=_t(
            "Nur an der Kasse der Kunsthalle erhältlich.",
            "Available at the Art Hall ticket desk only.",
        ),
        schedule=weekly(THU, time(18, 30)),
        duration=30,
        seats_max=20,
        max_per_registration=4,
        max_persons=4,
        price_cents=200,
        channels=CASHPOINT_ONLY,
        tags=("audience-adults", "wheelchair"),
    ),
    EventSpec(
        slug="kunstpause",
        museum="kunsthalle",
        category="tour",
        title=_t("Kunstpause am Vormittag", "Morning art break"),
        sub_title=_t(
            "Führung mit Kaffee für Seniorinnen und Senioren",
            "A tour with coffee for older visitors",
        ),
        description=_t(
            "Ein ruhiger Rundgang in gemächlichem Tempo, mit Klapphockern zum Ausruhen, danach "
            "Kaffee und Gespräch im Dachcafé. Die Kunstpause findet jeden zweiten Mittwoch statt.",
            "A leisurely walk through the galleries with folding stools to rest on, followed by "
            "coffee and conversation in the rooftop café. The art break takes place every other "
            "Wednesday.",
        ),
        shop_description=_t(
            "Der Preis enthält den Eintritt und ein Heißgetränk.",
            "The price includes admission and one hot drink.",
        ),
        schedule=weekly(WED, time(10, 30), every=2),
        duration=90,
        seats_max=15,
        max_per_registration=4,
        max_persons=4,
        price_cents=900,
        vat_pct=7.0,
        entry_fee=EntryFee.INCLUDED,
        tags=("age-adults", "audience-seniors", "wheelchair"),
    ),
    EventSpec(
        slug="fotoworkshop-nacht",
        museum="kunsthalle",
        category="workshop",
        title=_t("Fotoworkshop: Die Stadt bei Nacht", "Photo workshop: the city at night"),
        sub_title=_t(
            "Nachtaufnahmen mit Smartphone und Kamera", "Night shots with smartphone and camera"
        ),
        description=_t(
            "Nach einer kurzen Einführung in Belichtung und Bildaufbau geht es hinaus ans "
            "Spreeufer. Die Teilnehmenden fotografieren Brücken, Lichter und Spiegelungen und "
            "besprechen zum Schluss gemeinsam ihre besten Bilder. Bitte eine eigene Kamera oder "
            "ein Smartphone mitbringen.",
            "After a short introduction to exposure and composition, we head out to the "
            "riverbank. Participants photograph bridges, lights and reflections, then discuss "
            "their best pictures together. Please bring your own camera or smartphone.",
        ),
        shop_description=_t(
            "Für Jugendliche ab 14 und Erwachsene. Bei der Buchung werden die Namen der "
            "Teilnehmenden erfragt.",
            "For teenagers aged 14 and over and adults. Participants' names are requested when "
            "booking.",
        ),
        schedule=monthly(THU, (-1,), time(18, 0)),
        duration=120,
        seats_max=12,
        seats_min=4,
        max_persons=2,
        price_cents=2500,
        vat_pct=19.0,
        entry_fee=EntryFee.INCLUDED,
        registerable=True,
        tags=("age-14-plus", "audience-adults", "photography"),
    ),
]

NATURKUNDE_EVENTS: list[EventSpec] = [
    EventSpec(
        slug="sonntagsfuehrung-arten",
        museum="naturkunde",
        exhibition="cms-dauer-arten",
        category="tour",
        title=_t("Sonntagsführung: Welt der Arten", "Sunday tour: World of Species"),
        sub_title=_t(
            "Ein Rundgang durch die Dauerausstellung", "A walk through the permanent exhibition"
        ),
        description=_t(
            "Vom Käfer bis zum Wal: Die Führung verbindet eindrucksvolle Präparate mit "
            "Geschichten aus der Forschung des Hauses. Viermal im Jahr leitet eine gehörlose "
            "Museumsführerin die Führung in Deutscher Gebärdensprache.",
            "From beetles to whales: the tour combines striking specimens with stories from the "
            "museum's own research. Four times a year a deaf guide leads the tour in German Sign "
            "Language.",
        ),
        shop_description=_t(
            "Treffpunkt in der Walhalle im Erdgeschoss.",
            "Meet in the whale hall on the ground floor.",
        ),
        schedule=species_tours_german,
        duration=60,
        seats_max=25,
        max_per_registration=10,
        max_persons=10,
        price_cents=300,
        tags=("age-adults", "audience-families", "audience-adults", "wheelchair", "deaf"),
        picture=_picture(
            "sonntagsfuehrung-arten",
            _t("Führung unter dem Walskelett", "Tour beneath the whale skeleton"),
            _t(
                "Besucherinnen und Besucher in der Walhalle des Hauses der Naturkunde.",
                "Visitors in the whale hall of the House of Natural History.",
            ),
            _t("Foto: Jonas Keller", "Photo: Jonas Keller"),
        ),
    ),
    EventSpec(
        slug="sunday-tour-species",
        museum="naturkunde",
        exhibition="cms-dauer-arten",
        category="tour",
        title=_t("Sonntagsführung auf Englisch", "Sunday tour in English"),
        sub_title=_t("Welt der Arten für internationale Gäste", "World of Species for visitors"),
        description=_t(
            "Die englischsprachige Sonntagsführung stellt die Vielfalt des Lebens in "
            "Mitteleuropa vor und erklärt, warum Sammlungen für den Artenschutz unverzichtbar "
            "sind.",
            "The English-language Sunday tour presents the diversity of life in Central Europe "
            "and explains why natural history collections are indispensable for conservation.",
        ),
        shop_description=_t("Die Führung wird auf Englisch gehalten.", "The tour is in English."),
        schedule=weekly(SUN, time(13, 0), "en"),
        duration=60,
        seats_max=25,
        max_per_registration=10,
        max_persons=10,
        price_cents=300,
        tags=("audience-adults", "wheelchair"),
    ),
    EventSpec(
        slug="familienwerkstatt",
        museum="naturkunde",
        category="family",
        title=_t("Familienwerkstatt: Spurensuche", "Family workshop: tracking nature"),
        sub_title=_t(
            "Forschen, zeichnen, basteln für Kinder ab 6 und ihre Erwachsenen",
            "Explore, draw and make: for children from 6 and their grown-ups",
        ),
        description=_t(
            "Jede Werkstatt hat ein anderes Thema: Mal untersuchen wir Federn unter dem "
            "Mikroskop, mal gießen wir Tierspuren in Gips oder bauen ein Insektenhotel. Kinder "
            "und Erwachsene arbeiten zusammen; alle Materialien werden gestellt.",
            "Every workshop has a different theme: one time we look at feathers under the "
            "microscope, another time we cast animal tracks in plaster or build an insect hotel. "
            "Children and adults work together; all materials are provided.",
        ),
        shop_description=_t(
            "Die Preise enthalten Eintritt und Material. Die Familienkarte gilt für zwei "
            "Erwachsene und bis zu drei Kinder.",
            "Prices include admission and materials. The family ticket covers two adults and up "
            "to three children.",
        ),
        schedule=weekly(SUN, time(14, 30), every=2),
        duration=90,
        seats_max=20,
        seats_min=4,
        max_persons=5,
        price_cents=None,
        scale_prices=(
            PriceSpec(_t("Erwachsene", "Adults"), 800),
            PriceSpec(_t("Kinder", "Children"), 500, _t("6 bis 14 Jahre", "Aged 6 to 14")),
            PriceSpec(
                _t("Familienkarte", "Family ticket"),
                1800,
                _t("2 Erwachsene, bis zu 3 Kinder", "2 adults, up to 3 children"),
                group=True,
            ),
        ),
        vat_pct=7.0,
        entry_fee=EntryFee.INCLUDED,
        featured=True,
        tags=("age-6-10", "audience-families"),
        picture=_picture(
            "familienwerkstatt",
            _t("Gipsabdrücke von Tierspuren", "Plaster casts of animal tracks"),
            _t(
                "Kinder vergleichen ihre Abgüsse mit Fährten aus der Sammlung.",
                "Children compare their casts with tracks from the collection.",
            ),
            _t("Foto: Haus der Naturkunde", "Photo: House of Natural History"),
        ),
        twists={0: Twist.FULL, 3: Twist.CANCELLED},
    ),
    EventSpec(
        slug="ferienwerkstatt-eiszeit",
        museum="naturkunde",
        category="family",
        title=_t(
            "Ferienwerkstatt: Mammut, Moor und Findling",
            "Holiday workshop: mammoths, moors and boulders",
        ),
        sub_title=_t("Drei Stunden Eiszeit zum Anfassen", "Three hours of hands-on Ice Age"),
        description=_t(
            "In den Schulferien erkunden Kinder, wie die Eiszeit die Landschaft an der Spree "
            "geformt hat. Sie bestimmen Gesteine, vermessen einen Mammutzahn und bauen das "
            "Modell eines Gletschers. Die Eltern bringen ihre Kinder und holen sie wieder ab.",
            "During the school holidays, children explore how the Ice Age shaped the landscape "
            "along the Spree. They identify rocks, measure a mammoth tooth and build a model "
            "glacier. Parents drop their children off and pick them up afterwards.",
        ),
        shop_description=_t(
            "Für Kinder von 6 bis 10 Jahren ohne Begleitung. Bitte einen Imbiss und etwas zu "
            "trinken mitgeben.",
            "For children aged 6 to 10, unaccompanied. Please pack a snack and a drink.",
        ),
        schedule=holiday_workshops((TUE, THU), time(10, 0)),
        duration=180,
        seats_max=12,
        seats_min=4,
        max_persons=3,
        price_cents=1200,
        vat_pct=7.0,
        entry_fee=EntryFee.INCLUDED,
        tags=("age-6-10", "audience-families", "ice-age"),
    ),
]

STADTMUSEUM_EVENTS: list[EventSpec] = [
    EventSpec(
        slug="schulwerkstatt-stadtgeschichte",
        museum="stadtmuseum",
        category="workshop",
        title=_t(
            "Schulwerkstatt: Vom Fischerdorf zur Großstadt",
            "School workshop: from fishing village to city",
        ),
        sub_title=_t(
            "Stadtgeschichte zum Anfassen für die Grundschule",
            "Hands-on local history for primary schools",
        ),
        description=_t(
            "Wie lebten die Fischer im Kietz, und warum kamen später Wäschereien und Fabriken "
            "nach Köpenick? Die Kinder untersuchen Fundstücke, Karten und alte Fotos und bauen "
            "in Gruppen ein Modell der Stadt. Die Werkstatt folgt dem Rahmenlehrplan "
            "Sachunterricht.",
            "How did the fishermen of the Kietz live, and why did laundries and factories later "
            "come to Köpenick? The children examine finds, maps and old photographs and build a "
            "model of the town in groups. The workshop follows the primary school curriculum.",
        ),
        shop_description=_t(
            "Nur für Schulklassen; Buchung über den Besucherservice oder an der Kasse. Der Preis "
            "gilt pro Klasse mit bis zu 30 Kindern.",
            "School classes only; book through visitor services or at the ticket desk. The price "
            "is per class of up to 30 children.",
        ),
        schedule=school_mornings(TUE, time(9, 30)),
        duration=120,
        seats_max=30,
        seats_min=10,
        min_persons=10,
        max_persons=30,
        price_cents=6000,
        price_group=True,
        entry_fee=EntryFee.NONE,
        channels=NOT_PUBLIC,
        tags=("audience-school-classes", "grade-1-4", "school-class", "local-history"),
    ),
    EventSpec(
        slug="schulwerkstatt-hauptmann",
        museum="stadtmuseum",
        category="workshop",
        title=_t(
            "Schulwerkstatt: Der Hauptmann von Köpenick",
            "School workshop: the Captain of Köpenick",
        ),
        sub_title=_t(
            "Uniform, Obrigkeit und Satire ab Klasse 5",
            "Uniforms, authority and satire from grade 5",
        ),
        description=_t(
            "1906 besetzte der Schuhmacher Wilhelm Voigt in einer zusammengekauften Uniform das "
            "Rathaus Köpenick. Die Schülerinnen und Schüler rekonstruieren den Tag aus "
            "Zeitungsberichten, spielen Szenen nach und diskutieren, warum niemand den falschen "
            "Hauptmann aufhielt.",
            "In 1906 the shoemaker Wilhelm Voigt, wearing a second-hand uniform, occupied "
            "Köpenick town hall. Pupils reconstruct the day from newspaper reports, act out "
            "scenes and discuss why nobody stopped the fake captain.",
        ),
        shop_description=_t(
            "Nur für Schulklassen; Buchung über den Besucherservice oder an der Kasse. Der Preis "
            "gilt pro Klasse mit bis zu 30 Schülerinnen und Schülern.",
            "School classes only; book through visitor services or at the ticket desk. The price "
            "is per class of up to 30 pupils.",
        ),
        schedule=school_mornings(THU, time(9, 30)),
        duration=120,
        seats_max=30,
        seats_min=10,
        min_persons=10,
        max_persons=30,
        price_cents=6000,
        price_group=True,
        entry_fee=EntryFee.NONE,
        channels=NOT_PUBLIC,
        tags=(
            "audience-school-classes",
            "grade-5-6",
            "secondary-1",
            "school-class",
            "local-history",
        ),
    ),
    EventSpec(
        slug="koepenicker-abende",
        museum="stadtmuseum",
        category="lecture",
        title=_t("Köpenicker Abende", "Köpenick Evenings"),
        sub_title=_t(
            "Vorträge zur Stadtgeschichte, einmal im Monat", "Monthly lectures on local history"
        ),
        description=_t(
            "Am ersten Mittwoch des Monats stellen Historikerinnen, Archäologen und Sammler ihre "
            "Forschung zu Köpenick und dem Berliner Südosten vor. Im Anschluss ist Zeit für "
            "Fragen. Einige Abende finden auf Englisch statt.",
            "On the first Wednesday of every month, historians, archaeologists and collectors "
            "present their research on Köpenick and south-east Berlin. There is time for "
            "questions afterwards. Some evenings are held in English.",
        ),
        shop_description=_t(
            "Freie Platzwahl. Einlass ab 18:30 Uhr.", "Unreserved seating. Doors open at 6:30 pm."
        ),
        schedule=lecture_evenings,
        duration=90,
        seats_max=30,
        price_cents=500,
        entry_fee=EntryFee.NONE,
        tags=("age-adults", "audience-adults", "audience-seniors", "local-history"),
        twists={1: Twist.CANCELLED, 3: Twist.RELOCATED},
    ),
    EventSpec(
        slug="stadtspaziergang",
        museum="stadtmuseum",
        category="tour",
        title=_t("Stadtspaziergang durch die Altstadt", "Walking tour of the old town"),
        sub_title=_t(
            "Vom Rathaus über den Kietz zur Schlossinsel",
            "From the town hall through the Kietz to the palace island",
        ),
        description=_t(
            "Der Rundgang beginnt vor dem Rathaus, wo 1906 der falsche Hauptmann auftrat, und "
            "führt durch die Gassen des Fischerkietzes bis zur Schlossinsel. Unterwegs geht es "
            "um Stadtbrände, Fischereirechte und die erste Brücke über die Dahme. Der Weg ist "
            "etwa zwei Kilometer lang.",
            "The walk starts in front of the town hall, where the fake captain appeared in "
            "1906, and leads through the lanes of the old fishing quarter to the palace island. "
            "Along the way you will hear about town fires, fishing rights and the first bridge "
            "across the Dahme. The route is about two kilometres long.",
        ),
        shop_description=_t(
            "Treffpunkt am Haupteingang des Rathauses Köpenick. Der Spaziergang findet bei "
            "jedem Wetter statt.",
            "Meet at the main entrance of Köpenick town hall. The walk takes place in all "
            "weathers.",
        ),
        # Second and fourth Saturday, April to October only: nobody walks in January.
        schedule=monthly(SAT, (2, 4), time(11, 0), months=tuple(range(4, 11))),
        duration=120,
        seats_max=20,
        max_per_registration=6,
        max_persons=6,
        price_cents=800,
        entry_fee=EntryFee.NONE,
        registerable=True,
        location="rathaus",
        tags=("age-adults", "audience-adults", "guided-group", "local-history"),
        picture=_picture(
            "stadtspaziergang",
            _t("Im Fischerkietz", "In the old fishing quarter"),
            _t(
                "Niedrige Fischerhäuser an der Straße Kietz.",
                "Low fishermen's cottages in the Kietz street.",
            ),
            _t("Foto: Stadtmuseum Köpenick", "Photo: Köpenick City Museum"),
        ),
    ),
]

WERKRAUM_EVENTS: list[EventSpec] = [
    EventSpec(
        slug="werkraum-konzerte",
        museum="werkraum",
        category="concert",
        title=_t("Werkraum-Konzerte", "Werkraum Concerts"),
        sub_title=_t(
            "Kammermusik im Auditorium des Kornspeichers", "Chamber music in the granary auditorium"
        ),
        description=_t(
            "Die Konzertreihe bringt Musik in den ehemaligen Kornspeicher: Streichquartette, "
            "Bläserensembles und Neue Musik, oft mit Bezug zu Maschinen, Rhythmus und Arbeit. "
            "Vor jedem Konzert führt eine kurze Einführung in das Programm ein.",
            "The concert series brings music into the former granary: string quartets, wind "
            "ensembles and new music, often inspired by machines, rhythm and work. Every concert "
            "opens with a short introduction to the programme.",
        ),
        shop_description=_t(
            "Nummerierte Plätze. Rollstuhlplätze in Reihe 1; Begleitpersonen haben freien "
            "Eintritt.",
            "Numbered seats. Wheelchair spaces in row 1; companions are admitted free of charge.",
        ),
        schedule=every_seventh_week(SAT, time(19, 30)),
        duration=90,
        seats_max=0,
        seated=True,
        max_persons=8,
        price_cents=None,
        scale_prices=(
            PriceSpec(_t("Parkett regulär", "Stalls, full price"), 2400, seat_category="Parkett"),
            PriceSpec(
                _t("Parkett ermäßigt", "Stalls, reduced"),
                1600,
                _t(
                    "Schüler, Studierende, Schwerbehinderte",
                    "Pupils, students, severely disabled visitors",
                ),
                seat_category="Parkett",
            ),
            PriceSpec(_t("Empore regulär", "Gallery, full price"), 1800, seat_category="Empore"),
        ),
        vat_pct=7.0,
        entry_fee=EntryFee.NONE,
        featured=True,
        tags=("audience-adults", "wheelchair", "industrial-heritage"),
        picture=_picture(
            "werkraum-konzerte",
            _t("Das Auditorium im Kornspeicher", "The auditorium in the granary"),
            _t(
                "Ein Streichquartett auf der Bühne unter den alten Holzbalken.",
                "A string quartet on stage beneath the old timber beams.",
            ),
            _t("Foto: Mira Osei / Werkraum", "Photo: Mira Osei / Werkraum"),
        ),
    ),
    EventSpec(
        slug="druckwerkstatt",
        museum="werkraum",
        exhibition="cms-dinge-des-alltags",
        category="workshop",
        title=_t("Druckwerkstatt: Bleisatz und Buchdruck", "Print workshop: metal type"),
        sub_title=_t(
            "Plakate setzen und drucken wie vor hundert Jahren",
            "Set and print posters as they did a hundred years ago",
        ),
        description=_t(
            "An historischen Setzkästen und einer Andruckpresse aus den 1920er-Jahren setzen die "
            "Teilnehmenden ein eigenes Plakat aus Holz- und Bleilettern und drucken es in "
            "kleiner Auflage. Die Werkstatt ergänzt die Ausstellung „Dinge des Alltags“.",
            "Using historic type cases and a 1920s proof press, participants compose their own "
            "poster from wood and metal type and print a small edition. The workshop "
            "complements the exhibition “Everyday Things”.",
        ),
        shop_description=_t(
            "Preis inklusive Material und Museumseintritt. Bitte Kleidung tragen, die Farbe "
            "abbekommen darf.",
            "Price includes materials and admission. Please wear clothes that may get ink on them.",
        ),
        schedule=monthly(SAT, (2,), time(11, 0)),
        duration=180,
        seats_max=10,
        seats_min=4,
        max_persons=2,
        price_cents=3500,
        vat_pct=19.0,
        entry_fee=EntryFee.INCLUDED,
        registerable=True,
        tags=("age-14-plus", "audience-adults", "industrial-heritage"),
        picture=_picture(
            "druckwerkstatt",
            _t("Setzkasten mit Holzlettern", "Type case with wooden letters"),
            _t(
                "Große Holzbuchstaben für Plakatschriften in der Druckwerkstatt.",
                "Large wooden letters for poster type in the print workshop.",
            ),
            _t("Foto: Werkraum Potsdam", "Photo: Werkraum Potsdam"),
        ),
        documents=(
            {
                "title": _t("Hinweise und Materialliste", "Notes and list of materials"),
                "url": "/media/documents/druckwerkstatt-materialliste.pdf",
                "content_type": "application/pdf",
            },
        ),
        twists={0: Twist.FULL},
    ),
    EventSpec(
        slug="sonntagsfuehrung-alltag",
        museum="werkraum",
        exhibition="cms-dinge-des-alltags",
        category="tour",
        title=_t("Sonntagsführung: Dinge des Alltags", "Sunday tour: Everyday Things"),
        sub_title=_t("Hundert Jahre Gestaltung in einer Stunde", "A century of design in one hour"),
        description=_t(
            "Vom Bakelit-Telefon bis zur Küchenmaschine: Die Führung zeigt, wie "
            "Gebrauchsgegenstände entworfen, gebaut und verkauft wurden und was sie über ihre "
            "Zeit verraten.",
            "From the Bakelite telephone to the food processor: the tour shows how everyday "
            "objects were designed, made and sold, and what they reveal about their time.",
        ),
        shop_description=_t(
            "Treffpunkt im Foyer des Kornspeichers.", "Meet in the foyer of the granary."
        ),
        schedule=weekly(SUN, time(15, 0)),
        duration=60,
        seats_max=25,
        max_per_registration=10,
        max_persons=10,
        price_cents=350,
        tags=("audience-families", "audience-adults", "industrial-heritage", "wheelchair"),
    ),
]

EVENTS: list[EventSpec] = (
    KUNSTHALLE_EVENTS + NATURKUNDE_EVENTS + STADTMUSEUM_EVENTS + WERKRAUM_EVENTS
)


# --- Seat plan ------------------------------------------------------------------------------------

SEAT_ROWS = 6
SEATS_PER_ROW = 10
PARKETT_ROWS = 4  # rows 1-4 are the stalls, rows 5-6 the gallery
WHEELCHAIR_SEATS = {(1, 1), (1, 10)}  # row 1 is level with the side doors
BLOCKED_SEATS = {(5, 5), (5, 6)}  # the sound desk stands there


@dataclass
class _SeatPlan:
    seating_id: int
    category_ids: dict[str, int]  # SeatCategory.title -> id
    capacity: int  # seats for sale


def _add_seating(session: Session) -> _SeatPlan:
    seating = Seating(
        title="Auditorium",
        categories=[
            SeatCategory(title="Parkett", description="Reihe 1–4", color_code="#4a90d9"),
            SeatCategory(title="Empore", description="Reihe 5–6", color_code="#d9a54a"),
        ],
        rows=[SeatRow(title=f"Reihe {n}", position=n) for n in range(1, SEAT_ROWS + 1)],
        types=[SeatType(title="Rollstuhlplatz")],
    )
    session.add(seating)
    session.flush()
    categories = {category.title: category.id for category in seating.categories}
    seats = [
        _seat(seating, row, number, categories)
        for row in seating.rows
        for number in range(1, SEATS_PER_ROW + 1)
    ]
    session.add_all(seats)
    session.flush()
    capacity = sum(not seat.blocked for seat in seats)
    return _SeatPlan(seating.id, categories, capacity)


def _seat(seating: Seating, row: SeatRow, number: int, categories: dict[str, int]) -> Seat:
    place = (row.position, number)
    in_stalls = row.position <= PARKETT_ROWS
    wheelchair = place in WHEELCHAIR_SEATS
    return Seat(
        seating_id=seating.id,
        row_id=row.id,
        category_id=categories["Parkett" if in_stalls else "Empore"],
        type_id=seating.types[0].id if wheelchair else None,
        title=f"R{row.position}-{number}",
        description="Rollstuhlplatz mit ebenem Zugang" if wheelchair else None,
        blocked=place in BLOCKED_SEATS,
        # An aisle after seat 5, and one empty row between the stalls and the gallery.
        x=float(number - 1 + (number > SEATS_PER_ROW // 2)),
        y=float(row.position - 1 + (not in_stalls)),
    )


# --- Loading --------------------------------------------------------------------------------------


@dataclass
class _Context:
    """Everything an event needs from the rows created before it."""

    today: date
    zone: ZoneInfo
    museum_ids: dict[str, int]
    exhibition_ids: dict[str, int]  # foreign_id -> id
    languages: dict[str, Language]
    categories: dict[str, EventCategory]
    tags: dict[str, Tag]
    locations: dict[str, Location]
    seat_plan: _SeatPlan
    # Numbers the dates that get a generated booking level, in load order.
    booking_counter: Iterator[int] = field(default_factory=count)


def load_demo_events(
    session: Session, *, museum_ids: dict[str, int], today: date, zone: ZoneInfo
) -> DemoEvents:
    """Add the demo calendar after `loader.load_demo`; flushes, the caller commits."""
    context = _Context(
        today=today,
        zone=zone,
        museum_ids=museum_ids,
        exhibition_ids=_exhibition_ids(session),
        languages=_add_languages(session),
        categories=_add_categories(session),
        tags=_add_tags(session),
        locations=_add_locations(session),
        seat_plan=_add_seating(session),
    )
    event_ids: dict[str, int] = {}
    for spec in EVENTS:
        event = _event(spec, context)
        session.add(event)
        session.flush()
        event_ids[spec.slug] = event.id
    return DemoEvents(
        event_ids=event_ids,
        language_ids={code: language.id for code, language in context.languages.items()},
        category_ids={name: category.id for name, category in context.categories.items()},
        tag_ids={slug: tag.id for slug, tag in context.tags.items()},
        seating_id=context.seat_plan.seating_id,
    )


def _exhibition_ids(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Exhibition.foreign_id, Exhibition.id).where(Exhibition.foreign_id.is_not(None))
    )
    return {foreign_id: id_ for foreign_id, id_ in rows if foreign_id is not None}


def _add_languages(session: Session) -> dict[str, Language]:
    languages = {code: Language(code=code, name=dict(name)) for code, name in LANGUAGES}
    session.add_all(languages.values())
    session.flush()
    return languages


def _add_categories(session: Session) -> dict[str, EventCategory]:
    categories = {
        filtername: EventCategory(filtername=filtername, name=dict(name))
        for filtername, name in CATEGORIES
    }
    session.add_all(categories.values())
    session.flush()
    return categories


def _add_tags(session: Session) -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    for slug, kind, name in TAGS:
        # Sort order counts within a kind: it orders one filter list, not all tags.
        position = sum(tag.kind == kind.value for tag in tags.values())
        tags[slug] = Tag(kind=kind.value, name=dict(name), sort_order=position)
    session.add_all(tags.values())
    session.flush()
    return tags


def _add_locations(session: Session) -> dict[str, Location]:
    germany = session.scalars(select(Country.id).where(Country.code == "DE")).one()
    locations = {key: Location(**fields, country_id=germany) for key, fields in LOCATIONS.items()}
    session.add_all(locations.values())
    session.flush()
    return locations


def _event(spec: EventSpec, context: _Context) -> Event:
    slots = _planned_slots(spec, context)
    capacity = context.seat_plan.capacity if spec.seated else spec.seats_max
    return Event(
        museum_id=context.museum_ids[spec.museum],
        exhibition_id=context.exhibition_ids[spec.exhibition] if spec.exhibition else None,
        category_id=context.categories[spec.category].id,
        title=dict(spec.title),
        sub_title=dict(spec.sub_title),
        description=dict(spec.description),
        content=_content(spec),
        documents=[dict(document) for document in spec.documents],
        featured=spec.featured,
        bookable_public=spec.channels.public,
        bookable_reseller=spec.channels.reseller,
        bookable_cashpoint=spec.channels.cashpoint,
        registerable=spec.registerable,
        min_persons=spec.min_persons,
        max_persons=spec.max_persons,
        max_participants=capacity,
        duration=spec.duration,
        entry_fee=spec.entry_fee.value,
        picture=_picture_row(spec.picture),
        location=context.locations[spec.location] if spec.location else None,
        tags=[context.tags[slug] for slug in spec.tags],
        languages=_languages_of(slots, context),
        scale_prices=[
            _scale_price(spec, position, price, context)
            for position, price in enumerate(spec.scale_prices, start=1)
        ],
        dates=_dates(spec, slots, context),
    )


def _content(spec: EventSpec) -> dict[str, Text]:
    return {
        "cms_title": dict(spec.title),
        "shop_title": dict(spec.title),
        "shop_description": dict(spec.shop_description),
    }


def _picture_row(spec: PictureSpec | None) -> Picture | None:
    if spec is None:
        return None
    return Picture(
        filename=spec.filename,
        title=dict(spec.title),
        description=dict(spec.description),
        copyright_info=dict(spec.copyright_info),
    )


def _languages_of(slots: list[Slot], context: _Context) -> list[Language]:
    """The event offers exactly the languages its dates are held in (in LANGUAGES order)."""
    used = {slot.language for slot in slots}
    return [language for code, language in context.languages.items() if code in used]


def _scale_price(spec: EventSpec, position: int, price: PriceSpec, context: _Context) -> ScalePrice:
    seat_category = price.seat_category
    return ScalePrice(
        position=position,
        title=dict(price.title),
        description=dict(price.description),
        price_cents=price.price_cents,
        vat_pct=spec.vat_pct,
        group=price.group,
        optional=False,
        seat_category_id=context.seat_plan.category_ids[seat_category] if seat_category else None,
    )


def _planned_slots(spec: EventSpec, context: _Context) -> list[Slot]:
    """The schedule's slots in the demo window, minus the days the museum is closed anyway."""
    first = context.today - timedelta(days=DAYS_BEFORE)
    last = context.today + timedelta(days=DAYS_AFTER)
    closed = _closure_days(spec.museum)
    return [slot for slot in spec.schedule(first, last) if f"{slot.day:%m-%d}" not in closed]


def _closure_days(museum: str) -> set[str]:
    """Month-days ("12-24") on which the museum is closed every year, from content.py."""
    spec = next(m for m in content.MUSEUMS if m["key"] == museum)
    return {str(e["month_day"]) for e in spec["opening_exceptions"] if not e["hours"]}


def _dates(spec: EventSpec, slots: list[Slot], context: _Context) -> list[EventDate]:
    future = [slot for slot in slots if slot.day > context.today]
    if any(index >= len(future) for index in spec.twists):
        # The module's promises (three cancellations, two sold-out dates) would silently break.
        raise ValueError(f"demo event {spec.slug!r} has too few future dates for its twists")
    dates: list[EventDate] = []
    future_index = count()
    for slot in slots:
        twist = spec.twists.get(next(future_index)) if slot.day > context.today else None
        dates.append(_event_date(spec, slot, twist, context))
    return dates


def _event_date(spec: EventSpec, slot: Slot, twist: Twist | None, context: _Context) -> EventDate:
    start = datetime.combine(slot.day, slot.start, tzinfo=context.zone)
    seats_max = context.seat_plan.capacity if spec.seated else spec.seats_max
    relocated = context.locations["buergersaal"] if twist is Twist.RELOCATED else None
    status = DateStatus.CANCELLED if twist is Twist.CANCELLED else DateStatus.BOOKED
    return EventDate(
        title=dict(slot.title),
        start_at=start,
        end_at=start + timedelta(minutes=spec.duration),
        language_id=context.languages[slot.language].id,
        location_id=relocated.id if relocated else None,
        status=status.value,
        seats_min=min(spec.seats_min, seats_max),
        seats_max=seats_max,
        max_per_registration=spec.max_per_registration,
        seats_booked=_seats_booked(spec, slot, twist, seats_max, context),
        price_cents=spec.price_cents,
        price_group=spec.price_group,
        price_optional=False,
        vat_pct=spec.vat_pct,
        discount=0,
        tax_included=True,
        seating_id=context.seat_plan.seating_id if spec.seated else None,
    )


def _seats_booked(
    spec: EventSpec, slot: Slot, twist: Twist | None, seats_max: int, context: _Context
) -> int:
    if twist is Twist.FULL:
        return seats_max
    # Seated bookings name their seats; without demo orders no seat can count as taken.
    if twist is Twist.CANCELLED or spec.seated:
        return 0
    days_ahead = (slot.day - context.today).days
    return _booking_level(next(context.booking_counter), days_ahead, seats_max)


def _booking_level(n: int, days_ahead: int, seats_max: int) -> int:
    """Repeatable, lifelike demand for the n-th date: past dates well attended, the next four
    weeks filling up, later dates mostly empty; a future date never sells out by accident."""
    if days_ahead < 0:
        share = 40 + n * 37 % 61
    elif days_ahead < 28:
        share = n * 53 % 90 if n % 3 else 0
    else:
        share = 10 if n % 9 == 4 else 0
    booked = seats_max * share // 100
    return booked if days_ahead < 0 else min(booked, seats_max - 1)
