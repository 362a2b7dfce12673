"""Logging for the bot: one line per record, and the bot token never written anywhere.

httpx logs every request URL, and the Bot API puts the token in the URL (`/bot<token>/sendMessage`);
PTB's network errors can quote it too. A filter on every root handler rewrites each record (its
message, arguments and formatted traceback) with the token replaced by `<token>`.
"""

from __future__ import annotations

import logging
import re
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A Bot API token: digits, a colon, 30+ url-safe characters. Redacted even when it is not ours.
TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


class RedactToken(logging.Filter):
    """Replaces the token (and anything shaped like one) in a record before any handler formats it."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def redact(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, "<token>")
        return TOKEN_SHAPE.sub("<token>", value)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what we have, still redacted
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(token: str, level: int = logging.INFO, stream=None) -> RedactToken:
    """Log to stderr (or `stream`) through the redacting filter; quiet the chatty HTTP loggers."""
    redactor = RedactToken(token)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs each request (with the token in its URL) at INFO; keep its warnings only.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return redactor
