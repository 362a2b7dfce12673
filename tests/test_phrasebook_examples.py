"""Every example in the shipped phrasebooks is a test: flag examples flag their rule, pass examples
flag nothing, rewrites are clean, and moves are shown (or not) as their examples say."""

from __future__ import annotations

import pytest

from coach.checker import Checker
from coach.language import LANGUAGES
from coach.paths import shipped
from coach.phrasebook.loader import load_phrasebooks
from coach.phrasebook.model import CATEGORIES, MOVES

LIBRARY = load_phrasebooks([shipped("phrasebooks")])
MIN_RULES = {"en": 60}


def _cases(kind: str) -> list:
    cases = []
    for lang, book in sorted(LIBRARY.books.items()):
        for rule in book.rules:
            texts = {"flag": rule.flag_examples, "pass": rule.pass_examples,
                     "rewrite": tuple(r.text for r in rule.rewrites)}[kind]
            cases += [pytest.param(lang, rule.id, t, id=f"{lang}/{rule.id}/{kind}{i}") for i, t in enumerate(texts)]
    return cases


def _move_cases(kind: str) -> list:
    cases = []
    for lang, book in sorted(LIBRARY.books.items()):
        for move in book.moves:
            texts = move.show_examples if kind == "show" else move.miss_examples
            cases += [pytest.param(lang, move.id, t, id=f"{lang}/{move.id}/{kind}{i}") for i, t in enumerate(texts)]
    return cases


def test_the_shipped_phrasebooks_load_without_problems() -> None:
    assert [str(p) for p in LIBRARY.errors] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_category_and_move(lang: str) -> None:
    book = LIBRARY.books.get(lang)
    assert book is not None, f"no phrasebook for {lang}"
    assert len(book.rules) >= MIN_RULES.get(lang, 40)
    per_category = {c: sum(1 for r in book.rules if r.category == c) for c in CATEGORIES}
    assert {c: n for c, n in per_category.items() if n < 2} == {}
    assert {m.id for m in book.moves} == set(MOVES)


@pytest.mark.parametrize(("lang", "rule_id", "text"), _cases("flag"))
def test_flag_example(shipped_checker: Checker, lang: str, rule_id: str, text: str) -> None:
    assert rule_id in [f.rule for f in shipped_checker.check(text, lang).findings]


@pytest.mark.parametrize(("lang", "rule_id", "text"), _cases("pass") + _cases("rewrite"))
def test_pass_example_and_rewrite_flag_nothing(shipped_checker: Checker, lang: str, rule_id: str, text: str) -> None:
    assert [(f.rule, f.matched) for f in shipped_checker.check(text, lang).findings] == []


@pytest.mark.parametrize(("lang", "move", "text"), _move_cases("show"))
def test_move_shown(shipped_checker: Checker, lang: str, move: str, text: str) -> None:
    assert move in shipped_checker.check(text, lang).moves_shown


@pytest.mark.parametrize(("lang", "move", "text"), _move_cases("miss"))
def test_move_not_shown(shipped_checker: Checker, lang: str, move: str, text: str) -> None:
    assert move not in shipped_checker.check(text, lang).moves_shown
