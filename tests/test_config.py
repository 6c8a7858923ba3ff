"""Settings come from MUSEION_* variables (passed explicitly here, never via os.environ)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from museion.config import Settings


def test_defaults() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///./museion.db"
    assert settings.time_zone == "Europe/Berlin"
    assert settings.currency == "EUR"
    assert settings.locales == ["de", "en"]
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_comma_separated_lists() -> None:
    settings = Settings(_env_file=None, locales="en, de,fr")  # type: ignore[call-arg]
    assert settings.locales == ["en", "de", "fr"]
    assert settings.default_locale == "en"


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSEION_TIME_ZONE", "Europe/Vienna")
    monkeypatch.setenv("MUSEION_LOCALES", "de")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.time_zone == "Europe/Vienna"
    assert settings.locales == ["de"]


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        Settings(_env_file=None, time_zone="Mars/Olympus")  # type: ignore[call-arg]


def test_empty_locale_list_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one locale"):
        Settings(_env_file=None, locales="")  # type: ignore[call-arg]
