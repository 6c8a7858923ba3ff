"""The standard interface texts every shop frontend needs, with built-in German and English.

A shop's `translations` rows override these per key and locale, and may add keys of their own;
a key missing from the database still answers with the built-in text, so a client never finds
a standard key absent (a release adding a key needs no data migration). `{count}` is a
placeholder the frontend fills in.
"""

from __future__ import annotations

from typing import Final

STANDARD_TRANSLATIONS: Final[dict[str, dict[str, str | None]]] = {
    "calendar_empty": {
        "de": "An diesem Tag gibt es keine Termine.",
        "en": "There are no dates on this day.",
    },
    "no_tickets": {
        "de": "Für diese Auswahl sind keine Tickets erhältlich.",
        "en": "No tickets are available for this selection.",
    },
    "sold_out": {"de": "Ausverkauft", "en": "Sold out"},
    "time_slot_title": {"de": "Zeitfenster wählen", "en": "Choose a time slot"},
    "free_seats": {"de": "{count} freie Plätze", "en": "{count} seats available"},
    "book_button": {"de": "Buchen", "en": "Book"},
    "cart_title": {"de": "Warenkorb", "en": "Shopping cart"},
    "cart_empty": {"de": "Ihr Warenkorb ist leer.", "en": "Your shopping cart is empty."},
    "cart_product": {"de": "Produkt", "en": "Product"},
    "cart_quantity": {"de": "Anzahl", "en": "Quantity"},
    "cart_price": {"de": "Preis", "en": "Price"},
    "cart_total": {"de": "Gesamt", "en": "Total"},
    "checkout_button": {"de": "Zur Kasse", "en": "Checkout"},
    "not_found_title": {"de": "Seite nicht gefunden", "en": "Page not found"},
    "error_title": {"de": "Ein Fehler ist aufgetreten", "en": "An error occurred"},
}

# The name of the shop an instance without any shop rows answers with.
BUILT_IN_SHOP_NAME: Final[dict[str, str | None]] = {"de": "Ticketshop", "en": "Ticket shop"}
