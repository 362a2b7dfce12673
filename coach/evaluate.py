"""Precision and recall of the checker on labelled replies (tests/data/accuracy/<lang>.yaml)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coach.checker import Checker
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
    doc = load_yaml(path)
    if doc.problems:
        raise CoachError(f"{path}: cannot load", tuple(doc.problems))
    data = doc.data or {}
    replies = [Labelled(str(r["text"]), frozenset(r.get("expect") or ())) for r in data.get("replies", [])]
    return str(data.get("lang", path.stem)), replies


def evaluate(checker: Checker, lang: str, replies: Iterable[Labelled]) -> Evaluation:
    """Score category detection reply by reply: a category flagged and expected is a true positive."""
    replies = list(replies)
    result = Evaluation(lang, len(replies), sum(1 for r in replies if not r.expect))
    for reply in replies:
        report = checker.check(reply.text, lang)
        found = {f.category for f in report.findings}
        for category in found | reply.expect:
            score = result.by_category.setdefault(category, Score())
            if category in found and category in reply.expect:
                score.tp += 1
                result.overall.tp += 1
            elif category in found:
                score.fp += 1
                result.overall.fp += 1
                matched = ", ".join(f'"{f.matched}" ({f.rule})' for f in report.findings if f.category == category)
                result.mistakes.append(f"false positive {category}: {matched} in {reply.text!r}")
            else:
                score.fn += 1
                result.overall.fn += 1
                result.mistakes.append(f"missed {category}: {reply.text!r}")
    return result
