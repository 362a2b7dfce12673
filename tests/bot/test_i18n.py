"""The bot's message catalogs: complete in six languages, same placeholders, the polite register."""

from __future__ import annotations

import re

import pytest

from coach.bot.i18n import REFERENCE, catalog, check_catalogs, pick_language, text
from coach.language import LANGUAGES


def test_every_language_has_every_message_with_the_same_placeholders() -> None:
    assert check_catalogs() == []
    assert len(catalog(REFERENCE)) > 150


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_tags_are_balanced_and_the_same_as_in_english(lang: str) -> None:
    english = catalog(REFERENCE)
    for key, message in catalog(lang).items():
        tags = sorted(re.findall(r"</?(?:b|i|u|code|pre)>", message))
        assert tags == sorted(re.findall(r"</?(?:b|i|u|code|pre)>", english[key])), (lang, key)
        for name in ("b", "i", "code"):
            assert message.count(f"<{name}>") == message.count(f"</{name}>"), (lang, key)


def test_commands_fit_telegrams_limits() -> None:
    for lang in LANGUAGES:
        for key, description in catalog(lang).items():
            if key.startswith("command."):
                assert 1 <= len(description) <= 256 and re.fullmatch(r"[a-z_]{1,32}", key.split(".")[1])


def test_the_polite_register() -> None:
    korean = " ".join(catalog("ko").values())
    assert "습니다" in korean and not re.search(r"(?<![가-힣])(너|네가|해라)(?![가-힣])", korean)  # 존댓말, no 반말
    indonesian = " ".join(catalog("id").values())
    assert "Anda" in indonesian and not re.search(r"\b(kamu|kau|lu|lo)\b", indonesian, re.IGNORECASE)
    turkish = " ".join(catalog("tr").values())
    assert re.search(r"\b\w+(iniz|ınız|unuz|ünüz)\b", turkish)  # siz forms
    assert not re.search(r"\b(sen|seni|sana)\b", turkish, re.IGNORECASE)
    hindi = " ".join(catalog("hi").values())
    assert "आप" in hindi and not re.search(r"(^|\s)(तुम|तू|तुम्हारा|तेरा)(\s|$)", hindi)
    danish = " ".join(catalog("da").values())
    assert "venligst" in danish and "du" in danish.split()


def test_language_codes_map_to_the_six() -> None:
    assert pick_language("ko") == "ko"
    assert pick_language("en-US") == "en"
    assert pick_language("pt-br") == "en"
    assert pick_language("ms") == "id"
    assert pick_language("nb") == "da"
    assert pick_language(None) == "en"


def test_missing_keys_fall_back_to_english_and_unknown_keys_fail_loudly() -> None:
    assert text("xx", "menu.title") == "What would you like to do?"
    with pytest.raises(KeyError):
        text("en", "no.such.key")
