"""Linting phrasebooks: schema problems, patterns that never match, and every example run as a test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.checker import Checker
from coach.errors import Problem
from coach.phrasebook.compiled import CompiledPhrasebook
from coach.phrasebook.loader import load_phrasebooks
from coach.phrasebook.model import Move, Rule


@dataclass(frozen=True, slots=True)
class LintResult:
    problems: tuple[Problem, ...]
    files: int
    rules: int
    moves: int
    examples: int

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def lint_phrasebooks(paths: Sequence[Path]) -> LintResult:
    """Everything wrong with the phrasebooks under `paths`, each problem at its file:line:col."""
    library = load_phrasebooks(list(paths))
    problems = list(library.problems)
    checker = Checker(library)
    rules = moves = examples = 0
    for lang, book in library.books.items():
        compiled = checker.compiled(lang)
        problems.extend(compiled.problems)
        rules += len(book.rules)
        moves += len(book.moves)
        for rule in book.rules:
            examples += _lint_rule(checker, compiled, rule, problems)
        for move in book.moves:
            examples += _lint_move(checker, compiled, move, problems)
    return LintResult(tuple(problems), len(library.files), rules, moves, examples)


def _at(owner: Rule | Move, message: str, severity: str = "error") -> Problem:
    return Problem(owner.source.path, owner.source.line, owner.source.column, f"{owner.id}: {message}", severity)


def _lint_rule(checker: Checker, compiled: CompiledPhrasebook, rule: Rule, problems: list[Problem]) -> int:
    matched_patterns: set[str] = set()
    for text in rule.flag_examples:
        report = checker.check(text, rule.lang)
        if not any(f.rule == rule.id for f in report.findings):
            flagged = ", ".join(sorted({f.rule for f in report.findings})) or "nothing"
            problems.append(_at(rule, f"flag example is not flagged by this rule (flagged: {flagged}): {text!r}"))
        matched_patterns |= _patterns_matching(checker, compiled, rule, text)
    for text in rule.pass_examples:
        report = checker.check(text, rule.lang)
        for finding in report.findings:
            problems.append(_at(rule, f"pass example is flagged by {finding.rule} at "
                                f"{finding.matched!r}: {text!r}"))
    for rewrite in rule.rewrites:
        report = checker.check(rewrite.text, rule.lang)
        for finding in report.findings:
            problems.append(_at(rule, f"rewrite is itself flagged by {finding.rule} at "
                                f"{finding.matched!r}: {rewrite.text!r}"))
    for pattern in rule.patterns:
        if pattern.text not in matched_patterns and compiled_has(compiled, rule, pattern.text):
            problems.append(Problem(pattern.source.path, pattern.source.line, pattern.source.column,
                                    f"{rule.id}: pattern '{pattern.text}' matches none of the flag examples; "
                                    "add an example that shows it (or it may never match)", "warning"))
    return len(rule.flag_examples) + len(rule.pass_examples) + len(rule.rewrites)


def _lint_move(checker: Checker, compiled: CompiledPhrasebook, move: Move, problems: list[Problem]) -> int:
    for text in move.show_examples:
        if move.id not in checker.check(text, move.lang).moves_shown:
            problems.append(_at(move, f"show example does not show the move: {text!r}"))
    for text in move.miss_examples:
        if move.id in checker.check(text, move.lang).moves_shown:
            problems.append(_at(move, f"miss example shows the move: {text!r}"))
    return len(move.show_examples) + len(move.miss_examples)


def compiled_has(compiled: CompiledPhrasebook, owner: Rule | Move, text: str) -> bool:
    # by id, not identity: a compiled phrasebook read back from the cache holds copies of the rules
    return any(p.owner.id == owner.id and p.source.text == text for p in compiled.patterns)


def _patterns_matching(checker: Checker, compiled: CompiledPhrasebook, rule: Rule, text: str) -> set[str]:
    """Which of the rule's patterns match the text at all (before context), to find dead patterns."""
    from coach.language.normalize import nfc
    from coach.language.pipeline import analyse

    analysis = analyse(nfc(text).text, rule.lang)
    return {h.pattern.source.text for h in compiled.find(analysis).hits if h.pattern.owner.id == rule.id}
