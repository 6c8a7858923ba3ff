"""Security headers on every answer: API JSON, docs pages, media files, PDFs, errors and 404s.

- `X-Content-Type-Options: nosniff`: browsers take the declared type (a JSON error is never
  run as a script, an uploaded picture never as HTML).
- `Referrer-Policy: no-referrer`: links in the docs pages or in served documents tell nobody
  which museion page (order tokens sit in document URLs) they were followed from.
- `Content-Security-Policy`: an answer that sets its own keeps it (the docs pages, docs.py);
  every other gets `default-src 'none'; frame-ancestors 'none'`: JSON, pictures and seat plan
  SVGs load nothing and run nothing, even when opened directly, and no page frames them.
  PDFs go without: a policy there also binds the browser's built-in PDF viewer, which some
  browsers then refuse to run; nosniff still holds.
- `Strict-Transport-Security` only on answers served over HTTPS (`scheme` as uvicorn sets it,
  after `X-Forwarded-Proto` from a trusted proxy): announced over plain HTTP it means nothing,
  and a development server on http://localhost must not pin itself.

The middleware wraps the whole app, outside Starlette's error middleware, so 500 answers carry
the headers too.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
# A year, the usual minimum; subdomains are the museum's business, not this server's.
HSTS = "max-age=31536000"
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                if not headers.get("content-type", "").startswith("application/pdf"):
                    headers.setdefault("Content-Security-Policy", API_POLICY)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
