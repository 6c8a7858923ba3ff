"""GET /shop."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from museion.auth import PrincipalDep
from museion.catalogue.shops import service
from museion.catalogue.shops.schemas import (
    ShopConfigOut,
    ShopDisplayConfig,
    ShopEnvelope,
    ShopOut,
    ShopSettingsOut,
)
from museion.db import SessionDep
from museion.web import ApiRoute, RenderDep, SettingsDep, page_limit

router = APIRouter(tags=["shop"], route_class=ApiRoute)

DESCRIPTION = """
The shop that `X-Shop-Url` names (a host or URL; scheme, port, path and case do not matter),
with its name, interface `translations` (every standard key, always), longer `content`,
`config` (what the frontend needs to run) and `settings` (behaviour switches).

Without `X-Shop-Url`, or for a host no shop is served under, the instance's default shop
answers: a shop client always gets a complete shop, never a 404.

Every caller may read it: no token (public), customer, reseller, cash point and user tokens.
`locale=en` picks the language (falling back to the first configured locale); user tokens may
ask for `locale[]=de&locale[]=en`. Answers carry an `ETag`: send it back as `If-None-Match`
to get `304 Not Modified` while nothing changed.
"""


@router.get(
    "/shop",
    summary="The shop configuration for shop frontends (X-Shop-Url)",
    description=DESCRIPTION,
    response_model=ShopEnvelope,
    responses={304: {"description": "Unchanged since the `ETag` sent as `If-None-Match`."}},
)
def show_shop(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    render: RenderDep,
    settings: SettingsDep,
    x_shop_url: Annotated[
        str | None,
        Header(description="Host or URL of the shop, e.g. `shop.example.org`."),
    ] = None,
) -> Response:
    shop = service.shop_for(session, principal, x_shop_url)
    envelope = ShopEnvelope(
        shop=ShopOut(
            name=render.text(shop.name),
            host=shop.host,
            translations=render.content(shop.translations),
            content=render.content(shop.content),
            config=ShopConfigOut(
                **ShopDisplayConfig.from_stored(shop.config).model_dump(),
                locales=list(settings.locales),
                default_locale=settings.default_locale,
                currency=settings.currency,
                time_zone=settings.time_zone,
                per_page=page_limit(settings, principal.authenticated),
                museum_ids=shop.museum_ids,
            ),
            settings=ShopSettingsOut.from_stored(shop.settings),
        )
    )
    return _revalidated(request, envelope)


def _revalidated(request: Request, envelope: ShopEnvelope) -> Response:
    """The answer with an ETag of its bytes: clients may keep it, but ask again each time
    (no-cache), so a change in the database shows at once; an unchanged answer costs a 304."""
    body = envelope.model_dump_json().encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        # The shop, and per_page and museum_ids, depend on these headers.
        "Vary": "X-Shop-Url, Authorization",
    }
    sent = request.headers.get("if-none-match", "")
    if etag in (tag.strip().removeprefix("W/") for tag in sent.split(",")) or sent == "*":
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
