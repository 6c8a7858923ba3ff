"""The demo's pictures: drawn with Pillow when the demo loads (a colour gradient, a few soft
shapes, the picture's title), then stored like any uploaded picture, renditions included."""

from __future__ import annotations

import random
import textwrap
import zlib
from collections.abc import Iterator
from pathlib import Path

import reportlab
from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont, ImageOps

from museion.catalogue.pictures import store_picture
from museion.demo import content
from museion.demo.events import EVENTS

SIZE = (1600, 1200)
# The title stays inside the centre band that the 3:2 renditions keep of a 4:3 original.
TITLE_TOP = 720
TITLE_SIZE = 76
# Bitstream Vera, shipped with reportlab (a museion dependency): it has umlauts and ß, which
# Pillow's built-in font lacks.
TITLE_FONT = Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"


def write_demo_pictures(media_dir: Path) -> None:
    """Every demo picture in every format; loading the demo again rewrites nothing."""
    for filename, title in demo_pictures():
        store_picture(media_dir, filename, draw_picture(title))


def demo_pictures() -> Iterator[tuple[str, str]]:
    """(file name, German title) of every picture the demo content names."""
    for spec in [m["picture"] for m in content.MUSEUMS] + [
        e["picture"] for e in content.EXHIBITIONS
    ]:
        if spec is not None:
            yield spec["filename"], spec["title"]["de"] or spec["filename"]
    for event in EVENTS:
        if event.picture is not None:
            yield event.picture.filename, event.picture.title["de"] or event.picture.filename


def draw_picture(title: str) -> Image.Image:
    """A 1600x1200 picture whose colours and shapes follow from the title (same title, same
    picture), with the title written across its lower half."""
    seed = zlib.crc32(title.encode())
    rng = random.Random(seed)
    hue = seed % 360
    top = ImageColor.getrgb(f"hsl({hue}, 45%, 28%)")
    bottom = ImageColor.getrgb(f"hsl({(hue + 50) % 360}, 55%, 62%)")
    picture = ImageOps.colorize(Image.linear_gradient("L").resize(SIZE), top, bottom)
    picture.paste(_shapes(rng), mask=_shapes_mask(rng, seed))
    _write_title(picture, title)
    return picture


def _shapes(rng: random.Random) -> Image.Image:
    light = ImageColor.getrgb(f"hsl({rng.randrange(360)}, 60%, 85%)")
    return Image.new("RGB", SIZE, light)


def _shapes_mask(rng: random.Random, seed: int) -> Image.Image:
    """Translucent circles, arches and bars: where the light colour shows through."""
    mask = Image.new("L", SIZE, 0)
    draw = ImageDraw.Draw(mask)
    width, height = SIZE
    for _ in range(3 + seed % 3):
        radius = rng.randrange(120, 380)
        x, y = rng.randrange(width), rng.randrange(height // 2 + 100)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rng.randrange(40, 90))
    left = rng.randrange(100, width - 600)
    for step in range(rng.randrange(2, 5)):  # a row of arches, like a museum's façade
        x = left + step * 160
        draw.rounded_rectangle((x, 330, x + 120, 640), radius=60, fill=110)
    draw.rectangle((0, 660, width, 676), fill=70)
    return mask.filter(ImageFilter.GaussianBlur(3))


def _write_title(picture: Image.Image, title: str) -> None:
    font = ImageFont.truetype(TITLE_FONT, TITLE_SIZE)
    lines = textwrap.wrap(title, width=30)[:3]
    band = Image.new("L", SIZE, 0)
    ImageDraw.Draw(band).rectangle(
        (0, TITLE_TOP - 40, SIZE[0], TITLE_TOP + 40 + len(lines) * (TITLE_SIZE + 16)), fill=120
    )
    picture.paste((0, 0, 0), mask=band)
    draw = ImageDraw.Draw(picture)
    for number, line in enumerate(lines):
        y = TITLE_TOP + number * (TITLE_SIZE + 16)
        draw.text((SIZE[0] // 2, y), line, font=font, fill="white", anchor="mt")
