"""Which of the six languages a text is in, or a clear 'none of them'.

Hangul and Devanagari decide Korean and Hindi by script alone. A Latin-script text is decided by
its function words when they are clear; otherwise py3langid's model scores it twice from one pass
over its n-grams: over all its languages (to notice French or German) and restricted to ours.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from coach.language import LANGUAGE_NAMES, LANGUAGES
from coach.language.cache import build_in_child, cache_dir, cached_pickle, write_atomically
from coach.language.langid_model import Automaton, Scorer, WeightRows, encode

LATIN_LANGUAGES = ("en", "id", "da", "tr")
# Close relatives py3langid often prefers on short texts; read as ours.
ALIASES = {"ms": "id", "no": "da", "nb": "da", "nn": "da"}
MIN_LETTERS = 12  # below this, detection is a guess: use the default language if there is one
FOREIGN_CONFIDENCE = 0.90

OTHER_NAMES = {
    "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
    "sv": "Swedish", "pl": "Polish", "ru": "Russian", "ja": "Japanese", "zh": "Chinese", "ar": "Arabic",
    "vi": "Vietnamese", "th": "Thai", "fi": "Finnish", "cs": "Czech", "uk": "Ukrainian", "el": "Greek",
}


@dataclass(frozen=True, slots=True)
class Detection:
    lang: str | None  # one of LANGUAGES, or None when the text is in another language
    confidence: float
    other: str | None = None  # what it looks like instead (a language code or a script name)

    def describe(self) -> str:
        if self.lang is not None:
            return f"{LANGUAGE_NAMES[self.lang]} ({self.lang})"
        name = OTHER_NAMES.get(self.other or "", self.other or "an unknown language")
        return f"{name}" + (f" ({self.other})" if self.other in OTHER_NAMES else "")


def detect_language(text: str, default: str | None = None) -> Detection:
    """Detect the language of `text`; `default` decides texts too short to tell."""
    counts = _script_counts(text)
    letters = sum(counts.values())
    if letters == 0:
        return Detection(default or "en", 0.0)
    for script, lang in (("HANGUL", "ko"), ("DEVANAGARI", "hi")):
        if counts.get(script, 0) / letters >= 0.5:
            return Detection(lang, counts[script] / letters)
    latin = counts.get("LATIN", 0)
    if latin / letters < 0.5:
        script = max(counts, key=counts.__getitem__)
        return Detection(None, 0.0, (script if script == "CJK" else script.title()) + " script")
    if letters < MIN_LETTERS:
        return Detection(default or "en", 0.5)
    guess = _function_word_guess(text)
    if guess is not None:
        return guess
    (top, probability), (best, best_probability) = _classify(text)
    top = ALIASES.get(top, top)
    if top in LATIN_LANGUAGES:
        return Detection(top, probability)
    if probability >= FOREIGN_CONFIDENCE:
        return Detection(None, probability, top)
    return Detection(best, best_probability)


# The commonest function words of the four Latin-script languages, no word in two lists ("i", "for"
# and "at" are English and Danish, "en" Danish and Turkish). A text where one language's words are
# frequent and the others' rare is decided without py3langid's model, which then only sees the
# unclear cases, and every text that might be French or German.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and to you your is are of we it that this be will with have on not can "
                    "please our my as was if would thank thanks".split()),
    "id": frozenset("yang dan di ke dari untuk kami anda tidak dengan ini itu akan ada bisa saya mohon "
                    "bapak ibu sudah atau juga karena terima kasih".split()),
    "da": frozenset("og det er du til på vi en et ikke med har jeg den kan vil som af din dig os "
                    "vores hvis tak venlig hilsen".split()),
    "tr": frozenset("ve bir bu için ile çok daha olarak size sizin siz sizi sizinle bize bizim biz ben benim "
                    "bana değil ama gibi kadar ne ki şu hem ise sonra önce hiç sadece yine bile hemen şimdi "
                    "bugün yarın yok ilgili içinde konusunda tekrar hangi nasıl neden şey iyi günler merhaba "
                    "sayın saygılarımla rica teşekkür ederiz ederim lütfen mi mı".split()),
}
MIN_WORDS_FOR_GUESS = 8


_FUNCTION_WORD_LANGUAGE = {word: lang for lang, words in FUNCTION_WORDS.items() for word in words}


def _function_word_guess(text: str) -> Detection | None:
    found = dict.fromkeys(FUNCTION_WORDS, 0)
    total = 0
    for word in text[:2000].lower().split():
        word = word.strip(".,!?;:()\"'«»")
        if word:
            total += 1
            lang = _FUNCTION_WORD_LANGUAGE.get(word)
            if lang is not None:
                found[lang] += 1
    if total < MIN_WORDS_FOR_GUESS:
        return None
    (best, lang), (second, _) = sorted(((count / total, lang) for lang, count in found.items()), reverse=True)[:2]
    if best >= 0.25 and second <= best / 4:
        return Detection(lang, best)
    return None


_ASCII_LETTERS = re.compile(r"[A-Za-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _script_counts(text: str) -> dict[str, int]:
    """Letters per script in the first 5,000 characters (ASCII letters are counted as Latin in one go)."""
    sample = text[:5000]
    counts: dict[str, int] = {}
    ascii_letters = len(_ASCII_LETTERS.findall(sample))
    if ascii_letters:
        counts["LATIN"] = ascii_letters
    for ch in _NON_ASCII.findall(sample):
        script = _script(ch)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    return counts


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    """The script of a letter, from the first word of its Unicode name; None for other characters."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    script = name.split(" ", 1)[0] if name else "UNKNOWN"
    return "CJK" if script in ("CJK", "HIRAGANA", "KATAKANA") else script


@dataclass(frozen=True, slots=True)
class _Model:
    automaton: Automaton
    full: Scorer  # all of py3langid's languages, to notice French or German
    ours: Scorer  # restricted to LANGUAGES, as py3langid's set_languages does


def _classify(text: str) -> tuple[tuple[str, float], tuple[str, float]]:
    """py3langid's best guess over all its languages, and over ours; the features are found once."""
    model = _model()
    data = encode(text)
    features = model.automaton.features(data)
    return model.full.classify(features, len(data)), model.ours.classify(features, len(data))


@cache
def _model() -> _Model:
    """py3langid's model, built once into the cache folder: the automaton and our languages' weights
    in a pickle of a few MB, and all languages' weights as a raw file read a row at a time."""
    folder = cache_dir()
    if folder is None:
        return _build()[0]
    compact, weights = _files(folder)
    try:
        if not (compact.is_file() and weights.is_file()):
            build_in_child("coach.language.detect", "store_model")  # the build takes 110 MB for a moment
        model = _stored(folder)
        return replace(model, full=replace(model.full, weights=WeightRows(weights, len(model.full.classes))))
    except (OSError, ValueError):  # an unwritable or damaged cache: the model in memory
        return _build()[0]


def store_model() -> None:
    """Write the model's files into the cache folder (run in a child process by _model)."""
    folder = cache_dir()
    if folder is not None:
        _stored(folder)


def _files(folder: Path) -> tuple[Path, Path]:
    """The compact model's pickle and the full weight table, for the installed py3langid."""
    from py3langid import __version__ as version

    return folder / f"py3langid-{version}-compact.pickle", folder / f"py3langid-{version}-weights.f16"


def _stored(folder: Path) -> _Model:
    """The compact model (without the full weights) from the cache folder, built first if a file is missing."""
    compact, weights = _files(folder)
    model = cached_pickle(compact.name, lambda: _build_and_store(folder))
    if not weights.is_file():
        model = _build_and_store(folder)
    return model


def _build() -> tuple[_Model, np.ndarray]:
    """The model from py3langid's package, and its full weight table (features × languages)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
    pc = np.asarray(pc)
    ours = [i for i, c in enumerate(classes) if c in LANGUAGES]
    model = _Model(Automaton.from_dfa(nextmove, row, output), Scorer(ptc, pc, tuple(classes)),
                   Scorer(np.ascontiguousarray(ptc[:, ours]), pc[ours], tuple(classes[i] for i in ours)))
    return model, ptc


def _build_and_store(folder: Path) -> _Model:
    """Build the model, write its weight file and remove other versions' files; the model to pickle."""
    compact, weights = _files(folder)
    model, ptc = _build()
    write_atomically(weights, lambda fh: fh.write(np.ascontiguousarray(ptc, dtype=np.float16).tobytes()))
    for stale in folder.glob("py3langid-*"):  # other versions' files, and the 65 MB tables of old releases
        if stale not in (compact, weights):
            stale.unlink(missing_ok=True)
    return replace(model, full=replace(model.full, weights=None))
