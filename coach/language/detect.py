"""Which of the six languages a text is in, or a clear 'none of them'.

Hangul and Devanagari decide Korean and Hindi by script alone. Latin-script texts go to py3langid,
asked twice: over all 97 of its languages (to notice French or German) and restricted to ours.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from coach.language import LANGUAGE_NAMES, LANGUAGES
from coach.language.cache import cache_dir, cached_pickle, write_atomically

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
        return Detection(None, 0.0, script.title() + " script")
    if letters < MIN_LETTERS:
        return Detection(default or "en", 0.5)
    guess = _function_word_guess(text)
    if guess is not None:
        return guess
    full, ours = _identifiers()
    top, probability = full.classify(text)
    top = ALIASES.get(top, top)
    if top in LATIN_LANGUAGES:
        return Detection(top, float(probability))
    best, best_probability = ours.classify(text)
    if probability >= FOREIGN_CONFIDENCE:
        return Detection(None, float(probability), top)
    return Detection(best, float(best_probability))


# The commonest function words of the four Latin-script languages. A text where one language's
# words are frequent and the others' rare is decided without loading py3langid (its tables are 65 MB),
# which then only sees the unclear cases, and every text that might be French or German.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and to you your is are for of we i it that this be will with have on at not can "
                    "please our my as was if would thank thanks".split()),
    "id": frozenset("yang dan di ke dari untuk kami anda tidak dengan ini itu akan ada bisa saya mohon "
                    "bapak ibu sudah atau juga karena terima kasih".split()),
    "da": frozenset("og det er at du til på vi en et ikke med for har jeg den kan vil som af din dig os "
                    "vores hvis tak venlig hilsen".split()),
    "tr": frozenset("ve bir bu için ile çok daha olarak size sizin siz değil ama gibi kadar ben biz en "
                    "teşekkür ederiz lütfen mi mı".split()),
}
MIN_WORDS_FOR_GUESS = 8


def _function_word_guess(text: str) -> Detection | None:
    words = [w.strip(".,!?;:()\"'«»") for w in text[:2000].lower().split()]
    words = [w for w in words if w]
    if len(words) < MIN_WORDS_FOR_GUESS:
        return None
    shares = sorted(((sum(w in vocab for w in words) / len(words), lang) for lang, vocab in FUNCTION_WORDS.items()),
                    reverse=True)
    (best, lang), (second, _) = shares[0], shares[1]
    if best >= 0.25 and second <= best / 4:
        return Detection(lang, best)
    return None


def _script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text[:5000]:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = name.split(" ", 1)[0] if name else "UNKNOWN"
            if script in ("CJK", "HIRAGANA", "KATAKANA"):
                script = "CJK"
            counts[script] = counts.get(script, 0) + 1
    return counts


@cache
def _identifiers():
    """Two py3langid identifiers from one model: over all its languages, and restricted to ours."""
    from py3langid.langid import LanguageIdentifier

    model = _model()

    def make(ptc, pc, classes) -> LanguageIdentifier:
        return LanguageIdentifier(ptc, pc, classes, model.nextmove, model.output, norm_probs=True,
                                  tk_row=model.row)

    return make(model.ptc, model.pc, model.classes), make(*model.ours)


@dataclass(frozen=True, slots=True)
class _Model:
    ptc: Any  # feature weights: features × languages
    pc: Any
    classes: list[str]
    nextmove: Any  # the feature automaton
    row: Any
    output: Any
    ours: tuple  # (ptc, pc, classes) restricted to LANGUAGES, as LanguageIdentifier.set_languages makes them


def _model() -> _Model:
    """py3langid's model. Its two big tables (the feature automaton, 37 MB, and the feature weights,
    27 MB) are memory-mapped from files in the cache folder: a detection reads a few of their rows,
    so only those pages are loaded, and they are shared and reclaimable."""
    import mmap

    import numpy as np
    from py3langid import __version__ as version
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import load_model

    def restricted(ptc, pc, classes) -> tuple:
        indices = [i for i, c in enumerate(classes) if c in LANGUAGES]
        return np.ascontiguousarray(ptc[:, indices]), np.asarray(pc)[indices], [classes[i] for i in indices]

    def in_memory() -> _Model:
        ptc, pc, classes, nextmove, row, output = load_model(MODEL_DIR / MODEL_FILE)
        return _Model(ptc, np.asarray(pc), classes, nextmove, row, output, restricted(ptc, pc, classes))

    folder = cache_dir()
    if folder is None:
        return in_memory()
    weights, automaton = folder / f"py3langid-{version}-ptc.npy", folder / f"py3langid-{version}-nextmove.bin"

    def build() -> tuple:
        model = in_memory()
        write_atomically(weights, lambda fh: np.save(fh, np.ascontiguousarray(model.ptc)))
        write_atomically(automaton, lambda fh: fh.write(model.nextmove.tobytes()))
        return model.pc, model.classes, model.row, model.output, model.ours

    try:
        small = cached_pickle(f"py3langid-{version}-parts.pickle", build)
        if not (weights.is_file() and automaton.is_file()):
            small = build()
        ptc = np.load(weights, mmap_mode="r")
        with automaton.open("rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        for region in (mapped, getattr(ptc, "_mmap", None)):
            if region is not None and hasattr(mmap, "MADV_RANDOM"):  # rows are read at random: no read-ahead
                region.madvise(mmap.MADV_RANDOM)
        nextmove = memoryview(mapped).cast("I")
        pc, classes, row, output, ours = small
    except (OSError, ValueError):  # an unwritable or damaged cache: the model in memory
        return in_memory()
    return _Model(ptc, pc, classes, nextmove, row, output, ours)

