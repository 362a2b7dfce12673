from __future__ import annotations

from coach.checker import Checker
from coach.rewrite import apply_safe_rewrites, unified_diff


def test_only_safe_rewrites_are_applied_keeping_the_capital(basic_checker: Checker) -> None:
    text = "Obviously it needs a charger. Calm down, it obviously works."
    fixed, applied = apply_safe_rewrites(text, basic_checker.check(text, "en").findings)
    assert fixed == "Of course it needs a charger. Calm down, it of course works."
    assert applied == 2
    assert "+Of course" in unified_diff(text, fixed, "draft.txt")
