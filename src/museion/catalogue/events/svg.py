"""The seat plan drawn as SVG: one circle per seat (id in `data-seat-id`), colored by category."""

from __future__ import annotations

from html import escape

from museion.catalogue.events.models import Seating

SEAT = 28  # pixels per seat-width unit on the drawing
RADIUS = 11
MARGIN = 40
BLOCKED_COLOR = "#9e9e9e"


def render_seating(seating: Seating) -> str:
    colors = {category.id: category.color_code for category in seating.categories}
    width = MARGIN * 2 + SEAT * (max((s.x for s in seating.seats), default=0) + 1)
    height = MARGIN * 2 + SEAT * (max((s.y for s in seating.seats), default=0) + 1) + SEAT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" data-seating-id="{seating.id}">',
        f"<title>{escape(seating.title)}</title>",
        f'<rect x="{MARGIN}" y="8" width="{width - 2 * MARGIN:.0f}" height="16" fill="#424242"/>',
    ]
    for seat in seating.seats:
        cx = MARGIN + SEAT * seat.x + SEAT / 2
        cy = MARGIN + SEAT * seat.y + SEAT
        fill = BLOCKED_COLOR if seat.blocked else colors.get(seat.category_id, "#bdbdbd")
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS}" fill="{fill}" '
            f'data-seat-id="{seat.id}" data-row-id="{seat.row_id}" '
            f'data-category-id="{seat.category_id}"'
            + (f' data-type-id="{seat.type_id}"' if seat.type_id else "")
            + (' data-blocked="true"' if seat.blocked else "")
            + f"><title>{escape(seat.title)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
