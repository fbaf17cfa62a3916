"""Log records never carry a URL's query string (secrets and identities can be typed into one)."""

from __future__ import annotations

import logging
import re

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
