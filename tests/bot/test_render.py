"""Rendering: marked snippets, long messages split safely, the mood meter, the draft rewritten to copy."""

from __future__ import annotations

from pathlib import Path

from coach.bot import render
from coach.bot.drafts import rewrite_draft, sentence_span
from coach.checker import Checker

DATA = Path(__file__).parent / "data"


def test_snippet_marks_the_flagged_words_in_their_context() -> None:
    source = "Thanks for waiting. Honestly, I promise <it> will arrive on Friday morning at the latest."
    start = source.index("I promise")
    assert render.snippet(source, start, start + 9, width=12) == \
        "…Honestly, <b><u>I promise</u></b> &lt;it&gt; will…"
    assert render.snippet("calm down", 0, 9) == "<b><u>calm down</u></b>"


def test_split_message_keeps_every_part_within_telegrams_limit() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(200)]
    parts = render.split_message("\n".join(lines))
    assert len(parts) > 1 and all(len(p) <= render.LIMIT for p in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert all(len(p) <= render.LIMIT for p in render.split_message("y" * 9000))


def test_two_cards_share_a_message_when_they_fit_and_are_never_cut_inside_otherwise() -> None:
    feedback, final = "✅ feedback\nmood", "🏁 final\nscore"
    assert render.joined(feedback, final) == [f"{feedback}\n\n{final}"]
    assert render.joined("", final) == [final]
    long_final = "\n".join(["🏁 final"] + ["model answer " + "x" * 80] * 42)  # fits alone, not with the feedback
    assert len(long_final) < render.LIMIT < len(feedback) + 201 + len(long_final) + 2
    assert render.joined(feedback + "\n" + "y" * 200, long_final) == [feedback + "\n" + "y" * 200, long_final]


def test_copyable_blocks_are_escaped_and_fit_even_when_escaping_grows_the_text() -> None:
    blocks = render.copyable("<&>" * 3000)
    assert len(blocks) >= 3 and all(len(b) <= render.LIMIT for b in blocks)
    assert all(b.startswith("<pre>") and b.endswith("</pre>") for b in blocks)
    assert "".join(b[5:-6] for b in blocks).count("&amp;") == 3000


def test_the_mood_meter() -> None:
    assert render.mood_meter("en", 0) == "😌 ▱▱▱▱▱ calm"
    assert render.mood_meter("en", 55) == "😐 ▰▰▰▱▱ impatient"
    assert render.mood_meter("ko", 100) == "😡 ▰▰▰▰▰ 매우 화남"


def test_a_draft_is_rewritten_sentence_by_sentence() -> None:
    checker = Checker.from_paths([DATA / "phrasebooks"])
    draft = "Hello Sam.\nThat's not my job. Thanks for waiting! We'll see."
    report = checker.check(draft, "en")
    fixed, count = rewrite_draft(draft, report.findings)
    assert count == 2
    assert fixed == ("Hello Sam.\nThat's handled by our billing team; I'll put you through to Sara, who will help "
                     "you. Thanks for waiting! I'll update you by 4 pm today.")
    assert sentence_span("One. Two three! Four", 6, 9) == (5, 15)



def test_long_scenario_ids_get_short_button_data_and_next_follows_them() -> None:
    long_id = "a-very-long-scenario-identifier-that-does-not-fit-into-telegrams-64-bytes"
    token = render.scenario_token(long_id, "en")
    assert token.startswith("sc#") and len(token) <= 64
    markup = render.final_keyboard("en", long_id, "en").to_dict()["inline_keyboard"][0]
    assert [b["callback_data"] for b in markup] == [token, "nx" + token[2:]]
    assert render.final_keyboard("en", "x", "en").to_dict()["inline_keyboard"][0][1]["callback_data"] == "nx:en:x"
