"""HTTP for the media folder, mounted at `/media`: picture renditions (made on first request
when missing) and documents. Unknown files are 404 with the go~mus error body."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from museion.catalogue.pictures import (
    ORIGINAL,
    RENDITION_SIZES,
    FallbackPicture,
    is_picture_name,
    render_picture,
    store_fallback_picture,
)

log = logging.getLogger(__name__)


class MediaFiles(StaticFiles):
    """Serves the media folder. StaticFiles already refuses paths that leave the folder
    (`..`, absolute paths, symlinks pointing out); a missing folder is an empty one."""

    def __init__(self, media_dir: Path, fallback: FallbackPicture) -> None:
        super().__init__(directory=media_dir, check_dir=False)
        self.media_dir = media_dir
        self.fallback = fallback

    async def check_config(self) -> None:
        # StaticFiles raises (a 500) when the folder does not exist yet; for us that means
        # "nothing stored so far": every file is a 404 until a picture is stored.
        return None

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as missing:
            if missing.status_code != 404:
                raise
            if not await anyio.to_thread.run_sync(self._make_rendition, path):
                raise
        return await super().get_response(path, scope)

    def _make_rendition(self, path: str) -> bool:
        """Make the missing file if it is a rendition of a stored original or of the fallback
        picture; False when there is nothing to make it from."""
        fmt, _, filename = path.partition(os.sep)
        if fmt not in (ORIGINAL, *RENDITION_SIZES) or not is_picture_name(filename):
            return False
        try:
            if filename == self.fallback.filename:
                store_fallback_picture(self.media_dir, self.fallback)
                return True
            if fmt != ORIGINAL and (self.media_dir / ORIGINAL / filename).is_file():
                render_picture(self.media_dir, filename)
                return True
        except OSError:  # an unreadable original, a full disk: logged, and the file stays missing
            log.exception("could not make the rendition %s", path)
        return False
