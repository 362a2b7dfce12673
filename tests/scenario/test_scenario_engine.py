"""The engine as a state machine: determinism, JSON round-trips, retry/hint/give-up, mood, limits, bad replies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coach.errors import CoachError
from coach.scenario.engine import ANSWERED, OVER, REJECTED, Engine
from coach.scenario.state import State, state_from_json, state_to_json

REPLIES = ["Calm down.", "I'm sorry about that.", "It will arrive by Friday."]


def play(engine: Engine, replies: list[str], seed: int = 0) -> State:
    state = engine.start(seed)
    for reply in replies:
        state = engine.turn(state, reply).state
    return state


def test_same_seed_and_replies_give_the_same_game(engine: Engine) -> None:
    first = play(engine, REPLIES, seed=11)
    second = play(engine, REPLIES, seed=11)
    assert first == second
    assert state_to_json(first) == state_to_json(second)


def test_the_seed_chooses_among_the_customer_s_variants(engine: Engine) -> None:
    openings = {engine.start(seed).line for seed in range(30)}
    assert openings == set(engine.scenario.nodes["start"].say)


def test_a_turn_returns_everything_a_shell_shows(engine: Engine) -> None:
    result = engine.turn(engine.start(0), "Calm down, I promise it's coming.")
    assert result.kind == ANSWERED and result.turn == 1
    assert [f.category for f in result.findings] == ["dismissive", "overpromise"]
    assert result.findings[0].matched == "Calm down"
    assert result.findings[0].rewrites, "each finding carries its rewrites"
    assert result.expected == ("apology",) and result.missed == ("apology",)
    # dismissive error +20, overpromise warning +12, branch +10, from 50
    assert (result.mood_before, result.mood_after) == (50, 92)
    assert [(c.reason, c.what, c.points) for c in result.mood_changes] == [
        ("risk", "dismissive", 20), ("risk", "overpromise", 12), ("branch", "angry", 10)]
    # 92 ≥ limits.mood 90: the branch went to a node, so the mood limit ends it
    assert result.ended and result.ending.id == "manager"
    # the branch's line, then the ending's closing line
    assert result.customer_line == "Don't tell me to calm down! Get me your manager."
    assert [(c.move, c.done) for c in result.checklist] == [("apology", False), ("timeframe", False),
                                                            ("next_step", False)]


def test_branch_say_replaces_the_target_line_and_moods_follow_the_formula(engine: Engine) -> None:
    result = engine.turn(engine.start(0), "Calm down.")
    assert result.customer_line == "Don't tell me to calm down!"
    assert result.state.node == "angry" and result.mood_after == 80  # 50 + 20 + 10
    result = engine.turn(result.state, "I'm sorry, I understand.")
    # apology -8, empathy -8 → 64; the branch's say replaces plan's own line
    assert result.mood_after == 64 and result.state.node == "plan"
    assert result.customer_line == "Fine. So when will it arrive?"
    assert [c.move for c in result.checklist if c.now] == ["apology"]


def test_a_repeated_move_calms_half_as_much_each_time(engine: Engine) -> None:
    state = engine.turn(engine.start(0), "Calm down.").state  # → angry, 80
    state = engine.turn(state, "I'm sorry.").state  # apology -8 → 72, plan
    result = engine.turn(state, "Sorry, it's not our fault.")  # apology again: -4; blame_shift +12
    assert {c.what: c.points for c in result.mood_changes} == {"blame_shift": 12, "apology": -4}


def test_one_risk_category_counts_once_per_reply_for_the_mood(engine: Engine) -> None:
    result = engine.turn(engine.start(0), "I promise, we guarantee it.")
    assert len(result.findings) == 2  # two overpromise findings …
    assert [c for c in result.mood_changes if c.reason == "risk"] == [
        result.mood_changes[0]] and result.mood_changes[0].points == 12  # … one mood rise


def test_the_default_branch_can_loop_back_with_its_own_line(engine: Engine) -> None:
    result = engine.turn(engine.start(0), "The parcel left the depot.")
    assert result.state.node == "start" and result.mood_after == 55
    assert result.customer_line == "Hello? Are you listening?"


def test_turn_conditions_and_the_turn_limit_end_the_game(engine: Engine) -> None:
    state = play(engine, ["I'm sorry.", "The parcel left the depot."])  # start → plan → plan
    assert state.node == "plan" and not state.over
    result = engine.turn(state, "The parcel left the depot.")  # turn 3: turn_at_least 3 → leaves
    assert result.ending.id == "leaves" and result.customer_line == "I've waited long enough. Goodbye."
    state = play(engine, ["The parcel left the depot."] * 4)  # start loops until limits.turns
    assert state.ending == "leaves" and len(state.turns) == 4


def test_json_round_trip_mid_scenario_resumes_identically(engine: Engine) -> None:
    state = engine.turn(engine.start(5), "Calm down.").state
    state = engine.hint(state).state
    state = engine.turn(state, "I'm sorry, I understand.").state
    restored = state_from_json(state_to_json(state))
    assert restored == state
    assert restored.turns[0].findings[0].rewrites == state.turns[0].findings[0].rewrites
    a = engine.turn(state, "It will arrive by Friday.")
    b = engine.turn(restored, "It will arrive by Friday.")
    assert a.state == b.state and a.customer_line == b.customer_line
    assert engine.report(a.state) == engine.report(b.state)


def test_damaged_or_foreign_states_are_refused_clearly(engine: Engine) -> None:
    with pytest.raises(CoachError, match="not a saved scenario state"):
        state_from_json("{not json")
    with pytest.raises(CoachError, match="version"):
        state_from_json('{"version": 99}')
    with pytest.raises(CoachError, match="damaged"):
        state_from_json('{"version": 1, "scenario": "parcel"}')
    state = engine.start(0)
    with pytest.raises(CoachError, match="has changed since this game started"):
        engine.turn(replace(state, node="gone"), "Hello")
    with pytest.raises(CoachError, match="not 'parcel'"):
        engine.turn(replace(state, scenario="angry-client"), "Hello")


def test_retry_undoes_the_last_turn(engine: Engine) -> None:
    start = engine.start(3)
    assert engine.retry(start).undone is None
    after = engine.turn(start, "Calm down.").state
    retried = engine.retry(after)
    assert retried.undone is not None and retried.undone.reply == "Calm down."
    assert (retried.state.node, retried.state.line, retried.state.mood, retried.state.turns) == (
        start.node, start.line, start.mood, ())
    assert retried.state.retries == 1
    # the undone turn leaves no trace in the score
    good = engine.turn(retried.state, "I'm sorry, it will arrive by Friday.")
    assert good.ended and engine.report(good.state).breakdown.risk_penalty == 0
    # an ending can be undone too
    reopened = engine.retry(good.state).state
    assert not reopened.over and reopened.node == "start"


def test_hint_costs_once_per_turn(engine: Engine) -> None:
    state = engine.start(0)
    hint = engine.hint(state)
    assert hint.text == "Apologise first." and hint.cost == 5 and not hint.repeated
    again = engine.hint(hint.state)
    assert again.cost == 0 and again.repeated and again.state == hint.state
    state = engine.turn(hint.state, "I'm sorry, it will arrive by Friday, and I'll call you back.").state
    report = engine.report(state)
    assert report.hints == 1 and report.breakdown.hint_penalty == 5 and report.score == 95
    assert engine.hint(state).text is None  # the game is over


def test_give_up_ends_the_game_without_a_pass(engine: Engine) -> None:
    state = engine.turn(engine.start(0), "I'm sorry.").state
    gave_up = engine.give_up(state)
    assert gave_up.over and gave_up.gave_up
    assert engine.give_up(gave_up) is gave_up
    assert engine.turn(gave_up, "Hello?").kind == OVER
    assert engine.retry(gave_up).undone is None
    report = engine.report(gave_up)
    assert report.outcome == "gave_up" and not report.passed


@pytest.mark.parametrize(("reply", "reason"), [
    ("", "empty"),
    ("   \n\t ", "empty"),
    ("😀😀😀", "no_words"),
    ("👍 !!! ??? 123", "no_words"),
    ("I'm sorry. " * 2000, "too_long"),
    ("Bonjour, je suis vraiment désolé pour le retard de votre colis.", "wrong_language"),
    ("Hej, det er jeg virkelig ked af, jeg ringer tilbage i morgen.", "wrong_language"),
    ("죄송합니다, 바로 확인해 드리겠습니다.", "wrong_language"),
])
def test_bad_replies_are_answered_clearly_and_do_not_count(engine: Engine, reply: str, reason: str) -> None:
    state = engine.turn(engine.start(0), "I'm sorry.").state
    result = engine.turn(state, reply)
    assert result.kind == REJECTED and result.rejection.reason == reason
    assert result.rejection.message and result.state is state
    assert result.turn == 0 and not result.findings and result.customer_line == state.line
    if reason == "wrong_language":
        assert result.rejection.detected


@pytest.mark.parametrize("reply", ["Sorry!", "ok", "I understand, Mr Hart.", "Noted, Sam, I'll check with Ines."])
def test_short_or_name_heavy_english_replies_are_accepted(engine: Engine, reply: str) -> None:
    assert engine.turn(engine.start(0), reply).kind == ANSWERED


def test_twenty_thousand_characters_are_rejected_quickly(engine: Engine) -> None:
    import time

    began = time.perf_counter()
    result = engine.turn(engine.start(0), "x" * 20_000)
    assert result.rejection.reason == "too_long" and result.rejection.length == 20_000
    assert time.perf_counter() - began < 0.5
