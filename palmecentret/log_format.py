"""Log line formats: one JSON object a line for the log collector, or plain text for a
developer, with e-mail addresses never written in clear.

Used by settings.LOGGING (Django's own log) and by gunicorn.conf.py (gunicorn's access and
error log, in the master before Django is loaded), so this module imports nothing from
Django at import time.
"""

import hashlib
import logging
import os
import re

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

# An address as it may appear in a message, an exception or a URL's query string
# (someone%40example.org), e.g. SMTPRecipientsRefused or a staff search in the admin.
EMAIL_ADDRESS = re.compile(
    r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _redaction_key(secret=None):
    # Keyed, so that the short hash cannot be looked up in a list of known addresses, and
    # stable across the processes of one deployment (they share SECRET_KEY), so that the
    # same address gives the same mark in the web and the worker log.
    if secret is None:
        secret = os.environ.get("SECRET_KEY", "")
    return hashlib.sha256(secret.encode()).digest()


def redact(text, secret=None, _key=None):
    """Replace every e-mail address in `text` by <e-mail 1a2b3c4d>: lines about the same
    address can still be told apart and followed, the address itself is not in the log.
    The mark is keyed with `secret` (default: the SECRET_KEY in the environment)."""
    if "@" not in text and "%40" not in text:
        return text
    key = _key or _redaction_key(secret)

    def mark(match):
        address = match.group(0).replace("%40", "@").lower()
        digest = hashlib.blake2b(address.encode(), key=key[:64], digest_size=4).hexdigest()
        return f"<e-mail {digest}>"

    return EMAIL_ADDRESS.sub(mark, text)


def _redact_values(value, key):
    if isinstance(value, str):
        return redact(value, _key=key)
    if isinstance(value, dict):
        return {k: _redact_values(v, key) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact_values(v, key) for v in value]
    return value


class TextFormatter(logging.Formatter):
    """logging.Formatter whose lines carry no e-mail address."""

    def format(self, record):
        return redact(super().format(record))


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object a line: timestamp (UTC, ISO 8601), level, logger, message, then the
    record's extra fields (Django's status_code; method and path of the request instead
    of the request object), exc_info as text. Newlines inside are escaped, so a message
    cannot start a second line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        # django.request and django.security pass the request as an extra; the JSON
        # needs what a reader wants from it, not its repr.
        request = log_data.pop("request", None)
        if request is not None and hasattr(request, "method"):
            log_data["method"] = request.method
            log_data["path"] = getattr(request, "path", None)

    def process_log_record(self, log_data):
        log_data["timestamp"] = log_data["timestamp"].isoformat(
            timespec="milliseconds").replace("+00:00", "Z")
        # The four fields every line has come first, where a reader looks for them.
        ordered = {k: log_data.pop(k) for k in ("timestamp", "level", "logger", "message")}
        ordered.update(log_data)
        return _redact_values(ordered, _redaction_key())


class GunicornAccessJsonFormatter(JsonFormatter):
    """gunicorn's access log as JSON fields (gunicorn passes its "atoms" as the record's
    arguments): the visitor's and the proxy's addresses, method, path, query, status,
    bytes, duration in milliseconds, referrer and user agent."""

    ATOMS = {
        "remote_addr": "h",
        "forwarded_for": "{x-forwarded-for}i",
        "method": "m",
        "path": "U",
        "query": "q",
        "status": "s",
        "bytes": "B",
        "duration_ms": "M",
        "referer": "f",
        "user_agent": "a",
    }

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if isinstance(record.args, dict) else None
        if atoms is None:
            return
        for field, atom in self.ATOMS.items():
            value = atoms[atom] if hasattr(atoms, "__getitem__") else None
            if isinstance(value, str):
                # gunicorn escapes quotes for its text format; JSON does its own.
                value = value.replace('\\"', '"')
            if value in ("-", "", None):
                value = None
            elif field in ("status", "bytes", "duration_ms"):
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    pass
            log_data[field] = value
