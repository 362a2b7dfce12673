"""A phrasebook compiled for matching: patterns indexed by the keys of their first two words.

At each unit only the patterns that can begin with that unit and the next one are tried ("i will
call" is tried where "I will" occurs, not at every "I"), so the cost of a check grows with the
text, not with the number of rules (spaCy's Matcher, by contrast, tries every pattern at every
token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from coach.errors import Problem
from coach.language import korean as korean_module
from coach.language import lemmas
from coach.language import normalize as normalize_module
from coach.language import pipeline as pipeline_module
from coach.language.normalize import nfc
from coach.language.pipeline import Analysis, analyse
from coach.phrasebook import model as model_module
from coach.phrasebook import pattern as pattern_module
from coach.phrasebook import relevance as relevance_module
from coach.phrasebook.model import Move, Pattern, Phrasebook, Rule
from coach.phrasebook.pattern import (
    AnyToken,
    Element,
    Gap,
    Leads,
    Lit,
    Opt,
    PatternError,
    Rx,
    compile_pattern,
    expand_ways,
    leads,
    leaf_elements,
    literal_words,
    regex_key,
)
from coach.phrasebook.relevance import Profiles, rewrite_profiles

MIN_TYPO_WORD = 4  # shorter words are too easy to confuse
MIN_SINGLE_WORD_TYPO = 6  # a one-word pattern tolerates a typo only in a long word
LONG_TYPO_WORD = 9  # from this length a word may be two edits from the pattern word ("sepasang" ≠ "sekarang")
MAX_CACHED_WORDS = 50_000
MAX_CACHED_STARTS = 100_000
CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "，"})


ANYWHERE = Leads(anywhere=True)
_Word = tuple[int, tuple[str, ...], tuple[str, ...]]  # a distinct word: its id, index keys, typo readings


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    owner: Rule | Move
    elements: tuple[Element, ...]
    source: Pattern
    literal_count: int
    longest_literal: int
    required: tuple[frozenset[str], ...] = ()  # top-level words one key of which the text must hold
    order: int = 0  # place in the phrasebook: candidates are tried in this order, so results are stable
    ways: tuple[tuple[Element, ...], ...] = ()  # the elements with `?` and `a|b` spelled out (expand_ways)
    leads: Leads = ANYWHERE  # the first one or two words a match can begin with
    exception: bool = False  # an exception of its owner: where it matches, the owner's matches don't count
    fuzzy: bool = True  # may match through a typo (the owner allows it; exceptions match as written)


@dataclass(frozen=True, slots=True)
class Hit:
    """A pattern matched units [first, last) of an analysis."""

    pattern: CompiledPattern
    first: int
    last: int
    typo: bool


@dataclass(frozen=True, slots=True)
class Matches:
    """What matched in a text: the rules' and moves' patterns, and where their exceptions match."""

    hits: list[Hit]
    exceptions: dict[str, list[Hit]]  # by owner id

    def excepted(self, hit: Hit, sentences: list[int]) -> bool:
        """Whether one of the hit owner's exceptions matches in its sentence, overlapping it."""
        sentence = sentences[hit.first]
        return any(sentences[e.first] == sentence and e.first < hit.last and e.last > hit.first
                   for e in self.exceptions.get(hit.pattern.owner.id, ()))


@dataclass
class CompiledPhrasebook:
    book: Phrasebook
    patterns: list[CompiledPattern] = field(default_factory=list)
    by_first: dict[str, list[CompiledPattern]] = field(default_factory=dict)  # tried where the first word is
    by_pair: dict[tuple[str, str], list[CompiledPattern]] = field(default_factory=dict)  # … the first two words are
    unanchored: list[CompiledPattern] = field(default_factory=list)  # may start at any unit
    indexed: int = 0  # patterns and exceptions in the indexes (their orders run 0 … indexed-1)
    regexes: dict[str, re.Pattern[str]] = field(default_factory=dict)  # regex_key → the /regex/ of a pattern
    exceptions: dict[str, list[CompiledPattern]] = field(default_factory=dict)  # by owner id, indexed too
    typo_vocabulary: tuple[str, ...] = ()
    all_keys: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    negator_regexes: tuple[re.Pattern[str], ...] = ()
    negators_after: frozenset[str] = frozenset()
    negator_after_regexes: tuple[re.Pattern[str], ...] = ()
    hedges: frozenset[str] = frozenset()
    rewrite_profiles: Profiles = field(default_factory=dict)  # to put the rewrite that fits a text first
    problems: list[Problem] = field(default_factory=list)
    # Caches, bounded by the vocabulary seen: per distinct word its id, index keys and typos; per pair
    # of word ids (the second -1 at a sentence's end) the patterns a match may start with there.
    _words: dict[tuple[str, ...], _Word] = field(default_factory=dict, repr=False)
    _starts: dict[tuple[int, int], tuple[CompiledPattern, ...]] = field(default_factory=dict, repr=False)

    # -- matching -----------------------------------------------------------------------------

    def find(self, analysis: Analysis) -> Matches:
        """Every pattern match in the text (rules, moves and their exceptions), before context filtering."""
        words = self._words
        entries = []
        for keys in analysis.keys:
            entry = words.get(keys)
            if entry is None:
                if len(words) > MAX_CACHED_WORDS:  # a long-running bot sees an open vocabulary
                    words.clear()
                    self._starts.clear()
                entry = words[keys] = self._word_entry(keys)
            entries.append(entry)
        typos = [typo for _, _, typo in entries]  # per unit: the pattern words it may be a misspelling of
        # A pattern whose required words are not all in the text cannot match anywhere in it.
        present = set().union(*(lookup for _, lookup, _ in entries))
        possible: list[bool | None] = [None] * self.indexed  # by pattern order, worked out when first needed
        starts = self._starts
        sentences = analysis.sentences
        last = len(entries) - 1
        hits: list[Hit] = []
        exceptions: dict[str, list[Hit]] = {}
        for i, (word_id, _, _) in enumerate(entries):
            next_id = entries[i + 1][0] if i < last and sentences[i + 1] == sentences[i] else -1
            candidates = starts.get((word_id, next_id))
            if candidates is None:
                if len(starts) > MAX_CACHED_STARTS:
                    starts.clear()
                following = entries[i + 1] if next_id >= 0 else None
                candidates = starts[(word_id, next_id)] = self._candidates(entries[i], following)
            for pattern in candidates:
                can = possible[pattern.order]
                if can is None:
                    can = possible[pattern.order] = not any(map(present.isdisjoint, pattern.required))
                if not can:
                    continue
                hit = self._match(pattern, analysis, typos, i)
                if hit is not None:
                    if pattern.exception:
                        exceptions.setdefault(pattern.owner.id, []).append(hit)
                    else:
                        hits.append(hit)
        return Matches(hits, exceptions)

    def _word_entry(self, keys: tuple[str, ...]) -> _Word:
        """A word's id, the index keys it offers (its keys, the pattern words it may misspell, the keys
        of the /regexes/ it matches), and those pattern words alone."""
        typos: tuple[str, ...] = ()
        if self.typo_vocabulary and not any(k in self.all_keys for k in keys):
            typos = _typos_of(keys[0], self.book.lang, self.typo_vocabulary)
        matched = tuple(key for key, regex in self.regexes.items() if regex.fullmatch(keys[0]))
        return len(self._words), (*keys, *typos, *matched), typos

    def _candidates(self, word: _Word, following: _Word | None) -> tuple[CompiledPattern, ...]:
        """The patterns a match may start with at `word` when `following` (or nothing) comes next."""
        found: dict[int, CompiledPattern] = {}
        for key in word[1]:
            for pattern in self.by_first.get(key, ()):
                found[pattern.order] = pattern
            if following is not None:
                for second in following[1]:
                    for pattern in self.by_pair.get((key, second), ()):
                        found[pattern.order] = pattern
        for pattern in self.unanchored:
            found[pattern.order] = pattern
        return tuple(found[order] for order in sorted(found))

    def _match(self, pattern: CompiledPattern, analysis: Analysis, typos: list[tuple[str, ...]], i: int) -> Hit | None:
        sentence = analysis.sentences[i]
        for way in pattern.ways:  # in the order backtracking would try them: the first match wins
            result = _match_seq(way, i, analysis, typos, sentence, pattern.fuzzy, 0, 0)
            if result is not None:
                break
        else:
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
    elements: tuple[Element, ...], i: int, analysis: Analysis, typos: list[tuple[str, ...]],
    sentence: int, fuzzy_ok: bool, typo_count: int, exact_count: int,
) -> tuple[int, int, int] | None:
    """Match `elements` from unit i, backtracking only at `...`, `?` and `a|b`; returns
    (end, typos used, exact literals), or None. Runs once per candidate, so it avoids per-unit calls."""
    keys, sentences = analysis.keys, analysis.sentences
    n = len(keys)
    for k, element in enumerate(elements):
        kind = element.__class__
        if kind is Lit or kind is Rx or kind is AnyToken:
            if i >= n or sentences[i] != sentence:
                return None
            unit = keys[i]
            if kind is Lit:
                if element.keys.isdisjoint(unit[:1] if element.exact else unit):
                    if typo_count or not fuzzy_ok or element.exact or element.keys.isdisjoint(typos[i]):
                        return None
                    typo_count = 1
                else:
                    exact_count += 1
            elif kind is Rx:
                if not element.regex.fullmatch(unit[0]):
                    return None
                exact_count += 1
            i += 1
            continue
        rest = elements[k + 1 :]
        if kind is Gap:
            after = rest[0].keys if rest and rest[0].__class__ is Lit else None  # a gap is followed by a word
            for j in range(i, min(i + element.max_tokens, n) + 1):
                if j > i and sentences[j - 1] != sentence:
                    break
                if after is not None and j < n and after.isdisjoint(keys[j]) and after.isdisjoint(typos[j]):
                    continue  # that word is not here: skip the call
                result = _match_seq(rest, j, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count)
                if result is not None:
                    return result
            return None
        ways = (element.inner + rest, rest) if kind is Opt else tuple(seq + rest for seq in element.sequences)
        for way in ways:
            result = _match_seq(way, i, analysis, typos, sentence, fuzzy_ok, typo_count, exact_count)
            if result is not None:
                return result
        return None
    return i, typo_count, exact_count


@lru_cache(maxsize=65_536)
def _typos_of(word: str, lang: str, vocabulary: tuple[str, ...]) -> tuple[str, ...]:
    """The pattern words `word` may be a misspelling of (none for real words and short ones)."""
    if len(word) < MIN_TYPO_WORD or not any(c.isalpha() for c in word) or any(c.isdigit() for c in word):
        return ()
    if lemmas.is_known(word, lang):
        return ()
    limit = 1 if len(word) < LONG_TYPO_WORD else 2
    found = process.extract(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=limit, limit=None)
    # People rarely get a word's first letter wrong; a different one usually means another word
    # (Indonesian "mengirimkan" is not a typo of "dikirimkan").
    return tuple(candidate for candidate, _, _ in found if candidate[0] == word[0])


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
    digest = hashlib.sha1(repr((book, versions, __version__, _CODE_FINGERPRINT)).encode()).hexdigest()[:16]
    return cached_pickle(f"compiled-{book.lang}-{digest}.pickle", lambda: compile_phrasebook(book),
                         family=f"compiled-{book.lang}-")


def _source_fingerprint(*modules_files: str) -> str:
    import hashlib

    return hashlib.sha1(b"".join(Path(f).read_bytes() for f in modules_files)).hexdigest()[:12]


# A hash of the modules that shape compiled phrasebooks, so a code change never reads a stale cache.
# Taken when this module is imported (not when a cache is first used), so that a process started
# before an edit never files what its old code built under the new code's name.
_CODE_FINGERPRINT = _source_fingerprint(__file__, pattern_module.__file__, pipeline_module.__file__,
                                        korean_module.__file__, relevance_module.__file__, model_module.__file__,
                                        normalize_module.__file__)


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
    exceptions: list[CompiledPattern] = []
    for owner in owners:
        for source in owner.patterns:
            pattern = _compile_one(compiled, owner, source, analyser)
            if pattern is None:
                continue
            compiled.patterns.append(pattern)
            if getattr(owner, "fuzzy", True) and book.lang != "ko":
                for lit in literal_words(pattern.elements):
                    if not lit.exact:
                        typo_words.update(k for k in lit.keys if len(k) >= 3)
        for source in owner.exceptions:
            pattern = _compile_one(compiled, owner, source, analyser)
            if pattern is not None:
                exceptions.append(pattern)
    # Exceptions are indexed like the patterns, so one pass over a text finds both.
    exceptions = [replace(p, order=len(compiled.patterns) + j, exception=True, fuzzy=False)
                  for j, p in enumerate(exceptions)]
    for pattern in exceptions:
        compiled.exceptions.setdefault(pattern.owner.id, []).append(pattern)
    for pattern in (*compiled.patterns, *exceptions):
        start = pattern.leads
        if start.anywhere:
            compiled.unanchored.append(pattern)
        for key in start.firsts:
            compiled.by_first.setdefault(key, []).append(pattern)
        for pair in start.pairs:
            compiled.by_pair.setdefault(pair, []).append(pattern)
    compiled.indexed = len(compiled.patterns) + len(exceptions)
    compiled.regexes = {regex_key(rx.regex): rx.regex for pattern in (*compiled.patterns, *exceptions)
                        for rx in leaf_elements(pattern.elements, Rx)}
    compiled.all_keys = frozenset(k for p in compiled.patterns for lit in literal_words(p.elements) for k in lit.keys)
    compiled.typo_vocabulary = tuple(sorted(typo_words))
    context = book.context
    compiled.negators, compiled.negator_regexes = _word_set(compiled, context.negators, analyser)
    compiled.negators_after, compiled.negator_after_regexes = _word_set(compiled, context.negators_after, analyser)
    compiled.hedges, _ = _word_set(compiled, context.hedges, analyser)
    compiled.rewrite_profiles = rewrite_profiles(book, lambda text: analyse(nfc(text).text, book.lang).keys)
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
    required = tuple(e.keys if isinstance(e, Lit) else frozenset({regex_key(e.regex)})
                     for e in elements if isinstance(e, Lit | Rx))
    return CompiledPattern(owner, elements, source, len(lits), longest, required, len(compiled.patterns),
                           expand_ways(elements), leads(elements), fuzzy=getattr(owner, "fuzzy", True))


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
