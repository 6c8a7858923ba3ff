"""Placeholder pictures for the demo: one SVG per picture format, so image URLs resolve."""

from __future__ import annotations

from html import escape

PICTURE_SIZES = {
    "original": (1600, 1200),
    "teaser": (480, 360),
    "preview": (240, 180),
    "article": (800, 600),
    "detail": (1200, 900),
    "teaser_3x2": (480, 320),
    "preview_3x2": (240, 160),
    "article_3x2": (810, 540),
    "detail_3x2": (1200, 800),
}


def placeholder_svg(title: str, width: int, height: int) -> str:
    hue = sum(map(ord, title)) % 360
    size = max(12, width // 24)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<rect width="100%" height="100%" fill="hsl({hue},35%,45%)"/>'
        f'<text x="50%" y="50%" fill="#fff" font-family="sans-serif" font-size="{size}" '
        f'text-anchor="middle" dominant-baseline="middle">{escape(title)}</text></svg>'
    )
