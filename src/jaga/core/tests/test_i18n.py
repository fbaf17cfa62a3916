from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from jaga.core.i18n_check import untranslated

CATALOGUE = Path(settings.PACKAGE_DIR) / "locale" / "id" / "LC_MESSAGES"


def test_every_interface_string_has_an_indonesian_translation() -> None:
    assert untranslated((CATALOGUE / "django.po").read_text(encoding="utf-8")) == []


def test_the_check_catches_a_missing_and_a_fuzzy_translation() -> None:
    po = (
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        'msgid "Save"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Log in"\nmsgstr "Keluar"\n'
    )
    assert untranslated(po) == ["Save", "Log in"]


def test_the_compiled_catalogue_is_in_step_with_its_source() -> None:
    assert (CATALOGUE / "django.mo").stat().st_size > 0
    with translation.override("id"):
        assert translation.gettext("Password") == "Kata sandi"
        assert translation.gettext("API documentation") == "Dokumentasi API"
