"""Property tests: any Unicode text, any language setting — no crash, every span exact."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.checker import Checker
from coach.language import LANGUAGES

PIECES = st.sampled_from([
    "I promise", "calm down", "약속드립니다", "진정하세요", "janji", "tenang", "vi lover", "slap af",
    "söz veriyorum", "İPTAL", "वादा करता हूँ", "शांत", "\n\n> ", "-- \n", "No,", "?", "e\u0301", "\u200d",
])
TEXTS = st.lists(st.one_of(st.text(max_size=40), PIECES), max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, lang=st.sampled_from([None, *LANGUAGES]))
def test_any_text_any_language(shipped_checker: Checker, text: str, lang: str | None) -> None:
    report = shipped_checker.check(text, lang)
    for finding in report.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.matched
        assert text.count("\n", 0, finding.start) + 1 == finding.line
    for move in report.moves:
        assert text[move.start : move.end] == move.matched
