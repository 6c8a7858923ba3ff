"""Picture URLs in API answers and the media folder behind them (`/media/<format>/<file>`)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from museion.app import create_app
from museion.catalogue.pictures import (
    FORMATS,
    ORIGINAL_MAX_SIDE,
    RENDITION_SIZES,
    fallback_picture,
)
from museion.config import Settings
from museion.db import Database
from museion.demo.loader import DemoInstance
from museion.demo.pictures import demo_pictures, write_demo_pictures
from tests.conftest import bearer, demo_today

USER = bearer("demo-user")  # sees every channel, pages of 100


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's pictures, drawn once per test process (the shared `demo` fixture loads the
    demo without a media folder)."""
    media = tmp_path_factory.mktemp("demo-media")
    write_demo_pictures(media)
    return media


@pytest.fixture
def settings(
    settings: Settings, demo_media: Path, request: pytest.FixtureRequest, tmp_path: Path
) -> Settings:
    update: dict[str, Any] = {"media_dir": demo_media}
    if "own_fallback" in request.fixturenames:
        update |= {
            "fallback_picture": request.getfixturevalue("own_fallback"),
            "media_dir": tmp_path,
        }
    return settings.model_copy(update=update)


@pytest.fixture
def own_fallback(tmp_path: Path) -> Path:
    source = tmp_path / "own-fallback.png"
    Image.new("RGB", (900, 900), (90, 110, 130)).save(source)
    return source


def picture_urls(answer: Any) -> Iterator[str]:
    """Every URL of every `picture` object (or `pictures` list) anywhere in a JSON answer."""
    if isinstance(answer, list):
        for item in answer:
            yield from picture_urls(item)
    elif isinstance(answer, dict):
        for key, value in answer.items():
            pictures = [value] if key == "picture" else value if key == "pictures" else []
            for picture in pictures if isinstance(pictures, list) else []:
                assert isinstance(picture, dict), f"{key}: {picture!r}"
                for fmt in FORMATS:
                    assert isinstance(picture[fmt], str), f"{key}.{fmt}: {picture[fmt]!r}"
                    yield picture[fmt]
            yield from picture_urls(value)


def demo_answers(client: TestClient) -> Iterator[Any]:
    """Every list of the demo that carries pictures, and the detail of each of its items."""
    for kind, singular in (
        ("museums", "museum"),
        ("exhibitions", "exhibition"),
        ("events", "event"),
        ("tickets", "ticket"),
    ):
        listed = client.get(f"/api/v4/{kind}?per_page=100", headers=USER).json()
        assert listed["meta"]["total_count"] <= 100, kind
        yield listed
        for item in listed[kind]:
            detail = client.get(f"/api/v4/{kind}/{item['id']}", headers=USER)
            assert detail.status_code == 200
            yield detail.json()[singular]
    window = f"start_at={demo_today()}&end_at={demo_today() + timedelta(days=30)}"
    dates = client.get(f"/api/v4/dates?per_page=100&{window}", headers=USER).json()
    yield dates
    for date in dates["dates"][:5]:
        yield client.get(f"/api/v4/events/{date['event_id']}/dates/{date['id']}").json()


def expected_size(fmt: str, size: tuple[int, int]) -> bool:
    if fmt == "original":
        return max(size) <= ORIGINAL_MAX_SIDE
    return size == RENDITION_SIZES[fmt]


def test_every_picture_url_of_the_demo_serves_a_jpeg_of_its_format_size(
    client: TestClient, demo: DemoInstance
) -> None:
    urls = {url for answer in demo_answers(client) for url in picture_urls(answer)}
    own = {name for name, _title in demo_pictures()}
    fallback = fallback_picture(None).filename
    names = {url.rsplit("/", 1)[1] for url in urls}
    # Every demo picture shows up somewhere, and so does the fallback (the Stadtmuseum has none).
    assert names == own | {fallback}
    assert len(urls) == len(names) * len(FORMATS)
    for url in sorted(urls):
        fmt = url.split("/media/", 1)[1].split("/")[0]
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(response.content)) as image:
            assert image.format == "JPEG"
            assert expected_size(fmt, image.size), (url, image.size)


def test_demo_originals_are_4_by_3_and_not_svg(client: TestClient, demo: DemoInstance) -> None:
    museum = client.get(f"/api/v4/museums/{demo.museum_ids['kunsthalle']}").json()["museum"]
    assert museum["picture"]["detail"].endswith("/media/detail/kunsthalle.jpg")
    original = client.get(museum["picture"]["original"])
    with Image.open(io.BytesIO(original.content)) as image:
        assert image.size == (1600, 1200)


def test_museum_without_a_picture_shows_the_fallback_in_every_format(
    client: TestClient, demo: DemoInstance
) -> None:
    museum = client.get(f"/api/v4/museums/{demo.museum_ids['stadtmuseum']}").json()["museum"]
    fallback = fallback_picture(None).filename
    picture = museum["picture"]
    # Texts stay null, as go~mus shows its grey stand-in; every URL is a string.
    assert (picture["title"], picture["description"], picture["copyright_info"]) == (None,) * 3
    for fmt in FORMATS:
        assert picture[fmt] == f"http://testserver/media/{fmt}/{fallback}"
        response = client.get(picture[fmt])
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"


def test_exhibitions_and_events_without_a_picture_show_the_fallback(client: TestClient) -> None:
    fallback = fallback_picture(None).filename
    exhibition = client.get("/api/v4/exhibitions?q=Am Wasser gebaut").json()["exhibitions"][0]
    assert exhibition["picture"]["teaser"].endswith(f"/media/teaser/{fallback}")
    events = client.get("/api/v4/events?per_page=100", headers=USER).json()["events"]
    names = [event["picture"]["detail_3x2"].rsplit("/", 1)[1] for event in events]
    assert fallback in names
    assert len(set(names)) > 1


def test_a_configured_fallback_picture_replaces_the_shipped_one(
    client: TestClient, demo: DemoInstance, own_fallback: Path
) -> None:
    fallback = fallback_picture(own_fallback).filename
    assert fallback != fallback_picture(None).filename
    museum = client.get(f"/api/v4/museums/{demo.museum_ids['stadtmuseum']}").json()["museum"]
    for fmt in FORMATS:
        assert museum["picture"][fmt].endswith(f"/media/{fmt}/{fallback}")
        with Image.open(io.BytesIO(client.get(museum["picture"][fmt]).content)) as image:
            assert image.getpixel((0, 0)) == pytest.approx((90, 110, 130), abs=4)
            assert image.size == ((900, 900) if fmt == "original" else RENDITION_SIZES[fmt])


def test_a_missing_rendition_is_made_again_from_its_original(
    client: TestClient, demo_media: Path
) -> None:
    (demo_media / "preview_3x2" / "kunsthalle.jpg").unlink()
    response = client.get("/media/preview_3x2/kunsthalle.jpg")
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == RENDITION_SIZES["preview_3x2"]
    assert (demo_media / "preview_3x2" / "kunsthalle.jpg").is_file()


@pytest.mark.parametrize(
    "path",
    [
        "/media/teaser/no-such-picture.jpg",
        "/media/original/no-such-picture.jpg",
        "/media/poster/kunsthalle.jpg",
        "/media/teaser/kunsthalle.png",
        "/media/teaser",
        "/media/teaser/%2e%2e/%2e%2e/pyproject.toml",
        "/media/%2e%2e%2fconftest.py",
        "/media/teaser/..%2f..%2f..%2fetc%2fpasswd",
        "/media/teaser/fallback-000000000000.jpg",
    ],
)
def test_unknown_media_files_are_404_with_an_error_body(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


@pytest.mark.parametrize(
    "path",
    [
        "/media/%2e%2e/secret.jpg",
        "/media/teaser/%2e%2e/%2e%2e/secret.jpg",
        "/media/teaser/..%2f..%2fsecret.jpg",
        "/media/teaser/%2fsecret.jpg",
        "/media/..%5csecret.jpg",
    ],
)
def test_paths_out_of_the_media_folder_are_404(
    client: TestClient, demo_media: Path, path: str
) -> None:
    (demo_media.parent / "secret.jpg").write_bytes(b"not for the public")
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


def test_media_folder_that_does_not_exist_yet_is_404_not_500(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    empty = settings.model_copy(update={"media_dir": tmp_path / "not-there"})
    with TestClient(create_app(empty, database)) as fresh:
        response = fresh.get("/media/teaser/kunsthalle.jpg")
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}
