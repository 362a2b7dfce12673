"""The scoring formula of docs/scenarios.md, on hand-built states (the engine plays no part here)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coach.checker import Finding, MoveHit
from coach.phrasebook.model import Rewrite
from coach.scenario.model import Scenario
from coach.scenario.scoring import best_rewrites, final_report, missed_turns, score
from coach.scenario.state import HintUse, State, TurnRecord


def finding(rule: str, severity: str = "warning", start: int = 0) -> Finding:
    category = rule.split(".")[0]
    return Finding(rule, category, severity, f"{rule} hurts.", "words", start, start + 5, 1, start + 1,
                   (Rewrite(f"Better than {rule}."),))


def turn(number: int, node: str = "start", moves: tuple[str, ...] = (),
         findings: tuple[Finding, ...] = ()) -> TurnRecord:
    hits = tuple(MoveHit(m, m, 0, 1) for m in moves)
    return TurnRecord(number, node, "line", f"reply {number}", findings, hits, 50, 50, (), 0, "start", "next")


def state(*turns: TurnRecord, ending: str | None = "resolved", hints: int = 0, gave_up: bool = False) -> State:
    return State("parcel", "en", 0, "start", "line", 50, turns,
                 tuple(HintUse(i + 1, "start") for i in range(hints)), 0, ending, gave_up)


# parcel's checklist: apology 2, timeframe 2, next_step 1 (total 5); pass_score 70; hint_cost 5


def test_a_perfect_run_scores_100(parcel: Scenario) -> None:
    result = score(parcel, state(turn(1, moves=("apology", "timeframe", "next_step"))))
    assert (result.coverage, result.coverage_points, result.outcome_points, result.total) == (1.0, 45.0, 35, 100)


def test_coverage_is_weighted_and_counted_across_turns(parcel: Scenario) -> None:
    run = state(turn(1, moves=("apology",)), turn(2, moves=("next_step", "greeting")))
    result = score(parcel, run)
    assert result.coverage == pytest.approx(3 / 5)
    assert result.total == 82  # 27 + 35 + 20


def test_risk_penalties_count_every_finding_by_severity(parcel: Scenario) -> None:
    findings = (finding("dismissive.a", "error"), finding("overpromise.b", "warning", 10),
                finding("vague_wait.c", "suggestion", 20))
    result = score(parcel, state(turn(1, moves=("apology", "timeframe", "next_step"), findings=findings)))
    assert result.risk_penalty == 17 and result.total == 83


def test_hints_cost_the_scenario_s_hint_cost(parcel: Scenario) -> None:
    run = state(turn(1, moves=("apology", "timeframe", "next_step")), hints=2)
    assert score(parcel, run).total == 90
    assert score(replace(parcel, hint_cost=12), run).total == 76


def test_rounding_is_half_up_and_the_total_stays_within_0_and_100(parcel: Scenario) -> None:
    halves = replace(parcel, checklist=tuple(replace(i, weight=1) for i in parcel.checklist[:2]))
    assert score(halves, state(turn(1, moves=("apology",)))).total == 78  # 45 × 1/2 = 22.5 + 55 = 77.5
    odd = replace(parcel, checklist=(*parcel.checklist[:1], replace(parcel.checklist[1], weight=1)))
    assert score(odd, state(turn(1, moves=("apology",)))).total == 85  # 45 × 2/3 = 30 + 55
    many = tuple(finding(f"rude.r{i}", "error", i * 10) for i in range(12))
    assert score(parcel, state(turn(1, findings=many), ending="manager")).total == 0


def test_outcome_points_only_for_a_good_ending(parcel: Scenario) -> None:
    moves = ("apology", "timeframe", "next_step")
    assert score(parcel, state(turn(1, moves=moves), ending="manager")).total == 65  # a bad ending caps at 65
    assert score(parcel, state(turn(1, moves=moves), ending=None)).outcome_points == 0
    assert score(parcel, state(turn(1, moves=moves), gave_up=True)).outcome_points == 0


@pytest.mark.parametrize(("ending", "gave_up", "moves", "passed"), [
    ("resolved", False, ("apology", "timeframe", "next_step"), True),
    ("resolved", False, ("next_step",), False),  # 9 + 35 + 20 = 64 < 70
    ("manager", False, ("apology", "timeframe", "next_step"), False),  # 65 < 70
    (None, False, ("apology", "timeframe", "next_step"), False),  # unfinished
    ("resolved", True, ("apology", "timeframe", "next_step"), False),  # gave up
])
def test_passing(parcel: Scenario, ending: str | None, gave_up: bool, moves: tuple[str, ...], passed: bool) -> None:
    assert final_report(parcel, state(turn(1, moves=moves), ending=ending, gave_up=gave_up)).passed is passed


def test_a_bad_ending_can_pass_a_low_pass_score(parcel: Scenario) -> None:
    report = final_report(replace(parcel, pass_score=60), state(turn(1, moves=("apology", "timeframe", "next_step")),
                                                                ending="manager"))
    assert report.outcome == "bad" and report.score == 65 and report.passed


def test_the_three_most_useful_rewrites(parcel: Scenario) -> None:
    run = state(
        turn(1, findings=(finding("vague_wait.soon", "suggestion"), finding("overpromise.promise", "warning", 9))),
        turn(2, findings=(finding("overpromise.promise", "warning"), finding("blame_shift.courier", "warning", 9))),
        turn(3, findings=(finding("rude.stupid", "error"), finding("overpromise.promise", "warning", 9))),
    )
    chosen = best_rewrites(run)
    # errors first; then the rule that fired most; then the earliest; one per rule; three at most
    assert [(s.rule, s.turn, s.times) for s in chosen] == [
        ("rude.stupid", 3, 1), ("overpromise.promise", 1, 3), ("blame_shift.courier", 2, 1)]
    assert chosen[0].rewrite == "Better than rude.stupid."


def test_model_answers_are_listed_for_the_turns_that_went_wrong(parcel: Scenario) -> None:
    run = state(turn(1, node="start", moves=("apology",)),  # fine: start expects apology
                turn(2, node="plan", moves=("next_step",)),  # plan expects timeframe
                turn(3, node="angry", moves=("apology",), findings=(finding("blame_shift.x"),)))
    missed = missed_turns(parcel, run)
    assert [(m.turn, m.node, m.flagged, m.missed_moves) for m in missed] == [
        (2, "plan", (), ("timeframe",)), (3, "angry", ("blame_shift",), ())]
    assert missed[0].model_answer == parcel.nodes["plan"].model_answer
    assert missed[0].reply == "reply 2"


def test_the_report_gathers_everything(parcel: Scenario) -> None:
    run = state(turn(1, moves=("apology",), findings=(finding("overpromise.p"),)), hints=1)
    report = final_report(parcel, run)
    assert report.scenario == "parcel" and report.outcome == "good" and report.ending.id == "resolved"
    assert report.turns == 1 and report.hints == 1 and report.mood_start == 50
    assert [p.points for p in report.penalties] == [5]
    assert [(c.move, c.done) for c in report.checklist] == [("apology", True), ("timeframe", False),
                                                            ("next_step", False)]
    assert report.score == 63  # 18 + 35 + 20 - 5 - 5
