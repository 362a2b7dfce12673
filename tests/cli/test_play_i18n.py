"""`coach play` speaks the scenario's language (or `--ui-lang`): its catalogs, and what a replay prints."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from coach.bot.i18n import text as bot_text
from coach.cli.i18n import CATALOGS, check_catalogs
from coach.cli.i18n import text as cli_text
from coach.cli.main import main
from coach.i18n import REFERENCE, placeholders
from coach.language import LANGUAGES
from coach.paths import shipped

TRANSCRIPTS = shipped("scenarios")

# Labels of the English game that must not be left over when it speaks another language.
ENGLISH_LABELS = ("You know:", "A good outcome:", "moves shown", "a good answer here also shows", "checklist",
                  "no risky phrasing", "not counted", "Score", "PASSED", "ended well", "ended badly",
                  "you gave up", "Rewrites worth keeping", "instead of", "Where a model answer would have helped",
                  "their reaction", "risky phrasing", "hints", "retries", "you>", " mood ", "customer")


def play(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["play", *argv, "--no-color"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


def replay(capsys: pytest.CaptureFixture[str], lang: str, name: str, *extra: str) -> tuple[int, str]:
    path = TRANSCRIPTS / lang / "transcripts" / name
    return play(capsys, name.split(".")[0], "--lang", lang, "--transcript", str(path), *extra)


def machine_lines_removed(out: str) -> str:
    """The output without the `note:` and `expectations:` lines, which stay English on purpose."""
    return "\n".join(line for line in out.splitlines() if not line.startswith(("note: ", "expectations: ")))


# --- the catalogs -----------------------------------------------------------------------------------


def test_every_terminal_catalog_has_exactly_the_english_keys_and_placeholders() -> None:
    assert check_catalogs() == []
    english = CATALOGS.catalog(REFERENCE)
    assert len(english) > 50
    for lang in LANGUAGES:
        messages = CATALOGS.catalog(lang)
        assert set(messages) == set(english), lang
        for key, template in english.items():
            assert placeholders(messages[key]) == placeholders(template), (lang, key)
            assert messages[key].strip(), (lang, key)
            if lang != REFERENCE and not key.startswith(("language.", "severity.")):
                assert "<b>" not in messages[key] and "<i>" not in messages[key], (lang, key)


def test_the_commands_stay_what_the_player_types() -> None:
    for lang in LANGUAGES:
        for command in ("/hint", "/retry", "/quit", "/help"):
            assert command in cli_text(lang, "help"), (lang, command)
        assert "/retry" in cli_text(lang, "ended"), lang


def test_the_polite_register() -> None:
    korean = " ".join(CATALOGS.catalog("ko").values())
    assert "습니다" in korean and "주세요" in korean
    assert not re.search(r"(?<![가-힣])(너|네가|해라|해)(?![가-힣])", korean)  # 존댓말, no 반말
    indonesian = " ".join(CATALOGS.catalog("id").values())
    assert "Anda" in indonesian and not re.search(r"\b(kamu|kau|lu|lo)\b", indonesian, re.IGNORECASE)
    turkish = " ".join(CATALOGS.catalog("tr").values())
    assert re.search(r"\b\w+(iniz|ınız|unuz|ünüz)\b", turkish)  # siz forms
    assert not re.search(r"\b(sen|seni|sana|senin)\b", turkish, re.IGNORECASE)
    hindi = " ".join(CATALOGS.catalog("hi").values())
    assert "आप" in hindi and not re.search(r"(^|\s)(तुम|तू|तुम्हारा|तेरा)(\s|$)", hindi)
    danish = " ".join(CATALOGS.catalog("da").values())
    assert "venligst" in danish and "du" in danish.split()


def test_the_core_loader_does_not_import_the_bot() -> None:
    done = subprocess.run([sys.executable, "-c", "import sys, coach.i18n; "
                           "print(any(m.startswith('coach.bot') for m in sys.modules))"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# --- what the game prints ---------------------------------------------------------------------------


def test_a_korean_replay_speaks_korean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = replay(capsys, "ko", "angry-client.fail.txt")
    assert code == 1
    assert "점수 " in out and "/100" in out and "미통과" in out
    assert "체크리스트:" in out and "보여 주신 대응:" in out
    assert bot_text("ko", "move.apology") in out and bot_text("ko", "category.dismissive") in out
    assert "기억해 둘 만한 표현:" in out and "모범 답변을 참고하면 좋을 부분:" in out
    assert "고객의 반응" in out and "기분" in out and "매우 화남" in out
    assert "[[" in out, "flagged words are still marked in plain text"
    assert "expectations: all met" in out, "the machine-facing line stays as it was"
    korean = machine_lines_removed(out)
    for label in ENGLISH_LABELS:
        assert label not in korean, label


def test_ui_lang_en_shows_english_labels_on_a_korean_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = replay(capsys, "ko", "angry-client.fail.txt", "--ui-lang", "en")
    assert code == 1
    assert "Score " in out and "NOT PASSED" in out and "moves shown:" in out and "checklist:" in out
    assert "Rewrites worth keeping:" in out and "Where a model answer would have helped:" in out
    assert "두 번이나 고장 난 커피 머신" in out, "the scenario itself is still Korean"
    assert "점수" not in out and "체크리스트" not in out and "보여 주신 대응" not in out


@pytest.mark.parametrize(("lang", "name", "words"), [
    ("hi", "angry-client.fail.txt", ("स्कोर ", "पास नहीं हुए", "चेकलिस्ट:", "आपने दिखाया:", "मूड")),
    ("tr", "small-order.pass.txt", ("Puan ", "GEÇTİNİZ", "kontrol listesi:", "gösterdikleriniz:", "ruh hâli",
                                    "olumlu bitti:")),
    ("tr", "angry-client.fail.txt", ("GEÇEMEDİNİZ", "olumsuz bitti:", "yerine (")),
    ("id", "angry-client.fail.txt", ("Nilai ", "BELUM LULUS", "daftar periksa:")),
    ("da", "angry-client.fail.txt", ("Point ", "IKKE BESTÅET", "tjekliste:")),
])
def test_replays_in_other_languages(lang: str, name: str, words: tuple[str, ...],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    _, out = replay(capsys, lang, name)
    for word in words:
        assert word in out, word
    assert "expectations: all met" in out
    text = machine_lines_removed(out)
    for label in ("moves shown", "Score", "PASSED", "Rewrites worth keeping", "checklist:", "you>"):
        assert label not in text, label


def test_json_is_the_same_whatever_the_ui_language(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = [replay(capsys, "ko", "angry-client.fail.txt", "--format", "json", *extra)[1]
               for extra in ((), ("--ui-lang", "en"), ("--ui-lang", "tr"))]
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["report"]["passed"] is False


def test_the_korean_terminal_game(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    replies = ["/help", "/hint", "/hint", "/nonsense", "/retry", "Please calm down, it is not our fault at all.",
               "", "/quit"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(replies) + "\n"))
    code, out = play(capsys, "angry-client", "--lang", "ko", "--seed", "3")
    assert code == 0
    assert "알고 있는 정보:" in out and "바람직한 결과:" in out and "대화 상대:" in out
    assert "명령어: /hint" in out and "알 수 없는 명령어입니다: /nonsense" in out
    assert "도움말 (−5점):" in out and "도움말 (이미 차감됨):" in out
    assert "취소할 답변이 없습니다" in out
    assert "답변이 영어로 보입니다" in out, "the wrong-language rejection, with the language named in Korean"
    assert "답변이 비어 있습니다" in out
    assert "중간에 그만두셨습니다" in out and "답변> " in out
    for label in ENGLISH_LABELS:
        assert label not in out, label


def test_english_games_keep_their_words(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/hint\nHello\n/quit\n"))
    _, out = play(capsys, "angry-client", "--seed", "3", "--ui-lang", "en")
    assert "You know:" in out and "You are talking to Daniel Hart:" in out
    assert "hint (−5 points):" in out and "moves shown:" in out and "you gave up" in out
    assert "mood" in out and "seed 3" in out
