"""A phrasebook compiled for matching: patterns indexed by the key of their first word.

Only the patterns whose first word occurs in a text are tried, so the cost of a check grows with
the text, not with the number of rules (spaCy's Matcher, by contrast, tries every pattern at every
token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from coach.errors import Problem
from coach.language import lemmas
from coach.language.pipeline import Analysis, analyse
from coach.phrasebook.model import Move, Pattern, Phrasebook, Rule
from coach.phrasebook.pattern import (
    Alt,
    AnyToken,
    Element,
    Gap,
    Lit,
    Opt,
    PatternError,
    Rx,
    anchor,
    compile_pattern,
    literal_words,
)

MIN_TYPO_WORD = 4  # shorter words are too easy to confuse
MIN_SINGLE_WORD_TYPO = 6  # a one-word pattern tolerates a typo only in a long word
MAX_CACHED_WORDS = 200_000
CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "，"})


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    owner: Rule | Move
    elements: tuple[Element, ...]
    source: Pattern
    literal_count: int
    longest_literal: int
    required: tuple[frozenset[str], ...] = ()  # top-level words one key of which the text must hold


@dataclass(frozen=True, slots=True)
class Hit:
    """A pattern matched units [first, last) of an analysis."""

    pattern: CompiledPattern
    first: int
    last: int
    typo: bool


@dataclass
class CompiledPhrasebook:
    book: Phrasebook
    patterns: list[CompiledPattern] = field(default_factory=list)
    index: dict[str, list[CompiledPattern]] = field(default_factory=dict)
    unanchored: list[CompiledPattern] = field(default_factory=list)  # may start at any unit
    regex_anchored: list[tuple[re.Pattern[str], CompiledPattern]] = field(default_factory=list)
    exceptions: dict[str, list[CompiledPattern]] = field(default_factory=dict)  # by owner id
    typo_vocabulary: tuple[str, ...] = ()
    all_keys: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    negator_regexes: tuple[re.Pattern[str], ...] = ()
    negators_after: frozenset[str] = frozenset()
    negator_after_regexes: tuple[re.Pattern[str], ...] = ()
    hedges: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)
    _words: dict[tuple[str, ...], tuple[tuple[CompiledPattern, ...], tuple[str, ...]]] = field(
        default_factory=dict, repr=False
    )  # per distinct word: candidate patterns and typo; bounded by the vocabulary seen

    # -- matching -----------------------------------------------------------------------------

    def find(self, analysis: Analysis) -> list[Hit]:
        """Every pattern match in the text (rules and moves), before context filtering."""
        words = self._words
        entries = []
        for keys in analysis.keys:
            entry = words.get(keys)
            if entry is None:
                if len(words) > MAX_CACHED_WORDS:  # a long-running bot sees an open vocabulary
                    words.clear()
                entry = words[keys] = self._word_entry(keys)
            entries.append(entry)
        typos = [typo for _, typo in entries]  # per unit: the pattern words it may be a misspelling of
        # A pattern whose required words are not all in the text cannot match anywhere in it: most
        # candidates fail this test once per text instead of once per position ("i promise" is
        # anchored on every "I").
        present = set().union(*analysis.keys, *typos)
        possible: dict[int, bool] = {}
        hits: list[Hit] = []
        for i, (candidates, _) in enumerate(entries):
            for pattern in candidates:
                can = possible.get(id(pattern))
                if can is None:
                    can = possible[id(pattern)] = all(not keys.isdisjoint(present) for keys in pattern.required)
                if not can:
                    continue
                hit = self._match(pattern, analysis, typos, i)
                if hit is not None:
                    hits.append(hit)
        return hits

    def _word_entry(self, keys: tuple[str, ...]) -> tuple[tuple[CompiledPattern, ...], tuple[str, ...]]:
        """The patterns a word may start (directly or as a typo), and the pattern words it may misspell."""
        typos: tuple[str, ...] = ()
        if self.typo_vocabulary and not any(k in self.all_keys for k in keys):
            typos = _typos_of(keys[0], self.book.lang, self.typo_vocabulary)
        candidates: dict[int, CompiledPattern] = {}
        for key in (*keys, *typos):
            for pattern in self.index.get(key, ()):
                candidates[id(pattern)] = pattern
        for regex, pattern in self.regex_anchored:  # tried once per distinct word, not per position
            if regex.fullmatch(keys[0]):
                candidates[id(pattern)] = pattern
        for pattern in self.unanchored:
            candidates[id(pattern)] = pattern
        return tuple(candidates.values()), typos

    def matches_within(self, pattern: CompiledPattern, analysis: Analysis, first: int, last: int) -> bool:
        """Whether `pattern` matches anywhere overlapping units [first, last) of its sentence."""
        sentences = analysis.sentences
        sentence = sentences[first]
        start = first
        while start > 0 and sentences[start - 1] == sentence:
            start -= 1
        typos: list[tuple[str, ...]] = [()] * len(analysis)
        for i in range(start, last):
            hit = self._match(pattern, analysis, typos, i)
            if hit is not None and hit.last > first:
                return True
        return False

    def _match(self, pattern: CompiledPattern, analysis: Analysis, typos: list[tuple[str, ...]], i: int) -> Hit | None:
        fuzzy_ok = getattr(pattern.owner, "fuzzy", True)
        result = _match_seq(pattern.elements, 0, i, analysis, typos, analysis.sentences[i], fuzzy_ok, 0, 0)
        if result is None:
            return None
        end, typo_count, exact_count = result
        if end == i:
            return None
        if typo_count and not (exact_count or pattern.longest_literal >= MIN_SINGLE_WORD_TYPO):
            return None
        return Hit(pattern, i, end, bool(typo_count))

    # -- context --------------------------------------------------------------------------------

    def negated(self, analysis: Analysis, first: int, last: int) -> bool:
        sentences, keys = analysis.sentences, analysis.keys
        sentence = sentences[first]
        context = self.book.context
        for j in range(first - 1, max(-1, first - 1 - context.negation_window), -1):
            if sentences[j] != sentence or keys[j][0] in CLAUSE_BREAKS:  # "No worries, I promise" is a promise
                break
            if self._is_negator(keys[j], before=True):
                return True
        for j in range(first, min(len(keys), last + context.negation_after_window)):
            if sentences[j] != sentence:
                break
            if j >= last and self._is_negator(keys[j], before=False):
                return True
            if any(rx.fullmatch(keys[j][0]) for rx in self.negator_after_regexes):
                return True
        return False

    def _is_negator(self, unit_keys: tuple[str, ...], before: bool) -> bool:
        words, regexes = (
            (self.negators, self.negator_regexes) if before else (self.negators_after, self.negator_after_regexes)
        )
        return any(k in words for k in unit_keys) or any(rx.fullmatch(unit_keys[0]) for rx in regexes)

    def hedged(self, analysis: Analysis, first: int) -> bool:
        sentences, keys = analysis.sentences, analysis.keys
        sentence = sentences[first]
        window = self.book.context.negation_window
        return any(
            sentences[j] == sentence and any(k in self.hedges for k in keys[j])
            for j in range(max(0, first - window), first)
        )


def _match_seq(
    elements: tuple[Element, ...], k: int, i: int, analysis: Analysis, typos: list[tuple[str, ...]],
    sentence: int, fuzzy_ok: bool, typo_count: int, exact_count: int,
) -> tuple[int, int, int] | None:
    """Backtracking match of elements[k:] from unit i; returns (end, typos used, exact literals)."""
    if k == len(elements):
        return i, typo_count, exact_count
    element = elements[k]
    rest = elements[k + 1 :]
    if isinstance(element, Gap):
        for j in range(i, min(i + element.max_tokens, len(analysis)) + 1):
            if j > i and analysis.sentences[j - 1] != sentence:
                break
            result = _match_seq(rest, 0, j, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count)
            if result is not None:
                return result
        return None
    if isinstance(element, Opt):
        taken = _match_seq(element.inner + rest, 0, i, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count)
        if taken is not None:
            return taken
        return _match_seq(rest, 0, i, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count)
    if isinstance(element, Alt):
        for seq in element.sequences:
            result = _match_seq(seq + rest, 0, i, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count)
            if result is not None:
                return result
        return None
    if i >= len(analysis) or analysis.sentences[i] != sentence:
        return None
    unit_keys = analysis.keys[i]
    if isinstance(element, AnyToken):
        return _match_seq(rest, 0, i + 1, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count)
    if isinstance(element, Rx):
        if element.regex.fullmatch(unit_keys[0]):
            return _match_seq(rest, 0, i + 1, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count + 1)
        return None
    assert isinstance(element, Lit)
    keys = element.keys
    if unit_keys[0] in keys if element.exact else any(key in keys for key in unit_keys):
        return _match_seq(rest, 0, i + 1, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count + 1)
    if fuzzy_ok and not typo_count and not element.exact and any(t in keys for t in typos[i]):
        return _match_seq(rest, 0, i + 1, analysis, typos, sentence, fuzzy_ok, 1, exact_count)
    return None


@lru_cache(maxsize=65_536)
def _typos_of(word: str, lang: str, vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    """The pattern words `word` may be a misspelling of (none for real words and short ones)."""
    if len(word) < MIN_TYPO_WORD or not any(c.isalpha() for c in word) or any(c.isdigit() for c in word):
        return ()
    if lemmas.is_known(word, lang):
        return ()
    limit = 1 if len(word) < 8 else 2
    found = process.extract(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
    return tuple(candidate for candidate, _, _ in found)


def analyse_word(lang: str):
    """A word analyser for compiling patterns with the language's own pipeline."""

    def analyse_one(word: str) -> list[tuple[str, ...]]:
        return list(analyse(word, lang).keys)

    return analyse_one


def compile_cached(book: Phrasebook) -> CompiledPhrasebook:
    """compile_phrasebook, kept in the cache folder keyed by the phrasebook's content and the
    versions of everything that shapes tokens and lemmas (compiling analyses thousands of words)."""
    import hashlib

    from coach import __version__
    from coach.language.cache import cached_pickle

    versions = _analyser_versions()
    digest = hashlib.sha1(repr((book, versions, __version__, _code_fingerprint())).encode()).hexdigest()[:16]
    return cached_pickle(f"compiled-{book.lang}-{digest}.pickle", lambda: compile_phrasebook(book))


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of the modules that shape compiled phrasebooks, so a code change never reads a stale cache."""
    import hashlib
    from pathlib import Path

    from coach.language import pipeline
    from coach.phrasebook import pattern

    sources = (Path(__file__), Path(pattern.__file__), Path(pipeline.__file__))
    return hashlib.sha1(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]


def _analyser_versions() -> tuple[str, ...]:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("spacy", "simplemma", "kiwipiepy", "kiwipiepy-model"):
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package}=none")
    return tuple(found)


def compile_phrasebook(book: Phrasebook) -> CompiledPhrasebook:
    """Compile every pattern of the phrasebook; problems are kept on the result for `coach lint`."""
    compiled = CompiledPhrasebook(book)
    analyser = analyse_word(book.lang)
    owners: list[Rule | Move] = [*book.rules, *book.moves]
    typo_words: set[str] = set()
    for owner in owners:
        for source in owner.patterns:
            pattern = _compile_one(compiled, owner, source, analyser)
            if pattern is None:
                continue
            compiled.patterns.append(pattern)
            first = anchor(pattern.elements)
            if first.anywhere:
                compiled.unanchored.append(pattern)
            else:
                for key in first.keys:
                    compiled.index.setdefault(key, []).append(pattern)
                compiled.regex_anchored.extend((regex, pattern) for regex in first.regexes)
            if getattr(owner, "fuzzy", True) and book.lang != "ko":
                for lit in literal_words(pattern.elements):
                    if not lit.exact:
                        typo_words.update(k for k in lit.keys if len(k) >= 3)
        for source in owner.exceptions:
            pattern = _compile_one(compiled, owner, source, analyser)
            if pattern is not None:
                compiled.exceptions.setdefault(owner.id, []).append(pattern)
    compiled.all_keys = frozenset(compiled.index) | frozenset(
        k for p in compiled.patterns for lit in literal_words(p.elements) for k in lit.keys
    )
    compiled.typo_vocabulary = tuple(sorted(typo_words))
    context = book.context
    compiled.negators, compiled.negator_regexes = _word_set(compiled, context.negators, analyser)
    compiled.negators_after, compiled.negator_after_regexes = _word_set(compiled, context.negators_after, analyser)
    compiled.hedges, _ = _word_set(compiled, context.hedges, analyser)
    return compiled


def _compile_one(compiled: CompiledPhrasebook, owner: Rule | Move, source: Pattern, analyser) -> CompiledPattern | None:
    try:
        elements = compile_pattern(source.text, analyser)
    except PatternError as exc:
        compiled.problems.append(Problem(source.source.path, source.source.line, source.source.column,
                                         f"{owner.id}: {exc}"))
        return None
    lits = literal_words(elements)
    longest = max((min(len(k) for k in lit.keys) for lit in lits), default=0)
    required = tuple(e.keys for e in elements if isinstance(e, Lit))
    return CompiledPattern(owner, elements, source, len(lits), longest, required)


def _word_set(
    compiled: CompiledPhrasebook, words: tuple[str, ...], analyser
) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Context words as unit keys (or /regexes/ on the folded form of a unit)."""
    keys: set[str] = set()
    regexes: list[re.Pattern[str]] = []
    where = f"{compiled.book.lang}/context.yaml"
    for word in words:
        if len(word) > 2 and word.startswith("/") and word.endswith("/"):
            try:
                regexes.append(re.compile(word[1:-1]))
            except re.error as exc:
                compiled.problems.append(Problem(where, 0, 0, f"invalid regular expression {word}: {exc}"))
            continue
        analysed = analyser(word)
        if len(analysed) == 1:
            keys.update(analysed[0])
        else:
            # "cannot" is two tokens (can + not); taking both would make "can" a negator.
            pieces = " ".join(k[0] for k in analysed)
            compiled.problems.append(Problem(where, 0, 0, f"context word '{word}' is split into several "
                                             f"tokens ({pieces}); list the one that matters on its own",
                                             "warning"))
    return frozenset(keys), tuple(regexes)
