"""No secrets or personal data in logs: capability tokens and e-mail addresses are masked in
every record a museion process writes, the access log included.

Order tokens, reservation tokens and barcodes are capabilities (whoever has one can fetch
tickets, cancel a hold, get in); they travel in URL paths and `?token=`. E-mail addresses can
reach a log through an exception message. The filter sits on the handlers, so records of
every logger that ends up there are covered, tracebacks included.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
_PATTERNS = [
    # /orders/<token> (a numeric id is no secret), /orders/barcode/<code>, and what follows.
    (re.compile(r"(/orders/barcode/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    (
        re.compile(r"(/orders/)(?!barcode/)(?=[^/?#\s\"']*[^0-9/?#\s\"'])[^/?#\s\"']+"),
        rf"\g<1>{MASK}",
    ),
    (re.compile(r"(/tickets/reservations/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    # ?token=..., reservations[]=... (plain or percent-encoded brackets).
    (
        re.compile(r"([?&](?:token|reservations(?:\[\]|%5B%5D)?)=)[^&#\s\"']*", re.I),
        rf"\g<1>{MASK}",
    ),
    (re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"), f"{MASK}@{MASK}"),
]
# Every pattern above needs one of these; most log text has none (an access log line's client,
# method and status), and one search is cheaper than five substitutions.
_MAY_HOLD_SECRETS = re.compile(
    r"/orders/|/tickets/reservations/|[?&](?:token|reservations)|@", re.I
)
_formatter = logging.Formatter()


def scrub(text: str) -> str:
    if _MAY_HOLD_SECRETS.search(text) is None:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrubbed(value: object) -> object:
    # Only text is rewritten; numbers and other values keep their type for %d and friends.
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, BaseException):
        return scrub(str(value))
    return value


class ScrubFilter(logging.Filter):
    """Rewrites a record's message (and traceback) with capabilities and addresses masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Arguments are scrubbed one by one and kept: some formatters read them (uvicorn's
        # access log unpacks client, method, path, version and status).
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_scrubbed(value) for value in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _scrubbed(value) for key, value in record.args.items()}
        message = record.getMessage()
        if scrub(message) != message:  # an argument that only leaks once formatted
            record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


_FILTER = ScrubFilter()
# uvicorn's own loggers do not propagate to the root logger; museion's do.
_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


def install_log_scrubbing() -> None:
    """Put the filter on every handler that museion's and uvicorn's records reach (once)."""
    root = logging.getLogger()
    if not root.handlers:
        # Without a handler, warnings would go to logging's last resort, which no filter sees.
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        root.addHandler(stream)
    for name in _LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
