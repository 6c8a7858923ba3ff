"""GET /shop: the configuration shop frontends read, picked by X-Shop-Url."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from museion.catalogue.shops.models import Shop, ShopText
from museion.catalogue.shops.service import shop_host
from museion.catalogue.shops.texts import STANDARD_TRANSLATIONS
from museion.demo import content
from museion.demo.loader import DemoInstance
from tests.conftest import bearer

URL = "/api/v4/shop"
DEMO_HOST = "shop.museion.invalid"
KIOSK_HOST = "kiosk.example.org"
IDN_HOST = "shöp.example".encode("idna").decode()  # punycode


def get_shop(client: TestClient, url: str = URL, **headers: Any) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    shop: dict[str, Any] = response.json()["shop"]
    return shop


def make_shop(session: Session, **overrides: Any) -> Shop:
    shop = Shop(
        **{
            "host": KIOSK_HOST,
            "name": {"de": "Museumskiosk", "en": "Museum kiosk"},
            "config": {},
            "settings": {},
            **overrides,
        }
    )
    session.add(shop)
    session.flush()
    return shop


def museum_ids_in_shop_order(client: TestClient) -> list[int]:
    museums = client.get("/api/v4/museums", headers=bearer("demo-user")).json()["museums"]
    return [m["id"] for m in museums]


def test_shop_answer_shape(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"shop"}
    shop = body["shop"]
    assert set(shop) == {"name", "host", "translations", "content", "config", "settings"}
    assert shop["name"] == "Ticketshop der Museen an der Spree"
    assert shop["host"] == DEMO_HOST
    assert shop["config"] == {
        "capacity_display": "exact",
        "capacity_low_threshold": 10,
        "locales": ["de", "en"],
        "default_locale": "de",
        "currency": "EUR",
        "time_zone": "Europe/Berlin",
        "per_page": 25,
        "museum_ids": museum_ids_in_shop_order(client),
    }
    assert shop["settings"] == {
        "show_free_seats": True,
        "max_tickets_per_order": 20,
        "guest_checkout": True,
        "terms_required": True,
        "checkout_required_fields": ["customer_salutation_id", "name", "surname", "email"],
    }
    assert all(isinstance(text, str) and text for text in shop["content"].values())
    assert {"welcome_text", "checkout_note", "imprint_url", "privacy_url"} <= set(shop["content"])


@pytest.mark.parametrize("locale", ["de", "en"])
def test_every_standard_text_is_there_and_not_empty(client: TestClient, locale: str) -> None:
    translations = get_shop(client, f"{URL}?locale={locale}")["translations"]
    assert set(STANDARD_TRANSLATIONS) <= set(translations)
    for key in STANDARD_TRANSLATIONS:
        assert isinstance(translations[key], str), key
        assert translations[key].strip(), key
    expected = {"de": "Jetzt buchen", "en": "Book now"}[locale]
    assert translations["book_button"] == expected


def test_the_demo_shop_stores_every_standard_text_in_german_and_english(
    session: Session, demo: DemoInstance
) -> None:
    rows = session.scalars(
        select(ShopText).where(ShopText.shop_id == demo.shop_id, ShopText.kind == "translations")
    ).all()
    stored = {row.key: row.text for row in rows}
    assert set(stored) == set(STANDARD_TRANSLATIONS)
    for key, text in stored.items():
        assert text.get("de"), key
        assert text.get("en"), key


def test_the_wording_of_the_database_wins_over_the_built_in_one(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    assert get_shop(client)["translations"]["cart_total"] == "Summe"
    session.execute(
        update(ShopText)
        .where(ShopText.shop_id == demo.shop_id, ShopText.key == "cart_total")
        .values(text={"de": "Gesamtbetrag", "en": "Grand total"})
    )
    assert get_shop(client)["translations"]["cart_total"] == "Gesamtbetrag"
    assert get_shop(client, f"{URL}?locale=en")["translations"]["cart_total"] == "Grand total"
    # A key the database lacks still answers, with the built-in text.
    session.execute(delete(ShopText).where(ShopText.key == "cart_total"))
    assert get_shop(client)["translations"]["cart_total"] == "Gesamt"


def test_content_comes_from_the_database(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    before = get_shop(client, f"{URL}?locale=en")["content"]
    assert before["welcome_text"] == content.SHOP["content"]["welcome_text"]["en"]
    session.execute(
        update(ShopText)
        .where(ShopText.shop_id == demo.shop_id, ShopText.key == "welcome_text")
        .values(text={"de": "Heute geschlossen.", "en": "Closed today."})
    )
    session.add(
        ShopText(
            shop_id=demo.shop_id,
            kind="content",
            key="opening_note",
            text={"de": "Montags geschlossen"},
        )
    )
    after = get_shop(client, f"{URL}?locale=en")["content"]
    assert after["welcome_text"] == "Closed today."
    # No English text: the first configured locale's.
    assert after["opening_note"] == "Montags geschlossen"
    session.execute(update(Shop).where(Shop.id == demo.shop_id).values(settings={}))
    assert get_shop(client)["settings"]["checkout_required_fields"] == ["name", "surname", "email"]


@pytest.mark.parametrize(
    "header",
    [
        KIOSK_HOST,
        "KIOSK.Example.ORG",
        "https://kiosk.example.org",
        "https://Kiosk.Example.org:8443/de/shop?ticket=1#top",
        "//kiosk.example.org/",
        "kiosk.example.org:443",
        "  kiosk.example.org.  ",
        "http://user:secret@kiosk.example.org/",
    ],
)
def test_x_shop_url_picks_the_shop_by_its_host(
    client: TestClient, session: Session, header: str
) -> None:
    make_shop(
        session,
        config={"museum_ids": [museum_ids_in_shop_order(client)[1]], "capacity_display": "level"},
        settings={"max_tickets_per_order": 4, "show_free_seats": False},
        texts=[
            ShopText(kind="translations", key="book_button", text={"de": "Kaufen", "en": "Buy"}),
            ShopText(kind="content", key="welcome_text", text={"de": "Hallo", "en": "Hello"}),
        ],
    )
    shop = get_shop(client, **{"X-Shop-Url": header})
    assert shop["host"] == KIOSK_HOST
    assert shop["name"] == "Museumskiosk"
    assert shop["translations"]["book_button"] == "Kaufen"
    # Texts the shop does not store: the built-in ones, so every key is still there.
    assert shop["translations"]["cart_total"] == STANDARD_TRANSLATIONS["cart_total"]["de"]
    assert shop["content"] == {"welcome_text": "Hallo"}
    assert shop["config"]["museum_ids"] == [museum_ids_in_shop_order(client)[1]]
    assert shop["config"]["capacity_display"] == "level"
    assert shop["settings"]["max_tickets_per_order"] == 4
    assert shop["settings"]["show_free_seats"] is False
    assert shop["settings"]["guest_checkout"] is True  # not stored: the default


@pytest.mark.parametrize("header", [None, "", "unknown.example.org", "http://localhost:5173/"])
def test_without_a_known_host_the_default_shop_answers(
    client: TestClient, session: Session, header: str | None
) -> None:
    make_shop(session)
    headers = {} if header is None else {"X-Shop-Url": header}
    shop = get_shop(client, **headers)
    assert shop["host"] == DEMO_HOST
    assert shop["content"]["welcome_text"].startswith("Willkommen")


def test_without_a_flagged_default_the_oldest_shop_answers(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    session.execute(update(Shop).values(is_default=False))
    make_shop(session)
    assert get_shop(client, **{"X-Shop-Url": "nowhere.example.org"})["host"] == DEMO_HOST


def test_an_instance_without_shops_answers_with_the_built_in_texts(
    client: TestClient, session: Session
) -> None:
    session.execute(delete(Shop))
    shop = get_shop(client, f"{URL}?locale=en", **{"X-Shop-Url": DEMO_HOST})
    assert shop["name"] == "Ticket shop"
    assert shop["host"] is None
    assert shop["translations"] == {key: t["en"] for key, t in STANDARD_TRANSLATIONS.items()}
    assert shop["content"] == {}
    assert shop["settings"]["max_tickets_per_order"] == 20
    assert shop["config"]["museum_ids"] == museum_ids_in_shop_order(client)


def test_there_is_at_most_one_default_shop(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        make_shop(session, is_default=True)


def test_locales_follow_the_api_conventions(client: TestClient) -> None:
    assert get_shop(client, f"{URL}?locale=")["name"] == "Ticketshop der Museen an der Spree"
    assert get_shop(client, f"{URL}?locale=EN")["name"] == "Ticket shop of the Spree Museums"
    for query in ("locale=fr", "locale=%C3%A4%C3%B6"):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 422
        assert "unknown locale" in response.json()["error"]
    assert client.get(f"{URL}?locale[]=de&locale[]=en").status_code == 403
    multi = get_shop(client, f"{URL}?locale[]=de&locale[]=en", **bearer("demo-user"))
    assert multi["translations"]["book_button"] == {"de": "Jetzt buchen", "en": "Book now"}
    assert multi["name"] == {
        "de": "Ticketshop der Museen an der Spree",
        "en": "Ticket shop of the Spree Museums",
    }


def test_a_missing_translation_falls_back_to_the_default_locale(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    session.execute(
        update(ShopText)
        .where(ShopText.shop_id == demo.shop_id, ShopText.key == "checkout_note")
        .values(text={"de": "Nur auf Deutsch", "en": None})
    )
    assert get_shop(client, f"{URL}?locale=en")["content"]["checkout_note"] == "Nur auf Deutsch"


@pytest.mark.parametrize(
    ("secret", "per_page"),
    [
        ("demo-user", 100),
        ("demo-reseller", 100),
        ("demo-cashpoint", 100),
        ("demo-entry", 100),
        (None, 25),
    ],
)
def test_every_caller_may_read_the_shop(
    client: TestClient, secret: str | None, per_page: int
) -> None:
    headers = bearer(secret) if secret else {}
    assert get_shop(client, **headers)["config"]["per_page"] == per_page


def test_a_museum_limited_token_sees_only_its_museums(
    client: TestClient, demo: DemoInstance
) -> None:
    shop = get_shop(client, **bearer("demo-reseller-kunsthalle"))
    assert shop["config"]["museum_ids"] == [demo.museum_ids["kunsthalle"]]


def test_a_bad_token_is_refused_as_everywhere(client: TestClient) -> None:
    assert client.get(URL, headers=bearer("no-such-token")).status_code == 401


HOSTILE = [
    "x" * 100_000,
    ("a" * 63 + ".") * 5,
    "shop\x00.example.org",
    "\x00",
    "http://[::1",
    "http://[::1]:80/",
    "http://",
    ":::::",
    "../../etc/passwd",
    "' OR 1=1 --",
    "xn--",
    "a..b",
    "http://example.org:99999999/",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("header", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_shop_urls_get_the_default_shop(client: TestClient, header: str) -> None:
    shop = get_shop(client, **{"X-Shop-Url": header})
    assert shop["host"] == DEMO_HOST


NON_ASCII = [
    ("shöp.example".encode("latin-1"), IDN_HOST),
    ("shöp.example".encode(), IDN_HOST),
    ("🎟️.example".encode(), DEMO_HOST),
    (b"\xff\xfe", DEMO_HOST),
    (b"\xc3\x28.example", DEMO_HOST),
]


@pytest.mark.parametrize(("raw", "expected"), NON_ASCII, ids=range(len(NON_ASCII)))
def test_non_ascii_shop_urls_never_fail(
    client: TestClient, session: Session, raw: bytes, expected: str
) -> None:
    make_shop(session, host=IDN_HOST)
    # An international name arrives as Latin-1 or UTF-8 bytes and is matched in punycode;
    # bytes that name no host get the default shop.
    shop = get_shop(client, **{"X-Shop-Url": raw})  # type: ignore[arg-type]
    assert shop["host"] == expected


def test_shop_host_normalises_or_gives_up() -> None:
    assert shop_host("HTTPS://Shop.Example.org:8080/a/b?c#d") == "shop.example.org"
    assert shop_host("shop.example.org.") == "shop.example.org"
    assert shop_host("shöp.example") == IDN_HOST
    for value in (None, "", " ", "x" * 3000, "a" * 64 + ".org", "a_b\x00", "http://[::1"):
        assert shop_host(value) is None, value


def test_clients_may_keep_the_answer_until_it_changes(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    first = client.get(URL)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    assert "X-Shop-Url" in first.headers["vary"]
    unchanged = client.get(URL, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert client.get(f"{URL}?locale=en", headers={"If-None-Match": etag}).status_code == 200
    session.execute(update(Shop).where(Shop.id == demo.shop_id).values(name={"de": "Neuer Name"}))
    changed = client.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["shop"]["name"] == "Neuer Name"


def test_openapi_documents_the_shop_endpoint(client: TestClient) -> None:
    operation = client.get("/api/openapi.json").json()["paths"][URL]["get"]
    assert operation["summary"]
    assert "public" in operation["description"]
    assert {p["name"] for p in operation["parameters"]} >= {"x-shop-url", "locale", "locale[]"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/ShopEnvelope")
