"""Precision and recall of the checker on labelled replies: the risky categories it flags
(tests/data/accuracy/<lang>.yaml) and the good moves it sees (tests/data/moves/<lang>.yaml)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coach.checker import Checker, Report
from coach.errors import CoachError
from coach.yamlfile import load_yaml


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    expect: frozenset[str]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    lang: str
    replies: int
    clean: int
    overall: Score = field(default_factory=Score)
    by_category: dict[str, Score] = field(default_factory=dict)
    mistakes: list[str] = field(default_factory=list)


def load_labelled(path: Path) -> tuple[str, list[Labelled]]:
    """The replies of a labelled file, each with what it must show: `expect` (categories) or `moves`."""
    doc = load_yaml(path)
    if doc.problems:
        raise CoachError(f"{path}: cannot load", tuple(doc.problems))
    data = doc.data or {}
    replies = [Labelled(str(r["text"]), frozenset(r.get("expect", r.get("moves")) or ()))
               for r in data.get("replies", [])]
    return str(data.get("lang", path.stem)), replies


def categories(report: Report) -> dict[str, str]:
    """The categories a report flags, each with what was matched (for the list of mistakes)."""
    found: dict[str, list[str]] = {}
    for f in report.findings:
        found.setdefault(f.category, []).append(f'"{f.matched}" ({f.rule})')
    return {category: ", ".join(matched) for category, matched in found.items()}


def moves(report: Report) -> dict[str, str]:
    """The moves a report sees, each with what was matched."""
    return {m.move: f'"{m.matched}"' for m in report.moves}


def evaluate(checker: Checker, lang: str, replies: Iterable[Labelled],
             detected: Callable[[Report], dict[str, str]] = categories) -> Evaluation:
    """Score detection reply by reply: a label detected and expected is a true positive."""
    replies = list(replies)
    result = Evaluation(lang, len(replies), sum(1 for r in replies if not r.expect))
    for reply in replies:
        found = detected(checker.check(reply.text, lang))
        for category in found.keys() | reply.expect:
            score = result.by_category.setdefault(category, Score())
            if category in found and category in reply.expect:
                score.tp += 1
                result.overall.tp += 1
            elif category in found:
                score.fp += 1
                result.overall.fp += 1
                result.mistakes.append(f"false positive {category}: {found[category]} in {reply.text!r}")
            else:
                score.fn += 1
                result.overall.fn += 1
                result.mistakes.append(f"missed {category}: {reply.text!r}")
    return result
