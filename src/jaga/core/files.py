"""Files people upload and download: refused when they carry content that runs, served so nothing runs.

Jaga accepts documents (PDF, Word, Excel, PowerPoint, images) that staff open on their own
machines. A PDF can carry scripts and launch actions, an Office file macros, ActiveX controls or a
link that fetches a remote template when opened; none of that is needed in a case file or a
training handout, so such files are refused with the reason. Downloads are attachments under a
sandboxing Content-Security-Policy, so that a browser that renders one anyway runs nothing from it.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _

# PDF name objects that start code or open other content; a name may hide letters as #xx escapes.
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA", b"/SubmitForm")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Parts of an Office package that run or reach out when the file is opened.
_OFFICE_ACTIVE = ("vbaproject.bin", "activex/", "/embeddings/", "vbadata.xml")
# Office files compress 5 to 20 times; one that unpacks 100 times its size, or past 300 MB, is built to
# exhaust the memory of whatever opens it (a 290 KB file that held a 391 MB cell): refused unopened.
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_UNZIP_RATIO = 100


def unpacked_size(archive: zipfile.ZipFile) -> int:
    """What the archive says its members unpack to (read from its directory, nothing unpacked)."""
    return sum(info.file_size for info in archive.infolist())


def unpacks_too_far(unpacked: int, size: int) -> bool:
    return unpacked > MAX_UNZIP_RATIO * max(size, 64 * 1024)


def active_content(data: bytes) -> str | None:
    """Why ``data`` could run something when opened, or None."""
    if data.startswith(b"%PDF-"):
        unescaped = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
        for token in _PDF_ACTIVE:
            if re.search(re.escape(token) + rb"(?![A-Za-z])", unescaped):
                return _("The PDF contains %(what)s, which can run when it is opened. Print it to a new PDF first.") % {
                    "what": token.decode()[1:]
                }
        return None
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(BytesIO(data))
            unpacked = unpacked_size(archive)
            if unpacked > MAX_UNZIPPED_BYTES or unpacks_too_far(unpacked, len(data)):
                return _("The file unpacks to far more than its size, as files built to break programs do.")
            names = [name.lower() for name in archive.namelist()]
            if any(part in name for name in names for part in _OFFICE_ACTIVE):
                return _(
                    "The file contains macros or embedded programs. Save it as .docx, .xlsx or .pptx without them."
                )
            for name in names:
                if name.endswith(".rels") and b'TargetMode="External"' in archive.read(name):
                    return _("The file links to content elsewhere that would be fetched when it is opened.")
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None


def download(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A file to save, never to run in the browser."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# (magic bytes, content type, label). Office files are ZIP packages and are checked further below.
SIGNATURES = [
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
]


OFFICE = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def detect_type(data: bytes) -> str | None:
    """The content type the bytes really are, whatever the file name says; None when not allowed."""
    for magic, content_type, _label in SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, content_type in OFFICE.items():
                if any(name.startswith(prefix) for name in names):
                    return content_type
    return None
