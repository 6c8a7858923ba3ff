"""Picture files: one original per picture, every go~mus rendition made from it with Pillow.

The media folder holds one subfolder per format (`original/`, `teaser/`, ... `detail_3x2/`),
each with a JPEG of the same file name, served under `/media/<format>/<file name>`. Whoever
adds a picture (the demo, a staff upload) calls `store_picture`; `render_picture` makes what
is missing from a stored original. Both are idempotent, and writes replace files atomically,
so several processes may render the same picture at once.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from PIL import Image, ImageOps

ORIGINAL = "original"
# Longest side of a stored original: big enough for any rendition, small enough to send.
ORIGINAL_MAX_SIDE = 2400
# Fixed sizes (width, height) of the go~mus formats (museums.md, exhibitions.md): 4:3, and 3:2
# for the `*_3x2` ones. An original of another aspect ratio is cropped around its centre.
RENDITION_SIZES: dict[str, tuple[int, int]] = {
    "teaser": (480, 360),
    "preview": (240, 180),
    "article": (800, 600),
    "detail": (1200, 900),
    "teaser_3x2": (480, 320),
    "preview_3x2": (240, 160),
    "article_3x2": (810, 540),
    "detail_3x2": (1200, 800),
}
FORMATS = (ORIGINAL, *RENDITION_SIZES)
JPEG_QUALITY = 85

# One path segment, plain ASCII, a JPEG suffix: never a way out of its format folder.
_PICTURE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.jpe?g", re.ASCII)
_DEFAULT_FALLBACK = "fallback-picture.png"


def is_picture_name(filename: str) -> bool:
    return _PICTURE_NAME.fullmatch(filename) is not None


def store_picture(media_dir: Path, filename: str, image: Image.Image) -> None:
    """Keep `image` as the picture's original (JPEG, at most 2400 px a side) and make every
    rendition from it. Storing the same image again changes no file."""
    original = _checked_path(media_dir, ORIGINAL, filename)
    encoded = _jpeg(_normalized(image))
    renew = not original.is_file() or original.read_bytes() != encoded
    if renew:
        _write_atomically(original, encoded)
    # A new original renews every rendition, whatever the clock granularity of the file system.
    _render(media_dir, filename, renew=renew)


def render_picture(media_dir: Path, filename: str) -> None:
    """Make each rendition of a stored original that is missing, older than the original or
    of another size."""
    _render(media_dir, filename, renew=False)


def _render(media_dir: Path, filename: str, *, renew: bool) -> None:
    original = _checked_path(media_dir, ORIGINAL, filename)
    changed_at = original.stat().st_mtime_ns
    targets = [
        (_checked_path(media_dir, fmt, filename), size) for fmt, size in RENDITION_SIZES.items()
    ]
    stale = [
        (target, size)
        for target, size in targets
        if renew or not _up_to_date(target, size, changed_at)
    ]
    if not stale:
        return
    with Image.open(original) as source:
        source.load()
        for target, size in stale:
            rendition = ImageOps.fit(source, size, Image.Resampling.LANCZOS)
            _write_atomically(target, _jpeg(rendition))


@dataclass(frozen=True)
class FallbackPicture:
    """What an object without a picture of its own shows: `source` under the file name
    `filename`, which changes with the source's content (so caches never show an old one)."""

    source: Path
    filename: str


@lru_cache
def fallback_picture(configured: Path | None) -> FallbackPicture:
    """The instance's fallback picture: the configured image, else the neutral one museion ships."""
    source = configured or Path(
        str(resources.files("museion.catalogue") / "data" / _DEFAULT_FALLBACK)
    )
    with Image.open(source) as image:  # not an image: the instance does not start
        image.verify()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    return FallbackPicture(source, f"fallback-{digest}.jpg")


def store_fallback_picture(media_dir: Path, fallback: FallbackPicture) -> None:
    """Put the fallback picture into the media folder in every format (idempotent)."""
    with Image.open(fallback.source) as image:
        store_picture(media_dir, fallback.filename, image)


def _normalized(image: Image.Image) -> Image.Image:
    """Upright (EXIF orientation applied), RGB on white, at most ORIGINAL_MAX_SIDE a side."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    rgb = upright.convert("RGB")
    rgb.thumbnail((ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE), Image.Resampling.LANCZOS)
    return rgb


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _up_to_date(target: Path, size: tuple[int, int], changed_at: int) -> bool:
    try:
        if target.stat().st_mtime_ns < changed_at:
            return False
        with Image.open(target) as existing:  # reads the header only
            return existing.size == size
    except (OSError, Image.DecompressionBombError):
        return False


def _checked_path(media_dir: Path, fmt: str, filename: str) -> Path:
    if fmt not in FORMATS or not is_picture_name(filename):
        raise ValueError(f"not a picture file name: {fmt}/{filename}")
    return media_dir / fmt / filename


def _write_atomically(target: Path, content: bytes) -> None:
    """Readers see the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; a web server in front must read it
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
