"""spaCy pipelines for the six languages and the token stream the matcher reads.

Each language gets `spacy.blank(lang)` with a `coach_lemmatizer` component that fills
`token.lemma_` from simplemma. Korean gets a custom tokenizer built on Kiwi (spaCy's own Korean
tokenizer needs MeCab), whose morphemes become the units rules match on. Pipelines load on first
use and are cached for the life of the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from coach.language import LANGUAGES, korean, lemmas
from coach.language.normalize import fold

SENTENCE_END = frozenset({".", "!", "?", "।", "॥", "…", "。", "？", "！"})


class Unit(NamedTuple):
    """One matchable piece of text: a token (or, in Korean, a morpheme) with its keys and span.

    Built on demand from an Analysis; the matcher itself reads the Analysis lists.
    """

    keys: tuple[str, ...]  # folded surface form first, then the lemma when it differs
    start: int
    end: int  # for a Korean morpheme: the end of the word it belongs to, minus trailing punctuation
    sentence: int


@dataclass(frozen=True, slots=True)
class Analysis:
    """A text cut into units and sentences; offsets refer to the (NFC) text that was analysed.

    Units are kept as parallel lists (keys, starts, ends, sentences) because a check reads them once
    per token and building an object per token cost more than the tokenizer itself.
    """

    text: str
    lang: str
    keys: list[tuple[str, ...]]  # per unit: the folded surface form first, then the lemma when it differs
    starts: list[int]
    ends: list[int]  # for a Korean morpheme: the end of the word it belongs to, minus trailing punctuation
    sentences: list[int]
    questions: frozenset[int]  # sentences that end with a question mark

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def units(self) -> tuple[Unit, ...]:
        """The units as objects, for tools and tests (the matcher reads the lists)."""
        return tuple(Unit(*fields) for fields in zip(self.keys, self.starts, self.ends, self.sentences, strict=True))


# Per language: ORTH hash → LEMMA hash (for the component), and a word → what a unit needs (keys,
# length, kind). The second is bounded: a bot that runs for months meets an open vocabulary.
_LEMMA_HASHES: dict[str, dict[int, int]] = {}
_WORDS: dict[str, dict[str, tuple[tuple[str, ...], int, int, bool]]] = {}
MAX_CACHED_WORDS = 50_000
_PLAIN, _NUMBER_DOT, _SENTENCE_END, _QUESTION_END = range(4)
_NUMBER_WITH_DOT = re.compile(r"\d+\.")  # "15." ends a sentence, or is a Danish ordinal ("den 15. maj")


def _set_lemmas(doc):
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
            lemma = word if word.isspace() else lemma_of(word, lang)
            lemma_hash = table[orth] = strings.add(lemma)
        hashes.append(lemma_hash)
    if hashes:
        doc.from_array([LEMMA], numpy.array(hashes, dtype="uint64").reshape(-1, 1))
    return doc


def lemma_of(word: str, lang: str) -> str:
    """The folded lemma of a token, as the coach_lemmatizer component sets it."""
    return fold(lemmas.lemmatize(fold(word, lang), lang), lang)


def _word(lang: str, word: str) -> tuple[tuple[str, ...], int, int, bool]:
    """What a unit needs of a word: keys, length, kind, and whether it starts with a capital."""
    folded = fold(word, lang)
    lemma = lemma_of(word, lang)
    keys = (folded,) if lemma == folded else (folded, lemma)
    if word in SENTENCE_END or (word[-1:] in SENTENCE_END and not word[:1].isalnum()):
        kind = _QUESTION_END if "?" in word or "？" in word else _SENTENCE_END
    elif _NUMBER_WITH_DOT.fullmatch(word):
        kind = _NUMBER_DOT
    else:
        kind = _PLAIN
    return keys, len(word), kind, word[:1].isupper()


_PIECE = re.compile(r"\s+|[^\W_]+|\S", re.UNICODE)


class KiwiTokenizer:
    """Korean tokenizer for spaCy: surface words as tokens, Kiwi's morphemes in `doc.user_data`."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str):
        return self._doc(text, korean.morphemes(text))

    def pipe(self, texts: Iterable[str]) -> Iterator:
        """Docs for many texts, analysed by Kiwi on its worker threads while the caller goes on."""
        pending = list(texts)
        for text, morphs in zip(pending, korean.morphemes_many(pending), strict=True):
            yield self._doc(text, morphs)

    def _doc(self, text: str, morphs: list[korean.Morpheme]):
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
        doc.user_data["morphemes"] = morphs
        return doc

    # spaCy serialisation hooks (nothing to save: Kiwi's model ships in kiwipiepy-model).
    def to_bytes(self, **_: object) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **__: object) -> KiwiTokenizer:
        return self


def _set_korean_lemmas(doc):
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
def _import_spacy():
    """Import spaCy without its command-line package.

    `import spacy` imports `spacy.cli` (download, training, debugging commands) only to expose
    `spacy.info`; that is about a third of spaCy's import time, paid by every `coach check`. A
    stand-in is placed for the duration of the import and removed after it, so anything that
    imports `spacy.cli` later gets the real one.
    """
    import sys
    import types

    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    cli = types.ModuleType("spacy.cli")
    info = types.ModuleType("spacy.cli.info")
    info.info = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    placed = {name: module for name, module in (("spacy.cli", cli), ("spacy.cli.info", info))
              if name not in sys.modules}
    sys.modules.update(placed)
    try:
        import spacy
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return spacy


@cache
def _register_components() -> None:
    from spacy.language import Language
    from spacy.util import registry

    Language.component("coach_lemmatizer")(_set_lemmas)
    Language.component("coach_korean_lemmas")(_set_korean_lemmas)

    @registry.tokenizers("coach.kiwi_tokenizer.v1")
    def _make_kiwi_tokenizer():
        return lambda nlp: KiwiTokenizer(nlp.vocab)


@cache
def pipeline(lang: str):
    """The spaCy pipeline for `lang`, built on first use."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    spacy = _import_spacy()
    _register_components()
    if lang == "ko":
        nlp = spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "coach.kiwi_tokenizer.v1"}}})
        nlp.add_pipe("coach_korean_lemmas")
    else:
        nlp = _lean_indonesian() if lang == "id" else spacy.blank(lang)
        nlp.add_pipe("coach_lemmatizer")
    return nlp


def _lean_indonesian():
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
    nlp = pipeline(lang)
    if lang == "ko":  # the units are Kiwi's morphemes, which the tokenizer keeps on the Doc
        with nlp.memory_zone():  # the Doc's new strings are freed after it (see _tokenize_chunks)
            morphs = nlp.make_doc(text).user_data["morphemes"]
        return _korean_analysis(text, morphs)
    # The hot path looks lemmas up with lemma_of, as the coach_lemmatizer component does, instead of
    # writing them into a Doc and reading them back (that round trip cost more than the tokenizer),
    # and memoizes spaCy's tokens per whitespace-free chunk (see _tokens).
    words = _WORDS.setdefault(lang, {})
    keys: list[tuple[str, ...]] = []
    starts: list[int] = []
    ends: list[int] = []
    sentences: list[int] = []
    questions: set[int] = set()
    sentence = 0
    after_number_dot = False
    for word, start in _tokens(nlp, lang, text):
        if word is None:  # a blank line
            if sentences and sentences[-1] == sentence:
                sentence += 1
            continue
        info = words.get(word)
        if info is None:
            if len(words) > MAX_CACHED_WORDS:
                words.clear()
            info = words[word] = _word(lang, word)
        word_keys, length, kind, capitalised = info
        if after_number_dot and capitalised:  # "… inden kl. 15. Vi ringer …"
            sentence += 1
        after_number_dot = kind == _NUMBER_DOT
        keys.append(word_keys)
        starts.append(start)
        ends.append(start + length)
        sentences.append(sentence)
        if kind >= _SENTENCE_END:
            if kind == _QUESTION_END:
                questions.add(sentence)
            sentence += 1
    return Analysis(text, lang, keys, starts, ends, sentences, frozenset(questions))


_CHUNK = re.compile(r"\S+|\s+")
# Per language: a whitespace-free chunk → its tokens as (word, offset in the chunk).
_CHUNK_TOKENS: dict[str, dict[str, tuple[tuple[str, int], ...]]] = {}
MAX_CACHED_CHUNKS = 50_000


def _tokens(nlp, lang: str, text: str) -> Iterator[tuple[str | None, int]]:
    """(word, offset) of the tokens spaCy's tokenizer makes of `text`, and (None, offset) for
    whitespace with a blank line in it (other whitespace, which the matcher skips, is left out).

    spaCy tokenizes each whitespace-free chunk on its own and caches the result, but stops caching
    for the rest of a text once a chunk has a special case ("I'll", "don't"), so most of an English
    email was split again by the affix regexes every time. Here every chunk's tokens are kept.
    (Special cases written with a space, such as Indonesian "Dr. med", are not applied by spaCy
    either; tests/language/test_tokens.py holds this to spaCy's own output.)
    """
    memo = _CHUNK_TOKENS.setdefault(lang, {})
    pieces = _CHUNK.findall(text)
    words = [piece for piece in dict.fromkeys(pieces) if not piece[0].isspace()]
    new = [piece for piece in words if piece not in memo]
    if new:
        if len(memo) + len(new) > MAX_CACHED_CHUNKS:  # a long-running bot sees an open vocabulary
            memo.clear()
            new = words  # this text's own chunks went with the rest
        memo.update(_tokenize_chunks(nlp, new))
    offset = 0
    for piece in pieces:
        if piece[0].isspace():
            if piece.count("\n") >= 2:
                yield None, offset
        else:
            for word, start in memo[piece]:
                yield word, offset + start
        offset += len(piece)


def _tokenize_chunks(nlp, chunks: list[str]) -> dict[str, tuple[tuple[str, int], ...]]:
    """spaCy's tokens of each chunk, from one call on the chunks joined by spaces (each is tokenized
    on its own either way), in a memory zone: the strings and lexemes spaCy makes for words it has
    not seen are freed afterwards, so an open vocabulary (order numbers, names, typos) does not grow
    the process for as long as it runs."""
    starts, position = [], 0
    for chunk in chunks:
        starts.append(position)
        position += len(chunk) + 1
    tokens: dict[str, list[tuple[str, int]]] = {chunk: [] for chunk in chunks}
    with nlp.memory_zone():
        doc = nlp.tokenizer(" ".join(chunks))
        index = 0
        for token in doc:
            while index + 1 < len(starts) and token.idx >= starts[index + 1]:
                index += 1
            tokens[chunks[index]].append((token.text, token.idx - starts[index]))
    return {chunk: tuple(found) for chunk, found in tokens.items()}


def analyse_many(texts: list[str], lang: str) -> Iterator[Analysis]:
    """analyse() for many texts, in order. Korean texts go through Kiwi in one batch on its worker
    threads (C++, outside the GIL), so the morphemes of the next texts are ready while this thread
    matches the current one."""
    if lang != "ko":
        yield from (analyse(text, lang) for text in texts)
        return
    nlp = pipeline(lang)
    docs = nlp.tokenizer.pipe(texts)
    for text in texts:
        with nlp.memory_zone():  # each Doc is made inside its own zone, as in analyse()
            morphs = next(docs).user_data["morphemes"]
        yield _korean_analysis(text, morphs)


def _korean_analysis(text: str, morphs: list[korean.Morpheme]) -> Analysis:
    keys: list[tuple[str, ...]] = []
    starts: list[int] = []
    ends: list[int] = []
    sentences: list[int] = []
    questions: set[int] = set()
    sentence = 0
    surface_end = 0
    word_ends = _korean_word_ends(text)
    for m in morphs:
        if sentences and sentences[-1] == sentence and "\n\n" in text[surface_end : m.start]:
            sentence += 1
        keys.append((m.form,))
        starts.append(m.start)
        sentences.append(sentence)
        surface_end = m.end
        if m.tag in ("SF", "SE"):
            ends.append(m.end)
            if "?" in text[m.start : m.end]:
                questions.add(sentence)
            sentence += 1
            continue
        end = word_ends.get(m.start, m.end) if m.tag[0] not in "SW" else m.end
        ends.append(max(end, m.end))
    return Analysis(text, "ko", keys, starts, ends, sentences, frozenset(questions))


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
