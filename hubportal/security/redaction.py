"""Secrets carried in URL paths never reach a log or the audit table.

A complaint's private tracking link, a partner user's invitation and a
password reset each put a token in the path; anyone who reads the logs could
follow it. The paths are rewritten before anything records them: the audit
rows, Django's own loggers (e.g. "Not Found: /complaints/track/<token>/") and
gunicorn's access log.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

HIDDEN = "[redacted]"

# One pattern per URL that carries a token: what comes before it, the secret part.
TOKEN_PATHS = [
    re.compile(r"(/complaints/track/)[^/?#\s]+"),
    re.compile(r"(/invitation/)[^/?#\s]+/[^/?#\s]+"),
    re.compile(r"(/accounts/reset/)[^/?#\s]+/[^/?#\s]+"),
]


def redact(text: str) -> str:
    """The text with every token a URL path carries replaced by a marker."""
    for pattern in TOKEN_PATHS:
        text = pattern.sub(rf"\g<1>{HIDDEN}", text)
    return text


class RedactTokensFilter(logging.Filter):
    """A logging filter that redacts the message and its string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(arg) if isinstance(arg, str) else arg for key, arg in record.args.items()}
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger (`--logger-class`), whose access log hides tokens in
    the request line, the path and the headers (a Referer carries the page's path)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
