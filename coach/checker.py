"""The checker: text → Report(findings, moves), for any of the six languages.

One reply travels one way: blank quoted parts → NFC → tokens and lemmas → rule and move patterns →
context (exceptions, negation, hedges, questions, moves nearby) → findings with spans in the
caller's own text and rewrites.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.language import LANGUAGES
from coach.language.detect import Detection, detect_language
from coach.language.normalize import Normalized, nfc
from coach.language.pipeline import Analysis, analyse_many
from coach.phrasebook.compiled import CompiledPhrasebook, Hit, Matches, compile_cached
from coach.phrasebook.loader import LoadResult, load_phrasebooks
from coach.phrasebook.model import Move, Rewrite, Rule, severity_rank
from coach.phrasebook.relevance import ranked
from coach.quoted import blank_quoted

CHUNK_CHARS = 50_000  # spaCy refuses texts over 1,000,000 characters; long texts are checked in pieces


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    category: str
    severity: str
    message: str
    matched: str  # == text[start:end] of the checked text, always
    start: int
    end: int
    line: int
    column: int
    rewrites: tuple[Rewrite, ...]
    typo: bool = False  # matched through typo tolerance


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as plain data: the JSON output of `coach check` and saved scenario states."""
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity,
        "message": finding.message,
        "matched": finding.matched,
        "start": finding.start,
        "end": finding.end,
        "line": finding.line,
        "column": finding.column,
        "rewrites": [{"text": r.text, "safe": r.safe} for r in finding.rewrites],
        "typo": finding.typo,
    }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    return Finding(
        rule=str(data["rule"]),
        category=str(data["category"]),
        severity=str(data["severity"]),
        message=str(data["message"]),
        matched=str(data["matched"]),
        start=int(data["start"]),
        end=int(data["end"]),
        line=int(data["line"]),
        column=int(data["column"]),
        rewrites=tuple(Rewrite(str(r["text"]), bool(r["safe"])) for r in data["rewrites"]),
        typo=bool(data.get("typo", False)),
    )


@dataclass(frozen=True, slots=True)
class MoveHit:
    move: str
    matched: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Report:
    lang: str | None  # None when the text is in a language the coach does not support
    findings: tuple[Finding, ...] = ()
    moves: tuple[MoveHit, ...] = ()
    detection: Detection | None = None  # how the language was chosen, when it was detected

    @property
    def moves_shown(self) -> frozenset[str]:
        return frozenset(hit.move for hit in self.moves)

    def worst_severity(self) -> str | None:
        return min((f.severity for f in self.findings), key=severity_rank, default=None)


@dataclass
class Checker:
    """Checks texts against loaded phrasebooks; compiles each language on first use.

    `Checker.from_paths` loads every language up front (the bot and `coach lint` want all problems at
    once); `Checker.lazy` loads a language's files only when a text in it arrives (`coach check` on one
    English draft should not parse five other languages).
    """

    library: LoadResult
    disabled: frozenset[str] = frozenset()
    default_lang: str | None = None
    paths: tuple[Path, ...] = ()  # set for a lazy checker: where to load languages from on demand
    _compiled: dict[str, CompiledPhrasebook] = field(default_factory=dict, repr=False)

    @classmethod
    def from_paths(cls, paths: Iterable[Path], disabled: Iterable[str] = (), default_lang: str | None = None,
                   langs: Iterable[str] | None = None) -> Checker:
        """Load phrasebooks; raises CoachError listing the problems if any file is broken."""
        library = load_phrasebooks(list(paths), langs)
        if library.errors:
            raise CoachError("the phrasebooks have problems:", tuple(library.errors))
        return cls(library, frozenset(disabled), default_lang)

    @classmethod
    def lazy(cls, paths: Iterable[Path], disabled: Iterable[str] = (), default_lang: str | None = None) -> Checker:
        """A checker that loads each language's phrasebooks the first time a text needs them."""
        return cls(LoadResult(), frozenset(disabled), default_lang, tuple(paths))

    @property
    def languages(self) -> tuple[str, ...]:
        if self.paths:
            present = {p.name for root in self.paths if root.is_dir() for p in root.iterdir() if p.is_dir()}
            return tuple(lang for lang in LANGUAGES if lang in present or lang in self.library.books)
        return tuple(lang for lang in LANGUAGES if lang in self.library.books)

    def compiled(self, lang: str) -> CompiledPhrasebook:
        if lang not in self._compiled:
            if self.paths and lang not in self.library.books:
                loaded = load_phrasebooks(list(self.paths), [lang])
                if loaded.errors:
                    raise CoachError(f"the {lang} phrasebooks have problems:", tuple(loaded.errors))
                self.library.books.update(loaded.books)
                self.library.files.extend(loaded.files)
            book = self.library.books.get(lang)
            if book is None:
                raise CoachError(f"no phrasebook for language '{lang}'")
            self._compiled[lang] = compile_cached(book)
        return self._compiled[lang]

    def check(self, text: str, lang: str | None = None) -> Report:
        """Check one text. `lang=None` detects the language among the six."""
        return next(self.check_many([text], lang))

    def check_many(self, texts: Iterable[str], lang: str | None = None) -> Iterator[Report]:
        """Check many texts, yielding their reports in order (the same reports as `check`).

        Each language's texts are analysed as one batch: Korean ones by Kiwi on its worker threads,
        ahead of the matching done here.
        """
        planned: list[tuple[str, str | None, Detection | None]] = []
        batches: dict[str, list[str]] = {}
        for text in texts:
            detection = None
            chosen = lang
            if chosen is None:
                detection = detect_language(text, self.default_lang)
                chosen = detection.lang
            if chosen is not None and chosen not in LANGUAGES:
                raise CoachError(f"unsupported language '{chosen}'; use one of {', '.join(LANGUAGES)}")
            planned.append((text, chosen, detection))
            if chosen is not None and len(text) <= CHUNK_CHARS:
                batches.setdefault(chosen, []).append(nfc(blank_quoted(text)))
        normalized = {batch_lang: iter(batch) for batch_lang, batch in batches.items()}
        analyses = {code: analyse_many([n.text for n in batch], code) for code, batch in batches.items()}
        for text, chosen, detection in planned:
            if chosen is None:
                yield Report(None, detection=detection)
            elif len(text) > CHUNK_CHARS:
                yield self._check_long(text, chosen, detection)
            else:
                yield self._report(text, next(normalized[chosen]), next(analyses[chosen]), detection)

    def _report(self, text: str, normalized: Normalized, analysis: Analysis, detection: Detection | None) -> Report:
        """Rules and moves matched in an analysed text, filtered by context, with spans in `text`."""
        lang = analysis.lang
        compiled = self.compiled(lang)
        matches = compiled.find(analysis)
        hits = matches.hits
        move_hits = [h for h in hits
                     if isinstance(h.pattern.owner, Move) and self._holds(compiled, analysis, h, matches)]
        move_sentences: dict[str, set[int]] = {}
        for hit in move_hits:
            move_sentences.setdefault(hit.pattern.owner.id, set()).add(analysis.sentences[hit.first])
        rule_hits = [
            h for h in hits
            if isinstance(h.pattern.owner, Rule)
            and h.pattern.owner.id not in self.disabled
            and self._holds(compiled, analysis, h, matches, move_sentences)
        ]

        def span(hit: Hit) -> tuple[int, int]:
            start = normalized.original_offset(analysis.starts[hit.first])
            end = normalized.original_offset(analysis.ends[hit.last - 1])
            return start, end

        contexts: dict[int, frozenset[str]] = {}

        def rewrites(hit: Hit) -> tuple[Rewrite, ...]:
            rule = hit.pattern.owner
            profile = compiled.rewrite_profiles.get(rule.id)
            if profile is None:
                return rule.rewrites
            sentence = analysis.sentences[hit.first]
            context = contexts.get(sentence)
            if context is None:  # the words of the finding's sentence and its neighbours
                sentences = analysis.sentences
                first = bisect_left(sentences, sentence - 1)
                last = bisect_right(sentences, sentence + 1, first)
                context = contexts[sentence] = frozenset(chain.from_iterable(analysis.keys[first:last]))
            # the flagged words themselves ("that's our policy") say nothing about the situation
            return ranked(rule.rewrites, profile, context.difference(*analysis.keys[hit.first:hit.last]))

        findings = _findings(text, rule_hits, span, rewrites)
        moves = _moves(text, move_hits, span)
        return Report(lang, findings, moves, detection)

    def _check_long(self, text: str, lang: str, detection: Detection | None) -> Report:
        """Check a very long text piece by piece (split at blank lines), shifting spans back."""
        findings: list[Finding] = []
        moves: dict[str, MoveHit] = {}
        for offset, piece in _pieces(text):
            report = self.check(piece, lang)
            line_shift = text.count("\n", 0, offset)
            for f in report.findings:
                column = f.column if f.line > 1 else f.column + offset - (text.rfind("\n", 0, offset) + 1)
                findings.append(replace(f, start=f.start + offset, end=f.end + offset,
                                        line=f.line + line_shift, column=column))
            for m in report.moves:
                moves.setdefault(m.move, replace(m, start=m.start + offset, end=m.end + offset))
        return Report(lang, tuple(findings), tuple(moves.values()), detection)

    def _holds(self, compiled: CompiledPhrasebook, analysis: Analysis, hit: Hit, matches: Matches,
               move_sentences: dict[str, set[int]] | None = None) -> bool:
        """Whether the hit survives its owner's exceptions and `unless` conditions."""
        owner = hit.pattern.owner
        if matches.excepted(hit, analysis.sentences):
            return False
        sentence = analysis.sentences[hit.first]
        for condition in owner.unless:
            if condition == "negated" and compiled.negated(analysis, hit.first, hit.last):
                return False
            if condition == "hedged" and compiled.hedged(analysis, hit.first):
                return False
            if condition == "question" and sentence in analysis.questions:
                return False
            if condition.startswith("move:") and move_sentences:
                shown = move_sentences.get(condition[5:], ())
                if sentence in shown or sentence + 1 in shown:
                    return False
        return True


def _pieces(text: str) -> list[tuple[int, str]]:
    """Cut into pieces of at most CHUNK_CHARS, each after the last blank line, line end, sentence end
    or (failing all of those) space in its second half: a phrase never spans a sentence end."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + CHUNK_CHARS, len(text))
        if end < len(text):
            low = start + CHUNK_CHARS // 2
            cut = text.rfind("\n\n", low, end)
            if cut < 0:
                cut = text.rfind("\n", low, end)
            if cut < 0:
                ends = [m.end() - 1 for m in _SENTENCE_END_SPACE.finditer(text, low, end)]
                cut = ends[-1] if ends else text.rfind(" ", low, end)
            end = cut + 1 if cut >= 0 else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces


_SENTENCE_END_SPACE = re.compile(r"[.!?。।…]\s")


def _findings(text: str, hits: list[Hit], span, rewrites) -> tuple[Finding, ...]:
    """One finding per rule and place: overlapping hits of one category keep the longest, most severe.
    `span` gives a hit's offsets in `text`, `rewrites` its rule's rewrites in the order that fits."""
    by_rank = sorted(hits, key=lambda h: (severity_rank(h.pattern.owner.severity), -(h.last - h.first), h.first))
    kept: list[tuple[Hit, int, int]] = []
    for hit in by_rank:
        start, end = span(hit)
        rule = hit.pattern.owner
        if any(k.pattern.owner.category == rule.category and start < k_end and k_start < end
               for k, k_start, k_end in kept):
            continue
        kept.append((hit, start, end))
    findings = []
    for hit, start, end in sorted(kept, key=lambda k: (k[1], k[2])):
        rule = hit.pattern.owner
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        findings.append(Finding(rule.id, rule.category, rule.severity, rule.message, text[start:end], start, end,
                                line, column, rewrites(hit), hit.typo))
    return tuple(findings)


def _moves(text: str, hits: list[Hit], span) -> tuple[MoveHit, ...]:
    seen: dict[str, MoveHit] = {}
    for hit in sorted(hits, key=lambda h: h.first):
        move = hit.pattern.owner.id
        if move not in seen:
            start, end = span(hit)
            seen[move] = MoveHit(move, text[start:end], start, end)
    return tuple(seen.values())
