"""The rewrite shown first is the one that fits the draft: it shares the draft's rarest words."""

from __future__ import annotations

import pytest

from coach.checker import Checker
from coach.phrasebook.model import Rewrite
from coach.phrasebook.relevance import Profile, ranked

GENERAL, REFUND = Rewrite("I'm sorry I can't change that; here is what I can do instead."), \
    Rewrite("We can't refund sale items, but store credit is yours today.")
WEIGHTS = {"sorry": (1.5, 0.0), "change": (2.0, 0.0), "can": (0.2, 0.2), "refund": (0.0, 3.0), "sale": (0.0, 3.0)}


def test_the_rewrite_sharing_rare_words_comes_first_and_ties_keep_the_authors_order() -> None:
    rewrites = (GENERAL, REFUND)
    profile = Profile(frozenset(WEIGHTS), WEIGHTS)
    assert ranked(rewrites, profile, frozenset({"refund", "sale", "policy"})) == (REFUND, GENERAL)
    assert ranked(rewrites, profile, frozenset({"policy", "can"})) == rewrites  # common words decide nothing
    assert ranked(rewrites, profile, frozenset()) == rewrites
    assert ranked(rewrites, None, frozenset({"refund"})) == rewrites


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("en", "Sale items can't be refunded, that's our policy.", "Sale items can't be refunded"),
    ("en", "Your return is 35 days old. That's our policy, the returns window is 30 days.",
     "Our returns window is 30 days"),
    ("ko", "현금 환불은 정책상 안 됩니다.", "현금 환불은"),
    ("ko", "교환은 정책상 안 됩니다. 오늘 처리하기 어렵습니다.", "이 부분은 바로 처리해 드리기"),
])
def test_shipped_policy_rewrites_follow_the_draft(shipped_checker: Checker, lang: str, text: str,
                                                  expected: str) -> None:
    [finding] = [f for f in shipped_checker.check(text, lang).findings if f.category == "policy_wall"]
    assert finding.rewrites[0].text.startswith(expected)
    rule = next(r for r in shipped_checker.library.books[lang].rules if r.id == finding.rule)
    assert sorted(finding.rewrites, key=str) == sorted(rule.rewrites, key=str)  # reordered, none lost
