"""The transcript file format: blank-line-separated replies, a header of expectations, commands."""

from __future__ import annotations

import pytest

from coach.errors import CoachError
from coach.scenario.transcript import parse_transcript

TEXT = """# A comment that is not a header.
# scenario: angry-client
# lang: en
# seed: 7
# expect-outcome: good
# expect-ending: resolved
# expect-score: 80–100
# expect-passed: yes

First reply,
on two lines.


/hint

\\#1 priority for us.
# a comment between replies
/retry
"""


def test_a_transcript_with_every_header() -> None:
    t = parse_transcript(TEXT, "t.txt")
    assert t.replies == ("First reply,\non two lines.", "/hint", "#1 priority for us.\n/retry")
    assert (t.scenario, t.lang, t.seed) == ("angry-client", "en", 7)
    assert (t.expect_outcome, t.expect_ending, t.expect_score, t.expect_passed) == ("good", "resolved", (80, 100), True)
    assert t.has_expectations


def test_headers_are_optional_and_a_single_score_is_a_range() -> None:
    t = parse_transcript("# expect-score: 42\nHello\n\nBye")
    assert t.replies == ("Hello", "Bye") and t.expect_score == (42, 42) and t.scenario is None
    assert not parse_transcript("Hello").has_expectations


@pytest.mark.parametrize(("header", "message"), [
    ("# expect-outcome: great", "expect-outcome must be one of good, bad, gave_up, unfinished"),
    ("# expect-score: 90-80", "lower bound first"),
    ("# expect-score: 0-101", "within 0-100"),
    ("# expect-passed: maybe", "expect-passed is yes or no"),
    ("# seed: -1", "seed must be a whole number"),
    ("# expect-endin: resolved", "unknown header 'expect-endin' (did you mean 'expect-ending'?)"),
])
def test_header_mistakes_are_clear(header: str, message: str) -> None:
    with pytest.raises(CoachError) as caught:
        parse_transcript(f"{header}\n\nHello", "t.txt")
    assert str(caught.value).startswith("t.txt") and message in str(caught.value)
