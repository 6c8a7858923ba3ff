"""GET /shop: what a shop frontend reads to run (not in the older go~mus docs; see README)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from museion.web import Text

log = logging.getLogger(__name__)


class CapacityDisplay(StrEnum):
    EXACT = "exact"  # "12 seats available"
    LEVEL = "level"  # available / few left / sold out


class CheckoutField(StrEnum):
    """Customer fields of an order (go~mus names) a checkout form may demand."""

    SALUTATION = "customer_salutation_id"
    TITLE = "customer_title_id"
    NAME = "name"
    SURNAME = "surname"
    EMAIL = "email"
    PHONE = "phone"
    INSTITUTION = "institution"
    STREET = "street"
    ZIP = "zip"
    CITY = "city"
    COUNTRY = "country_id"


class _Stored(BaseModel):
    """Options kept as JSON in the database, each with a default."""

    model_config = ConfigDict(validate_assignment=True)

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> Self:
        """Stored values over the defaults. A value that does not validate keeps its default
        (and is logged): one mistyped switch must not take the whole shop down."""
        result = cls()
        for name, value in stored.items():
            if name not in cls.model_fields:
                continue
            try:
                setattr(result, name, value)
            except ValidationError as error:
                log.warning("shop option %s=%r ignored: %s", name, value, error)
        return result


class ShopDisplayConfig(_Stored):
    capacity_display: CapacityDisplay = Field(
        CapacityDisplay.EXACT,
        description="How free seats are shown: `exact` numbers, or a `level` (few left below "
        "`capacity_low_threshold`).",
    )
    capacity_low_threshold: int = Field(
        10, ge=0, le=100_000, description="Free seats below which a date counts as nearly full."
    )


class ShopConfigOut(ShopDisplayConfig):
    """What the frontend needs to run: the instance's facts plus the shop's stored config."""

    locales: list[str] = Field(description="Content locales; the first is the fallback.")
    default_locale: str
    currency: str = Field(description="ISO 4217 code of every price.")
    time_zone: str = Field(description="IANA zone every time is given in.")
    per_page: int = Field(description="Largest page this caller gets from an index.")
    museum_ids: list[int] = Field(description="Museums the shop shows, in shop order.")


class ShopSettingsOut(_Stored):
    """Behaviour switches of the shop, from the database."""

    show_free_seats: bool = Field(True, description="Show how many seats are left.")
    max_tickets_per_order: int = Field(
        20, ge=1, le=1000, description="Most tickets one order may hold."
    )
    guest_checkout: bool = Field(True, description="Orders without a customer account.")
    terms_required: bool = Field(True, description="Customers must accept the terms.")
    checkout_required_fields: list[CheckoutField] = Field(
        default_factory=lambda: [CheckoutField.NAME, CheckoutField.SURNAME, CheckoutField.EMAIL],
        description="Customer fields the checkout form demands.",
    )


class ShopOut(BaseModel):
    name: Text
    host: str | None = Field(
        description="The host the shop is served under (null: the built-in default)."
    )
    translations: dict[str, Text] = Field(
        description="Interface texts; every standard key is always present."
    )
    content: dict[str, Text] = Field(description="Longer texts of this shop.")
    config: ShopConfigOut
    settings: ShopSettingsOut


class ShopEnvelope(BaseModel):
    shop: ShopOut
