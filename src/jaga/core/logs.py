"""Log records never carry a URL's query string (secrets and identities can be typed into one); in
production they are JSON lines with the request's id (``JAGA_LOG_FORMAT``)."""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime
from typing import Any

_QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    return _QUERY.sub("?…", text)


class WithoutQueryStrings(logging.Filter):
    """Removes query strings from a record's message and its arguments (Django's server logs the
    request line as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) if isinstance(a, str) else a for a in record.args)
        return True


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request it was written in ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from jaga.core.metrics import request_id

        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (production): time, level, logger, message, request id. An error's
    trace is its type and frames (file, line, function), never its message or any value: an
    exception's text can hold what a person typed."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": without_query(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info and record.exc_info[0] is not None:
            body["error"] = record.exc_info[0].__name__
            body["frames"] = [
                f"{frame.filename.rsplit('/site-packages/', 1)[-1]}:{frame.lineno}:{frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])
            ][-12:]
        return json.dumps(body, ensure_ascii=False)


def logging_config(form: str, level: str) -> dict[str, Any]:
    """Django's LOGGING: one console handler, ``form`` ("plain" or "json") lines at ``level``. Every line
    goes without query strings (the development server logs each request line, which may hold a hotline
    secret or a NIK sent where it does not belong) and with the request's id."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {"()": "jaga.core.logs.JsonFormatter"},
        },
        "filters": {
            "no_query_strings": {"()": "jaga.core.logs.WithoutQueryStrings"},
            "request_id": {"()": "jaga.core.logs.RequestIdFilter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": form,
                "filters": ["no_query_strings", "request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # WeasyPrint (the annual report's PDF) logs every page it lays out at INFO; fontTools its subsetting.
        "loggers": {name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools")},
    }
