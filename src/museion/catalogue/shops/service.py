"""Shop rules: which shop a request means (X-Shop-Url), and what that shop tells its frontend."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from museion.access import Principal, limit_to_museums
from museion.catalogue.shops import queries
from museion.catalogue.shops.models import Shop, ShopTextKind
from museion.catalogue.shops.texts import BUILT_IN_SHOP_NAME, STANDARD_TRANSLATIONS
from museion.db import MAX_ID

# Longer than any URL a browser sends in a header; anything longer names no shop.
MAX_SHOP_URL = 2048
# DNS: at most 253 characters, labels of letters, digits and hyphens (punycode for the rest).
MAX_HOST = 253
_HOST = re.compile(r"[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63})*")

Translated = dict[str, str | None]


@dataclass(frozen=True, slots=True)
class ShopView:
    """One shop as its frontend sees it, before rendering in the request's locale."""

    host: str | None
    name: Translated
    # Standard keys first (built-in texts under the stored ones), then the shop's own keys.
    translations: dict[str, Translated]
    content: dict[str, Translated]
    config: dict[str, Any]
    settings: dict[str, Any]
    # The museums the shop shows, in shop order, as far as the caller may see them.
    museum_ids: list[int]


def shop_host(shop_url: str | None) -> str | None:
    """The host an `X-Shop-Url` names, normalised: no scheme, credentials, port, path or
    trailing dot; lower case; international names in punycode. None: no usable host name."""
    if not shop_url or len(shop_url) > MAX_SHOP_URL:
        return None
    value = shop_url.strip()
    # Header values arrive decoded as Latin-1; a client that sent UTF-8 means UTF-8.
    with suppress(UnicodeError):
        value = value.encode("latin-1").decode("utf-8")
    if "://" not in value and not value.startswith("//"):
        value = "//" + value  # a bare host: urlsplit needs to know where the host starts
    try:
        host = urlsplit(value).hostname
    except ValueError:  # e.g. an unbalanced "[" of an IPv6 literal
        return None
    if not host:
        return None
    host = host.rstrip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return host if len(host) <= MAX_HOST and _HOST.fullmatch(host) else None


def shop_for(session: Session, principal: Principal, shop_url: str | None) -> ShopView:
    """The shop served under the host of `X-Shop-Url`. Without the header, or for a host no
    shop is served under, the instance's default shop answers; an instance without any shop
    answers with the built-in texts, so a shop client always gets a complete shop."""
    shop = queries.find_shop(session, shop_host(shop_url))
    if shop is None:
        return _view(None, BUILT_IN_SHOP_NAME, {}, {}, session, principal)
    return _view(shop, shop.name, shop.config or {}, shop.settings or {}, session, principal)


def _view(
    shop: Shop | None,
    name: Translated,
    config: dict[str, Any],
    settings: dict[str, Any],
    session: Session,
    principal: Principal,
) -> ShopView:
    translations = {key: dict(text) for key, text in STANDARD_TRANSLATIONS.items()}
    content: dict[str, Translated] = {}
    for row in sorted(shop.texts if shop else [], key=lambda row: row.key):
        if row.kind == ShopTextKind.TRANSLATIONS:
            # An empty stored text does not blank a standard one: clients rely on every key.
            stored: Translated = {locale: text for locale, text in row.text.items() if text}
            translations[row.key] = translations.get(row.key, {}) | stored
        else:
            content[row.key] = row.text
    museum_ids = limit_to_museums(principal, configured_museum_ids(config))
    return ShopView(
        host=shop.host if shop else None,
        name=name,
        translations=translations,
        content=content,
        config=config,
        settings=settings,
        museum_ids=queries.list_museum_ids(session, museum_ids),
    )


def configured_museum_ids(config: dict[str, Any]) -> list[int] | None:
    """The shop's `museum_ids` (None: missing or empty, i.e. every museum of the instance)."""
    value = config.get("museum_ids")
    if not isinstance(value, list):
        return None
    ids = [m for m in value if type(m) is int and 1 <= m <= MAX_ID]
    return ids or None
