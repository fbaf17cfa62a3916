"""Pictures in lessons: checked and re-encoded on upload, served at a phone's width and at twice it.

Re-encoding drops everything but the pixels: a photo's camera metadata and location never reach the public
site. Photos become JPEG; pictures with transparency or few colours (drawings, diagrams) stay PNG.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from jaga.accounts.models import User
from jaga.audit.services import record
from jaga.education.models import Lesson, LessonImage
from jaga.education.text import Picture

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
SMALL_WIDTH, LARGE_WIDTH = 360, 720


def _encoded(picture: object, width: int, png: bool) -> tuple[bytes, int, int]:
    from PIL import Image

    assert isinstance(picture, Image.Image)
    copy = picture.copy()
    copy.thumbnail((width, width * 4))
    out = io.BytesIO()
    if png:
        copy.save(out, format="PNG", optimize=True)
    else:
        copy.convert("RGB").save(out, format="JPEG", quality=80, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def _opened(content: bytes) -> object:
    from PIL import Image, ImageOps, UnidentifiedImageError

    unreadable = ValidationError({"file": [_("This is not a picture Jaga can read: upload a JPEG, PNG or WebP.")]})
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": [_("The picture is larger than 8 MB.")]})
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise unreadable
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError({"file": [_("The picture has too many pixels (40 million at most).")]})
            probe.verify()
        picture = Image.open(io.BytesIO(content))
        picture.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise unreadable from None
    return ImageOps.exif_transpose(picture)  # turned as the camera meant, then the metadata is left behind


@transaction.atomic
def image_upload(
    *, actor: User, lesson: Lesson, name: str, content: bytes, request: HttpRequest | None = None
) -> LessonImage:
    """Adds a picture to the lesson (or replaces the one with this name)."""
    from PIL import Image

    from jaga.education.services import check_writer

    check_writer(actor)
    slug = slugify(name)[:60].strip("-")
    if not slug:
        raise ValidationError({"name": [_("Give the picture a short name (letters, digits, hyphens).")]})
    picture = _opened(content)
    assert isinstance(picture, Image.Image)
    png = picture.mode in ("RGBA", "LA", "P", "1") or "transparency" in picture.info
    small, _w, _h = _encoded(picture, SMALL_WIDTH, png)
    large, width, height = _encoded(picture, LARGE_WIDTH, png)
    image, _created = LessonImage.objects.update_or_create(
        lesson=lesson,
        name=slug,
        defaults={
            "file_type": "image/png" if png else "image/jpeg",
            "width": width,
            "height": height,
            "small": small,
            "large": large,
            "uploaded_by": actor,
        },
    )
    record(
        "education.lesson.image_added",
        actor=actor,
        target=lesson,
        request=request,
        details={"name": slug, "bytes": len(small) + len(large)},
    )
    return image


def pictures(lesson: Lesson) -> dict[str, Picture]:
    """The lesson's pictures by name, with their public addresses, for the text's renderer."""
    found = {}
    for name, file_type, width, height in lesson.images.values_list("name", "file_type", "width", "height"):
        extension = "png" if file_type == "image/png" else "jpg"
        found[name] = Picture(
            small=reverse("belajar:image", args=[lesson.slug, f"{name}-{SMALL_WIDTH}.{extension}"]),
            large=reverse("belajar:image", args=[lesson.slug, f"{name}-{LARGE_WIDTH}.{extension}"]),
            width=width,
            height=height,
        )
    return found


def inline_pictures(lesson: Lesson) -> dict[str, Picture]:
    """The same pictures as data: addresses, for the printed handout (made without a web server)."""
    import base64

    found = {}
    for image in lesson.images.all():
        data = f"data:{image.file_type};base64,{base64.b64encode(bytes(image.small)).decode()}"
        found[image.name] = Picture(small=data, large=data, width=image.width, height=image.height)
    return found
