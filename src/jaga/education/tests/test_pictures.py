"""Pictures in lessons: uploaded by officers, stripped of camera data and location, described for people who
cannot see them, served at a phone's width."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from PIL import Image

from jaga.accounts.models import Role, User
from jaga.education import services
from jaga.education.images import image_upload
from jaga.education.models import Lesson, LessonImage
from jaga.education.starter import starter_install
from jaga.factories import UserFactory

pytestmark = pytest.mark.django_db


def _photo_with_location() -> bytes:
    """A 1600 px wide JPEG whose EXIF holds a camera model and a GPS position."""
    picture = Image.new("RGB", (1600, 1000), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0110] = "Kamera Uji"  # model
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 10.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_picture_loses_its_location_and_is_served_at_phone_width_with_its_description(
    programme_officer: User, login_client: Callable[..., Client], anonymous: Client
) -> None:
    starter_install()
    content = _photo_with_location()
    assert b"Kamera Uji" in content and Image.open(io.BytesIO(content)).getexif().get_ifd(0x8825)
    client = login_client(programme_officer)
    edit = "/education/guru-saat-anak-bercerita/"
    upload = io.BytesIO(content)
    upload.name = "foto.jpg"
    assert client.post(edit, {"action": "image", "name": "Ruang Kelas", "file": upload}).status_code == 302
    image = LessonImage.objects.get(name="ruang-kelas")
    for variant, width in ((image.small, 360), (image.large, 720)):
        stored = Image.open(io.BytesIO(bytes(variant)))
        assert stored.format == "JPEG" and stored.width == width
        assert not stored.getexif() and b"Kamera Uji" not in bytes(variant), "no camera data, no location"
    lesson = Lesson.objects.get(slug="guru-saat-anak-bercerita")
    text = lesson.published().body_id
    data = services.LessonInput("Saat anak bercerita", "", "Ringkas", "", text, "")
    data.body_id = text + "\n\n![](ruang-kelas)"
    with pytest.raises(ValidationError, match="ruang-kelas"):
        services.revision_save(actor=programme_officer, lesson=lesson, data=data)
    data.body_id = text + "\n\n![Gambar](poster-lain)"
    with pytest.raises(ValidationError, match="poster-lain"):
        services.revision_save(actor=programme_officer, lesson=lesson, data=data)
    data.body_id = text + "\n\n![Seorang guru mendengarkan murid di ruang kelas](ruang-kelas)"
    draft = services.revision_save(actor=programme_officer, lesson=lesson, data=data)
    services.revision_submit(actor=programme_officer, revision=draft)
    colleague = UserFactory.create(organisation=programme_officer.organisation, roles=[Role.PROGRAMME_OFFICER])
    services.revision_publish(actor=colleague, revision=draft)
    page = anonymous.get("/belajar/guru-saat-anak-bercerita/").content.decode()
    assert 'alt="Seorang guru mendengarkan murid di ruang kelas"' in page and 'loading="lazy"' in page
    assert "/belajar/guru-saat-anak-bercerita/gambar/ruang-kelas-360.jpg 360w" in page and 'width="720"' in page
    served = anonymous.get("/belajar/guru-saat-anak-bercerita/gambar/ruang-kelas-360.jpg")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg" and served.content == bytes(image.small)
    assert anonymous.get("/belajar/guru-saat-anak-bercerita/gambar/ruang-kelas-999.jpg").status_code == 404
    handout = anonymous.get("/belajar/guru-saat-anak-bercerita/handout.pdf")
    assert handout.status_code == 200 and b"/Subtype /Image" in handout.content, "the picture is printed too"


def test_a_drawing_with_transparency_stays_png_and_a_non_picture_is_refused(programme_officer: User) -> None:
    starter_install()
    lesson = Lesson.objects.get(slug="guru-saat-anak-bercerita")
    out = io.BytesIO()
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(out, format="PNG")
    image = image_upload(actor=programme_officer, lesson=lesson, name="bagan", content=out.getvalue())
    assert image.file_type == "image/png" and image.width == 200, "never enlarged"
    for content in (b"<svg onload=alert(1)></svg>", b"%PDF-1.4 not a picture", b""):
        with pytest.raises(ValidationError, match="JPEG, PNG"):
            image_upload(actor=programme_officer, lesson=lesson, name="x", content=content)
    assert LessonImage.objects.count() == 1


def test_only_officers_upload_pictures(caseworker_jakarta: User) -> None:
    from django.core.exceptions import PermissionDenied

    starter_install()
    with pytest.raises(PermissionDenied):
        image_upload(
            actor=caseworker_jakarta, lesson=Lesson.objects.get(slug="tawaran-kerja-palsu"), name="x", content=b""
        )
