"""Reported addresses in one canonical form, so that two reports of the same content group together.

The server never fetches a reported URL: everything here is string work.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from jaga.core.crypto import blind_index, blind_indexes

MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that say how a link was shared, not what it points to.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "si",
        "ref_src",
        "ref_url",
        "share_id",
        "mibextid",
        "s",
        "feature",
        "trk",
        "spm",
        "xmt",
    }
)


class UrlError(ValueError):
    pass


def normalise_url(raw: str) -> str:
    """Lower-case scheme and host (IDNA), no default port, no fragment, no tracking parameters,
    remaining parameters sorted, an empty path as ``/``. A missing scheme means https."""
    text = raw.strip()
    if not text:
        raise UrlError(_("The address is empty."))
    if len(text) > MAX_URL_LENGTH:
        raise UrlError(_("The address is longer than %(max)s characters.") % {"max": MAX_URL_LENGTH})
    if any(ch.isspace() for ch in text):
        raise UrlError(_("An address has no spaces: put each address on its own line."))
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UrlError(_("This is not a web address.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UrlError(_("Only web addresses (http or https) can be reported."))
    host = (parts.hostname or "").rstrip(".")
    if not host or ("." not in host and host != "localhost"):
        raise UrlError(_("The address has no valid domain name."))
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise UrlError(_("The address has no valid domain name.")) from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith("utm_")
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def url_hash(normalised: str) -> str:
    """A keyed hash of a normalised URL (the blind-index key): equal for equal addresses, unreadable without the key."""
    return blind_index(normalised, purpose="hotline-url")


def url_hashes(normalised: str) -> list[str]:
    """What a URL is looked up by: its hash under each blind-index key in use (``crypto.blind_indexes``)."""
    return blind_indexes(normalised, purpose="hotline-url")


def host_of(normalised: str) -> str:
    return urlsplit(normalised).hostname or ""
