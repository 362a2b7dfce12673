"""spaCy pipelines for the six languages and the token stream the matcher reads.

Each language gets `spacy.blank(lang)` with a `coach_lemmatizer` component that fills
`token.lemma_` from simplemma. Korean gets a custom tokenizer built on Kiwi (spaCy's own Korean
tokenizer needs MeCab), whose morphemes become the units rules match on. Pipelines load on first
use and are cached for the life of the process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from coach.language import LANGUAGES, korean, lemmas
from coach.language.normalize import fold

SENTENCE_END = frozenset({".", "!", "?", "।", "॥", "…", "。", "？", "！"})


class Unit(NamedTuple):
    """One matchable piece of text: a token (or, in Korean, a morpheme) with its keys and span.

    A NamedTuple rather than a dataclass: a check builds one per token, and this is the hot path.
    """

    keys: tuple[str, ...]  # folded surface form first, then the lemma when it differs
    start: int
    end: int  # for a Korean morpheme: the end of the word it belongs to, minus trailing punctuation
    sentence: int
    surface_end: int  # where this unit itself ends (differs from `end` only in Korean)


@dataclass(frozen=True, slots=True)
class Analysis:
    """A text cut into units and sentences; offsets refer to the (NFC) text that was analysed."""

    text: str
    lang: str
    units: tuple[Unit, ...]
    questions: frozenset[int]  # sentences that end with a question mark

    def sentence_units(self, sentence: int) -> range:
        first = next((i for i, u in enumerate(self.units) if u.sentence == sentence), len(self.units))
        last = first
        while last < len(self.units) and self.units[last].sentence == sentence:
            last += 1
        return range(first, last)


# Per language: ORTH hash → LEMMA hash, and ORTH hash → what a unit needs (keys, length, kind).
_LEMMA_HASHES: dict[str, dict[int, int]] = {}
_WORDS: dict[str, dict[int, tuple[tuple[str, ...], int, int]]] = {}
_PLAIN, _SPACE, _PARAGRAPH, _SENTENCE_END, _QUESTION_END = range(5)


def _set_lemmas(doc):  # noqa: ANN001, ANN202 - spaCy component signature
    """Fill token.lemma_ from simplemma, through the doc's arrays (no Token objects: this runs per reply)."""
    import numpy
    from spacy.attrs import LEMMA, ORTH

    lang = doc.lang_
    strings = doc.vocab.strings
    table = _LEMMA_HASHES.setdefault(lang, {})
    hashes = []
    for orth in doc.to_array(ORTH).tolist():
        lemma_hash = table.get(orth)
        if lemma_hash is None:
            word = strings[orth]
            lemma = word if word.isspace() else fold(lemmas.lemmatize(fold(word, lang), lang), lang)
            lemma_hash = table[orth] = strings.add(lemma)
        hashes.append(lemma_hash)
    if hashes:
        doc.from_array([LEMMA], numpy.array(hashes, dtype="uint64").reshape(-1, 1))
    return doc


def _word(lang: str, strings, orth: int, lemma_hash: int) -> tuple[tuple[str, ...], int, int]:  # noqa: ANN001
    word = strings[orth]
    if word.isspace():
        return (), len(word), _PARAGRAPH if word.count("\n") >= 2 else _SPACE
    folded = fold(word, lang)
    lemma = strings[lemma_hash]
    keys = (folded,) if lemma == folded else (folded, lemma)
    if word in SENTENCE_END or word[-1:] in SENTENCE_END and not word[:1].isalnum():
        kind = _QUESTION_END if "?" in word or "？" in word else _SENTENCE_END
    else:
        kind = _PLAIN
    return keys, len(word), kind


_PIECE = re.compile(r"\s+|[^\W_]+|\S", re.UNICODE)


class KiwiTokenizer:
    """Korean tokenizer for spaCy: surface words as tokens, Kiwi's morphemes in `doc.user_data`."""

    def __init__(self, vocab) -> None:  # noqa: ANN001
        self.vocab = vocab

    def __call__(self, text: str):  # noqa: ANN204
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for piece in _PIECE.findall(text):
            if piece == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
            else:  # a word, a mark, or whitespace spaCy keeps as a token of its own
                words.append(piece)
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data["morphemes"] = korean.morphemes(text)
        return doc

    # spaCy serialisation hooks (nothing to save: Kiwi's model ships in kiwipiepy-model).
    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **__: object) -> KiwiTokenizer:
        return self


def _set_korean_lemmas(doc):  # noqa: ANN001, ANN202
    morphs = doc.user_data.get("morphemes", [])
    i = 0
    for token in doc:
        end = token.idx + len(token.text)
        forms = []
        while i < len(morphs) and morphs[i].start < end:
            forms.append(morphs[i].form)
            i += 1
        token.lemma_ = "+".join(forms) or token.text
    return doc


@cache
def _register_components() -> None:
    from spacy.language import Language
    from spacy.util import registry

    Language.component("coach_lemmatizer")(_set_lemmas)
    Language.component("coach_korean_lemmas")(_set_korean_lemmas)

    @registry.tokenizers("coach.kiwi_tokenizer.v1")
    def _make_kiwi_tokenizer():  # noqa: ANN202
        return lambda nlp: KiwiTokenizer(nlp.vocab)


@cache
def pipeline(lang: str):  # noqa: ANN201 - spacy.Language, imported lazily to keep start-up fast
    """The spaCy pipeline for `lang`, built on first use."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    import spacy

    _register_components()
    if lang == "ko":
        nlp = spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "coach.kiwi_tokenizer.v1"}}})
        nlp.add_pipe("coach_korean_lemmas")
    else:
        nlp = _lean_indonesian() if lang == "id" else spacy.blank(lang)
        nlp.add_pipe("coach_lemmatizer")
    return nlp


def _lean_indonesian():  # noqa: ANN202
    # spaCy's Indonesian tokenizer carries ~16,000 exceptions, almost all hyphenated
    # reduplications ("anak-anak"), which take 4.5 s to load. Without them the infix rules split
    # the hyphen, which the rules do not care about.
    from spacy.lang.id import Indonesian

    exceptions = {k: v for k, v in Indonesian.Defaults.tokenizer_exceptions.items() if "-" not in k}

    class LeanIndonesianDefaults(Indonesian.Defaults):
        tokenizer_exceptions = exceptions

    class LeanIndonesian(Indonesian):
        Defaults = LeanIndonesianDefaults

    return LeanIndonesian()


def analyse(text: str, lang: str) -> Analysis:
    """Tokenise and lemmatise `text` (already NFC) into units and sentences."""
    doc = pipeline(lang)(text)
    if lang == "ko":
        return _korean_analysis(text, doc.user_data.get("morphemes", []))
    from spacy.attrs import IDX, LEMMA, ORTH

    strings = doc.vocab.strings
    words = _WORDS.setdefault(lang, {})
    units: list[Unit] = []
    questions: set[int] = set()
    sentence = 0
    for orth, lemma_hash, start in doc.to_array([ORTH, LEMMA, IDX]).tolist():
        info = words.get(orth)
        if info is None:
            info = words[orth] = _word(lang, strings, orth, lemma_hash)
        keys, length, kind = info
        if kind == _SPACE:
            continue
        if kind == _PARAGRAPH:
            if units and units[-1].sentence == sentence:
                sentence += 1
            continue
        units.append(Unit(keys, start, start + length, sentence, start + length))
        if kind >= _SENTENCE_END:
            if kind == _QUESTION_END:
                questions.add(sentence)
            sentence += 1
    return Analysis(text, lang, tuple(units), frozenset(questions))


def _korean_analysis(text: str, morphs: list[korean.Morpheme]) -> Analysis:
    units: list[Unit] = []
    questions: set[int] = set()
    sentence = 0
    word_ends = _korean_word_ends(text)
    for m in morphs:
        if m.tag in ("SF", "SE") and units:
            if "?" in text[m.start : m.end]:
                questions.add(sentence)
            units.append(Unit((m.form,), m.start, m.end, sentence, m.end))
            sentence += 1
            continue
        if units and units[-1].sentence == sentence and "\n\n" in text[units[-1].surface_end : m.start]:
            sentence += 1
        end = word_ends.get(m.start, m.end) if m.tag[0] not in "SW" else m.end
        units.append(Unit((m.form,), m.start, max(end, m.end), sentence, m.end))
    return Analysis(text, "ko", tuple(units), frozenset(questions))


_KOREAN_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _korean_word_ends(text: str) -> dict[int, int]:
    """For every offset inside a word: where that word ends (so spans cover 약속드립니다, not 약속드립)."""
    ends: dict[int, int] = {}
    for match in _KOREAN_WORD.finditer(text):
        for i in range(match.start(), match.end()):
            ends[i] = match.end()
    return ends


def warm_up(lang: str) -> None:
    """Build the pipeline and load its dictionaries now (the bot does this at start)."""
    pipeline(lang)
    if lang == "ko":
        korean.warm_up()
    else:
        lemmas.warm_up(lang)
