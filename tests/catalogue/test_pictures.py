"""Picture renditions (museion.catalogue.pictures): sizes, crops, idempotence. No database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError

from museion.catalogue.pictures import (
    FORMATS,
    ORIGINAL,
    ORIGINAL_MAX_SIDE,
    RENDITION_SIZES,
    fallback_picture,
    render_picture,
    store_picture,
)
from museion.config import Settings


def _mtimes(media: Path, filename: str) -> dict[str, int]:
    return {fmt: (media / fmt / filename).stat().st_mtime_ns for fmt in FORMATS}


def _banded(width: int, height: int, band: int) -> Image.Image:
    """Blue, with red bands of `band` px at the left and right edges."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, band, height))
    image.paste((255, 0, 0), (width - band, 0, width, height))
    return image


def test_every_rendition_has_its_documented_size(tmp_path: Path) -> None:
    store_picture(tmp_path, "hall.jpg", Image.new("RGB", (1600, 1200), "teal"))
    for fmt, size in RENDITION_SIZES.items():
        with Image.open(tmp_path / fmt / "hall.jpg") as rendition:
            assert rendition.format == "JPEG"
            assert rendition.size == size, fmt
    with Image.open(tmp_path / ORIGINAL / "hall.jpg") as original:
        assert original.size == (1600, 1200)


def test_the_go_mus_formats_are_all_there() -> None:
    assert FORMATS == (
        "original",
        "teaser",
        "preview",
        "article",
        "detail",
        "teaser_3x2",
        "preview_3x2",
        "article_3x2",
        "detail_3x2",
    )
    for fmt, (width, height) in RENDITION_SIZES.items():
        ratio_width, ratio_height = (3, 2) if fmt.endswith("_3x2") else (4, 3)
        assert width * ratio_height == height * ratio_width, fmt


def test_a_large_original_is_scaled_down_keeping_its_aspect_ratio(tmp_path: Path) -> None:
    store_picture(tmp_path, "wide.jpg", Image.new("RGB", (4800, 1200), "olive"))
    with Image.open(tmp_path / ORIGINAL / "wide.jpg") as original:
        assert original.size == (ORIGINAL_MAX_SIDE, 600)


def test_renditions_crop_to_fit_around_the_centre(tmp_path: Path) -> None:
    # 2:1 source; a 4:3 crop keeps the middle 1067 px, a 3:2 crop the middle 1200 px: the
    # 190 px red bands at the edges fall away instead of the picture being squashed.
    store_picture(tmp_path, "bands.jpg", _banded(1600, 800, 190))
    for fmt, (width, height) in RENDITION_SIZES.items():
        with Image.open(tmp_path / fmt / "bands.jpg") as rendition:
            rgb = rendition.convert("RGB")
            for x in (0, width - 1):
                red, _, blue = rgb.getpixel((x, height // 2))  # type: ignore[misc]
                assert blue > 200, (fmt, x)
                assert red < 60, (fmt, x)


def test_a_small_original_still_gives_full_size_renditions(tmp_path: Path) -> None:
    store_picture(tmp_path, "tiny.jpg", Image.new("RGB", (90, 60), "navy"))
    with Image.open(tmp_path / "detail" / "tiny.jpg") as detail:
        assert detail.size == RENDITION_SIZES["detail"]


def test_transparent_originals_are_flattened_on_white(tmp_path: Path) -> None:
    store_picture(tmp_path, "logo.jpg", Image.new("RGBA", (400, 300), (0, 0, 0, 0)))
    with Image.open(tmp_path / "teaser" / "logo.jpg") as teaser:
        red, green, blue = teaser.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
        assert min(red, green, blue) > 245


def test_storing_the_same_picture_again_rewrites_nothing(tmp_path: Path) -> None:
    image = _banded(1600, 1200, 100)
    store_picture(tmp_path, "same.jpg", image)
    before = _mtimes(tmp_path, "same.jpg")
    store_picture(tmp_path, "same.jpg", image)
    render_picture(tmp_path, "same.jpg")
    assert _mtimes(tmp_path, "same.jpg") == before
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]


def test_a_new_original_renews_every_rendition(tmp_path: Path) -> None:
    store_picture(tmp_path, "swap.jpg", Image.new("RGB", (800, 600), "black"))
    store_picture(tmp_path, "swap.jpg", Image.new("RGB", (800, 600), "white"))
    for fmt in FORMATS:
        with Image.open(tmp_path / fmt / "swap.jpg") as picture:
            assert picture.convert("L").getpixel((5, 5)) > 245, fmt  # type: ignore[operator]


def test_render_picture_makes_only_what_is_missing_or_wrong(tmp_path: Path) -> None:
    store_picture(tmp_path, "mend.jpg", Image.new("RGB", (1600, 1200), "maroon"))
    before = _mtimes(tmp_path, "mend.jpg")
    (tmp_path / "teaser" / "mend.jpg").unlink()
    Image.new("RGB", (10, 10)).save(tmp_path / "detail" / "mend.jpg")  # a wrong size
    render_picture(tmp_path, "mend.jpg")
    after = _mtimes(tmp_path, "mend.jpg")
    changed = {fmt for fmt in FORMATS if after[fmt] != before[fmt]}
    assert changed == {"teaser", "detail"}
    with Image.open(tmp_path / "detail" / "mend.jpg") as detail:
        assert detail.size == RENDITION_SIZES["detail"]


@pytest.mark.parametrize(
    "filename", ["../escape.jpg", "a/b.jpg", "picture.png", ".hidden.jpg", "", "ü.jpg"]
)
def test_only_plain_jpeg_file_names_are_accepted(tmp_path: Path, filename: str) -> None:
    with pytest.raises(ValueError, match="not a picture file name"):
        store_picture(tmp_path, filename, Image.new("RGB", (10, 10)))
    assert not list(tmp_path.rglob("*.jpg"))


def test_fallback_picture_is_named_after_its_content(tmp_path: Path) -> None:
    shipped = fallback_picture(None)
    assert re.fullmatch(r"fallback-[0-9a-f]{12}\.jpg", shipped.filename)
    assert shipped.source.is_file()
    own = tmp_path / "own.png"
    Image.new("RGB", (300, 200), "purple").save(own)
    assert fallback_picture(own).filename != shipped.filename


def test_a_fallback_that_is_not_an_image_stops_the_instance(tmp_path: Path) -> None:
    not_an_image = tmp_path / "notes.jpg"
    not_an_image.write_text("just text")
    with pytest.raises(UnidentifiedImageError):
        fallback_picture(not_an_image)
    with pytest.raises(ValidationError, match="fallback_picture"):
        Settings(_env_file=None, fallback_picture=tmp_path / "missing.png")  # type: ignore[call-arg]
