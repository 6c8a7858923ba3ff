"""GET /version, /whoami, /locales."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from museion.auth import PrincipalDep
from museion.system.schemas import LocalesOut, VersionEnvelope, VersionOut, WhoamiOut
from museion.web import SettingsDep, page_limit

API_VERSION = "4.4"

router = APIRouter(tags=["system"])


@router.get("/version", summary="System and API version of this instance")
def version(settings: SettingsDep, principal: PrincipalDep) -> VersionEnvelope:
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
    return WhoamiOut(access=principal.whoami_access, museums=sorted(principal.museum_ids or ()))


@router.get("/locales", summary="Content locales; the first is the default and fallback")
def locales(settings: SettingsDep) -> LocalesOut:
    return LocalesOut(locales=list(settings.locales))
