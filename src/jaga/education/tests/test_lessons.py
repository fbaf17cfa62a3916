"""Public lessons as a child, a parent or a teacher meets them (no account, no cookie, no script), and as
programme officers write, review and publish them."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client

from jaga.accounts.models import Role, User
from jaga.education import services
from jaga.education.models import DailyCount, Lesson, LessonRevision
from jaga.education.starter import starter_install
from jaga.education.text import render
from jaga.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_lesson_text_is_a_safe_subset_of_markdown() -> None:
    html = render(
        "## Judul\n\nTeks **tebal** dan [tautan](/lapor/) <script>alert(1)</script>\n\n- satu\n- dua\n\n"
        "[jahat](javascript:alert(1))"
    )
    assert "<h2>Judul</h2>" in html and "<strong>tebal</strong>" in html and '<a href="/lapor/">tautan</a>' in html
    assert "<ul><li>satu</li><li>dua</li></ul>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html


def test_a_visitor_reads_a_lesson_takes_its_quiz_and_nothing_about_them_is_kept(
    anonymous: Client, regions: None
) -> None:
    starter_install()
    index = anonymous.get("/belajar/")
    text = index.content.decode()
    assert index.status_code == 200 and "Kenali grooming online" in text and "SAPA 129" in text
    page = anonymous.get("/belajar/kenali-grooming-online/")
    body = page.content.decode()
    assert page.status_code == 200 and "Keluar dari halaman ini dengan cepat" in body, "a quick exit for children"
    at = body.find("<script")
    assert at == -1, body[at - 300 : at + 200]
    assert not page.cookies, "no cookie"
    assert len(page.content) < 100_000, "light for slow networks"
    lesson = Lesson.objects.get(slug="kenali-grooming-online")
    first, second = lesson.questions.all()
    result = anonymous.post(
        "/belajar/kenali-grooming-online/", {f"q{first.pk}": "0", f"q{second.pk}": "0", "province": "51"}
    )
    shown = result.content.decode()
    assert "1 dari 2 benar" in shown and "Yang mengancam melakukan kejahatan" in shown, "scored, with why"
    counts = {(c.kind, c.key): c.count for c in DailyCount.objects.filter(lesson=lesson)}
    assert counts[("read", "")] == 1 and counts[("quiz", "51")] == 1 and counts[("answer", f"{second.pk}:0")] == 1
    assert {f.name for f in DailyCount._meta.get_fields()} == {"id", "day", "kind", "lesson", "key", "count"}
    assert services.still_wrong(lesson)[1][1:] == (1, 1), "what learners still get wrong, per question"
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Spot online grooming" in english.get("/belajar/kenali-grooming-online/").content.decode()


def test_the_handout_is_one_printed_page(anonymous: Client, regions: None) -> None:
    import pypdf

    starter_install()
    for lesson in Lesson.objects.all():
        response = anonymous.get(f"/belajar/{lesson.slug}/handout.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        pdf = pypdf.PdfReader(io.BytesIO(response.content))
        assert len(pdf.pages) == 1, lesson.slug
        assert "SAPA 129" in pdf.pages[0].extract_text()


def test_an_officer_writes_another_publishes_and_the_old_text_is_kept(
    programme_officer: User, login_client: Callable[..., Client], anonymous: Client
) -> None:
    client = login_client(programme_officer)
    made = client.post(
        "/education/",
        {
            "audience": "parents",
            "title_id": "Pelajaran Uji",
            "summary_id": "Ringkas",
            "body_id": "## Bagian\n\nIsi pelajaran uji.",
        },
    )
    assert made.status_code == 302
    lesson = Lesson.objects.get(slug="pelajaran-uji")
    assert anonymous.get("/belajar/pelajaran-uji/").status_code == 404, "a draft is not public"
    draft = lesson.revisions.get()
    client.post(made["Location"], {"action": "submit", "revision": str(draft.pk)})
    refused = client.post(made["Location"], {"action": "publish", "revision": str(draft.pk)})
    assert refused.status_code == 400 and "Petugas lain" in refused.content.decode(), "not by its author"
    colleague = UserFactory.create(organisation=programme_officer.organisation, roles=[Role.PROGRAMME_OFFICER])
    other = login_client(colleague)
    assert "Pelajaran menunggu tinjauan Anda" in other.get("/").content.decode()
    assert other.post(made["Location"], {"action": "publish", "revision": str(draft.pk)}).status_code == 302
    assert "Isi pelajaran uji." in anonymous.get("/belajar/pelajaran-uji/").content.decode()
    client.post(
        made["Location"],
        {"action": "save", "title_id": "Pelajaran Uji", "summary_id": "Ringkas", "body_id": "Isi baru."},
    )
    assert "Isi pelajaran uji." in anonymous.get("/belajar/pelajaran-uji/").content.decode(), "until published"
    states = list(lesson.revisions.order_by("number").values_list("state", flat=True))
    assert states == [LessonRevision.State.PUBLISHED, LessonRevision.State.DRAFT]
    bad = client.post(
        made["Location"],
        {
            "action": "question",
            "text_id": "T",
            "text_en": "T",
            "options_id": "a",
            "options_en": "a",
            "answer": "1",
            "why_id": "w",
            "why_en": "w",
        },
    )
    assert bad.status_code == 400 and lesson.questions.count() == 0
    good = client.post(
        made["Location"],
        {
            "action": "question",
            "text_id": "T",
            "text_en": "T",
            "options_id": "a\nb",
            "options_en": "a\nb",
            "answer": "2",
            "why_id": "w",
            "why_en": "w",
        },
    )
    assert good.status_code == 302 and lesson.questions.get().answer == 1


def test_a_campaign_page_counts_its_visits_without_cookies_and_has_a_qr_code(
    programme_officer: User, login_client: Callable[..., Client], anonymous: Client, regions: None
) -> None:
    from datetime import date

    from jaga.education.models import PageVisit
    from jaga.programs.campaigns.models import Campaign

    starter_install()
    campaign = Campaign.objects.create(
        title="Kampanye Uji", theme="Grooming", audience="Siswa", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    client = login_client(programme_officer)
    lesson = Lesson.objects.get(slug="kenali-grooming-online")
    made = client.post(
        "/education/campaigns/",
        {
            "campaign": str(campaign.pk),
            "title_id": "Aman Daring",
            "message_id": "## Pesan\n\nJaga dirimu.",
            "lessons": [str(lesson.pk)],
            "published": "on",
        },
    )
    assert made.status_code == 302
    for _n in range(3):
        page = anonymous.get("/kampanye/aman-daring/")
        assert page.status_code == 200 and not page.cookies, "counted without a cookie"
    assert "Kenali grooming online" in page.content.decode() and "/lapor/" in page.content.decode()
    assert PageVisit.objects.get().count == 3 and {f.name for f in PageVisit._meta.get_fields()} == {
        "id",
        "day",
        "page",
        "count",
    }
    qr = anonymous.get("/kampanye/aman-daring/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    detail = client.get(f"/programs/campaigns/{campaign.pk}/").content.decode()
    assert "3 kunjungan" in detail, "the counted reach beside the typed reach"
    assert (
        client.post(
            "/education/campaigns/", {"campaign": str(campaign.pk), "title_id": "", "message_id": ""}
        ).status_code
        == 400
    )
