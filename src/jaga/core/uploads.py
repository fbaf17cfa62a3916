"""Uploads held in memory, never in a temporary file: a crash cannot leave a list of children on disk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.utils.translation import gettext as _


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Django's in-memory handler, which refuses (400, with the reason) what it would hand to a file."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            limit = settings.FILE_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
            raise RequestDataTooBig(_("The upload is larger than %(mb)s MB. Split the file.") % {"mb": limit})
        super().handle_raw_input(input_data, META, content_length, boundary, encoding)
