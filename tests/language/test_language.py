"""The language layer: NFC with offsets, Turkish folding, lemmas, Korean morphemes, detection."""

from __future__ import annotations

import pytest

from coach.language.detect import detect_language
from coach.language.normalize import fold, nfc
from coach.language.pipeline import analyse


def test_nfc_maps_offsets_back_to_the_original() -> None:
    original = "Ka\u030ar: ka\u030ar"  # Danish "Kår" typed with a combining ring
    normalized = nfc(original)
    assert normalized.text == "Kår: kår"
    start = normalized.text.index("kår")
    assert original[normalized.original_offset(start) : normalized.original_offset(start + 3)] == "ka\u030ar"


def test_turkish_folding() -> None:
    assert fold("İADE ISTANBUL", "tr") == "iade ıstanbul"
    assert fold("ISTANBUL", "en") == "istanbul"


@pytest.mark.parametrize(("lang", "text", "lemma"), [
    ("en", "I promised", "promise"),
    ("en", "we promise", "promise"),
    ("da", "vi lovede", "love"),
    ("da", "vi lover", "love"),
    ("tr", "söz veririz", "ver"),
    ("id", "dijanjikan", "janji"),
    ("id", "menjanjikan", "janji"),
    ("hi", "वादा करती हूँ", "करना"),
    ("hi", "वादा करता हूँ", "करना"),
])
def test_inflected_forms_share_a_lemma(lang: str, text: str, lemma: str) -> None:
    assert any(lemma in unit.keys for unit in analyse(text, lang).units)


def test_korean_morphemes_and_word_spans() -> None:
    text = "고객님, 약속드립니다."
    units = analyse(text, "ko").units
    forms = [u.keys[0] for u in units]
    assert forms[forms.index("약속") : forms.index("약속") + 2] == ["약속", "드리"]
    promise = units[forms.index("약속")]
    assert text[promise.start : promise.end] == "약속드립니다"


def test_hindi_tokens_keep_vowel_signs() -> None:
    text = "मैं आपकी मदद नहीं कर सकती।"
    words = [text[u.start : u.end] for u in analyse(text, "hi").units]
    assert words == ["मैं", "आपकी", "मदद", "नहीं", "कर", "सकती", "।"]


@pytest.mark.parametrize(("text", "lang"), [
    ("Thank you for your patience, I will call you back today.", "en"),
    ("Terima kasih atas kesabaran Bapak, kami akan segera menghubungi.", "id"),
    ("Tak for din tålmodighed, vi ringer til dig i dag.", "da"),
    ("Sabrınız için teşekkür ederiz, bugün sizi arayacağız.", "tr"),
    ("고객님, 기다려 주셔서 감사합니다.", "ko"),
    ("आपके धैर्य के लिए धन्यवाद, हम आज आपको कॉल करेंगे।", "hi"),
])
def test_detects_the_six(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


def test_other_languages_are_named() -> None:
    german = detect_language("Vielen Dank für Ihre Geduld, wir melden uns morgen bei Ihnen.")
    assert german.lang is None and german.other == "de" and "German" in german.describe()
    russian = detect_language("Спасибо за ожидание, мы перезвоним вам завтра.")
    assert russian.lang is None and "Cyrillic" in russian.describe()
    japanese = detect_language("お待たせして申し訳ございません。明日お電話いたします。")
    assert japanese.lang is None and "CJK script" in japanese.describe()
    assert detect_language("ok", default="tr").lang == "tr"


LEMMA_PROBE = (
    "from coach.language import lemmas\n"
    "words = [('promised', 'en'), ('lovede', 'da'), ('dijanjikan', 'id'), ('veriyorum', 'tr'), ('करती', 'hi'),"
    " ('xqzzy', 'en')]\n"
    "print([lemmas.lemmatize(w, l) for w, l in words], [lemmas.is_known(w, l) for w, l in words])\n"
)


DETECT_PROBE = (
    "from coach.language.detect import detect_language\n"
    "texts = ['Bonjour, je vous écris au sujet de ma commande de la semaine dernière, merci.',"
    " 'Hej Mette, tak for din besked om ordren, vi sender den i morgen formiddag.',"
    " 'Pesanan Bapak akan kami kirim besok pagi, mohon ditunggu.', 'Sipariş yarın kargoya verilecek.']\n"
    "print([detect_language(t) for t in texts])\n"
)


def probe(code: str, cache: str) -> str:
    """Run `code` in a fresh process with the given cache folder (or 'off'); its output."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COACH_CACHE_DIR": cache}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_cached_language_model_detects_as_the_model_in_memory(tmp_path) -> None:
    in_memory = probe(DETECT_PROBE, "off")
    assert "other='fr'" in in_memory and "lang='da'" in in_memory
    assert probe(DETECT_PROBE, str(tmp_path)) == in_memory  # writes the compact model and the weight file
    assert len(list(tmp_path.glob("py3langid-*"))) == 2
    assert probe(DETECT_PROBE, str(tmp_path)) == in_memory  # reads them


def test_lemma_tables_on_disk_give_the_same_lemmas_as_in_memory(tmp_path) -> None:

    in_memory = probe(LEMMA_PROBE, "off")
    assert "'promise'" in in_memory and "'janji'" in in_memory
    assert probe(LEMMA_PROBE, str(tmp_path)) == in_memory  # builds the SQLite tables
    tables = sorted(p.name for p in tmp_path.glob("simplemma-*.sqlite"))
    assert len(tables) == 5
    (tmp_path / tables[0]).write_bytes(b"not a database")  # a damaged cache file is rebuilt
    assert probe(LEMMA_PROBE, str(tmp_path)) == in_memory


def test_a_lemma_table_is_built_in_a_child_process_or_here_if_none_can_start(tmp_path, monkeypatch) -> None:
    import sqlite3
    import sys

    from coach.language import lemmas
    from coach.language.cache import build_in_child

    def rows(path) -> dict[str, str]:
        with sqlite3.connect(path) as db:
            return dict(db.execute("SELECT word, lemma FROM lemmas WHERE word IN ('promised', 'xqzzy')"))

    child = tmp_path / "child.sqlite"
    assert build_in_child("coach.language.lemmas", "_write_table", "en", str(child))
    assert rows(child) == {"promised": "promise"}
    assert not build_in_child("coach.language.lemmas", "no_such_function")

    with sqlite3.connect(tmp_path / "half.sqlite") as db:  # what a child that died halfway leaves
        db.execute("CREATE TABLE lemmas (word TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID")
        db.execute("INSERT INTO lemmas VALUES ('xqzzy', 'junk')")
    lemmas._write_table("en", str(tmp_path / "half.sqlite"))
    assert rows(tmp_path / "half.sqlite") == {"promised": "promise"}

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    built = lemmas._table_file("en")
    assert built is not None and rows(built) == {"promised": "promise"}


def test_the_cache_keeps_a_few_versions_of_each_family(tmp_path, monkeypatch) -> None:
    from coach.language import cache

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path))
    for version in range(cache.KEEP_PER_FAMILY + 3):
        stored = cache.cached_pickle(f"compiled-xx-{version}.pickle", lambda v=version: v, family="compiled-xx-")
        assert stored == version
    cache.cached_pickle("compiled-yy-0.pickle", lambda: "other", family="compiled-yy-")
    kept = sorted(p.name for p in tmp_path.glob("compiled-xx-*.pickle"))
    assert len(kept) == cache.KEEP_PER_FAMILY and "compiled-xx-0.pickle" not in kept
    assert (tmp_path / "compiled-yy-0.pickle").is_file()
    assert cache.cached_pickle("compiled-xx-10.pickle", lambda: "rebuilt", family="compiled-xx-") == 10  # read back


def test_function_word_lists_share_no_word() -> None:
    from itertools import combinations

    from coach.language.detect import FUNCTION_WORDS

    for a, b in combinations(FUNCTION_WORDS, 2):
        assert not FUNCTION_WORDS[a] & FUNCTION_WORDS[b], (a, b)
