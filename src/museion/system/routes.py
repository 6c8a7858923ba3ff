"""GET /version, /whoami, /locales."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from museion.auth import PrincipalDep
from museion.system.schemas import LocalesOut, VersionEnvelope, VersionOut, WhoamiOut
from museion.web import ApiRoute, SettingsDep, page_limit

API_VERSION = "4.4"

router = APIRouter(tags=["system"], route_class=ApiRoute)


@router.get("/version", summary="System and API version of this instance")
def version(settings: SettingsDep, principal: PrincipalDep) -> VersionEnvelope:
    """The museion release, the go~mus API version (4.4), the instance's time zone and
    currency, and the largest `per_page` the caller gets (25 without a token, 100 with one)."""
    return VersionEnvelope(
        version=VersionOut(
            system=settings.system_version,
            api=API_VERSION,
            release=settings.release,
            time=datetime.now(settings.zone),
            zone=settings.time_zone,
            currency=settings.currency,
            per_page=page_limit(settings, principal.authenticated),
        )
    )


@router.get("/whoami", summary="What the presented token may do")
def whoami(principal: PrincipalDep) -> WhoamiOut:
    """The access level of the presented token (`public` without one; entry tokens report
    `user`, as in go~mus) and the museums it is limited to (empty: every museum)."""
    return WhoamiOut(access=principal.whoami_access, museums=sorted(principal.museum_ids or ()))


@router.get("/locales", summary="Content locales; the first is the default and fallback")
def locales(settings: SettingsDep) -> LocalesOut:
    """The locales content is kept in; texts missing in the requested locale fall back
    to the first one."""
    return LocalesOut(locales=list(settings.locales))
