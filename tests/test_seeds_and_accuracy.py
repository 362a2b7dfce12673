"""The source articles' phrases are covered, and accuracy on the labelled replies (risks and moves) meets the target."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coach.checker import Checker
from coach.evaluate import evaluate, load_labelled, moves
from coach.language import LANGUAGES
from coach.phrasebook.model import MOVES
from coach.yamlfile import load_yaml

DATA = Path(__file__).parent / "data"
TARGET = 0.90


def _seed_cases() -> list:
    cases = []
    for path in sorted((DATA / "seeds").glob("*.yaml")):
        data = load_yaml(path).data or {}
        lang = data.get("lang", path.stem)
        for i, item in enumerate(data.get("avoid", [])):
            cases.append(pytest.param(lang, item["text"], item["category"], id=f"{lang}/avoid{i}"))
        for i, text in enumerate(data.get("good", [])):
            cases.append(pytest.param(lang, text, None, id=f"{lang}/good{i}"))
    return cases


@pytest.mark.parametrize(("lang", "text", "category"), _seed_cases())
def test_seed_phrase(shipped_checker: Checker, lang: str, text: str, category: str | None) -> None:
    found = [(f.category, f.matched) for f in shipped_checker.check(text, lang).findings]
    if category is None:
        assert found == []
    else:
        assert category in [c for c, _ in found], found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labelled_set_is_large_and_hard_enough(lang: str) -> None:
    _, replies = load_labelled(DATA / "accuracy" / f"{lang}.yaml")
    assert len(replies) >= 40
    assert sum(1 for r in replies if not r.expect) >= len(replies) / 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_precision_and_recall(shipped_checker: Checker, lang: str) -> None:
    _, replies = load_labelled(DATA / "accuracy" / f"{lang}.yaml")
    result = evaluate(shipped_checker, lang, replies)
    assert result.overall.precision >= TARGET, result.mistakes
    assert result.overall.recall >= TARGET, result.mistakes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_move_set_is_large_and_covers_every_move(lang: str) -> None:
    _, replies = load_labelled(DATA / "moves" / f"{lang}.yaml")
    assert len(replies) >= 50
    assert sum(1 for r in replies if not r.expect) >= 8
    labelled = Counter(move for r in replies for move in r.expect)
    assert set(labelled) == set(MOVES), set(MOVES) ^ set(labelled)
    assert min(labelled.values()) >= 4, labelled


@pytest.mark.parametrize("lang", LANGUAGES)
def test_move_precision_and_recall(shipped_checker: Checker, lang: str) -> None:
    _, replies = load_labelled(DATA / "moves" / f"{lang}.yaml")
    result = evaluate(shipped_checker, lang, replies, moves)
    assert result.overall.precision >= TARGET, result.mistakes
    assert result.overall.recall >= TARGET, result.mistakes
