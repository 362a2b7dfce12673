"""Scoring a game: the 0–100 score, pass/fail, and what to learn from the run.

    score = 45 × checklist coverage          (weight of checklist moves shown ÷ total weight)
          + 35 if the game reached a good ending
          + 20 for conduct
          − risk penalties                   (per finding: error 10, warning 5, suggestion 2)
          − hint_cost per hint               (5 unless the scenario says otherwise)
    rounded half up, then clamped to 0…100; passed = finished, not given up, score ≥ pass_score.

Only counted turns score: rejected replies and turns undone with retry leave no trace. docs/scenarios.md
explains the formula to trainers with worked examples; change it there and here together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from coach.phrasebook.model import severity_rank
from coach.scenario.model import Ending, Scenario
from coach.scenario.state import State

COVERAGE_POINTS = 45
OUTCOME_POINTS = 35
CONDUCT_POINTS = 20
RISK_PENALTY = {"error": 10, "warning": 5, "suggestion": 2}
TOP_REWRITES = 3

GOOD, BAD, GAVE_UP, UNFINISHED = "good", "bad", "gave_up", "unfinished"


@dataclass(frozen=True, slots=True)
class ChecklistProgress:
    move: str
    weight: int
    done: bool  # shown in some counted turn so far
    now: bool = False  # shown in the turn just played


@dataclass(frozen=True, slots=True)
class Penalty:
    turn: int
    rule: str
    category: str
    severity: str
    matched: str
    points: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A rewrite worth learning: the phrase the learner used and what to say instead."""

    turn: int
    rule: str
    category: str
    severity: str
    matched: str
    message: str
    rewrite: str
    times: int  # how often the rule fired in the run


@dataclass(frozen=True, slots=True)
class MissedTurn:
    """A turn that went wrong, with the scenario's model answer to compare against."""

    turn: int
    node: str
    prompt: str  # what the customer said
    reply: str  # what the learner answered
    model_answer: str
    flagged: tuple[str, ...]  # categories found in the reply
    missed_moves: tuple[str, ...]  # moves the node expects that the reply did not show


@dataclass(frozen=True, slots=True)
class Score:
    coverage: float  # 0…1
    coverage_points: float
    outcome_points: int
    conduct_points: int
    risk_penalty: int
    hint_penalty: int
    total: int


@dataclass(frozen=True, slots=True)
class FinalReport:
    scenario: str
    lang: str
    title: str
    outcome: str  # good | bad | gave_up | unfinished
    ending: Ending | None
    score: int
    pass_score: int
    passed: bool
    breakdown: Score
    checklist: tuple[ChecklistProgress, ...]
    penalties: tuple[Penalty, ...]
    rewrites: tuple[Suggestion, ...]  # at most three, the most useful first
    missed: tuple[MissedTurn, ...]
    turns: int
    hints: int
    retries: int
    mood_start: int
    mood_end: int


def checklist_progress(scenario: Scenario, state: State, now: frozenset[str] = frozenset()) -> tuple[
        ChecklistProgress, ...]:
    shown = state.moves_so_far()
    return tuple(ChecklistProgress(item.move, item.weight, item.move in shown, item.move in now)
                 for item in scenario.checklist)


def outcome_of(scenario: Scenario, state: State) -> str:
    if state.gave_up:
        return GAVE_UP
    if state.ending is None:
        return UNFINISHED
    return GOOD if scenario.endings[state.ending].good else BAD


def score(scenario: Scenario, state: State) -> Score:
    shown = state.moves_so_far()
    total_weight = scenario.checklist_weight
    covered = sum(item.weight for item in scenario.checklist if item.move in shown)
    coverage = covered / total_weight if total_weight else 1.0
    coverage_points = COVERAGE_POINTS * coverage
    outcome_points = OUTCOME_POINTS if outcome_of(scenario, state) == GOOD else 0
    risk = sum(RISK_PENALTY[f.severity] for t in state.turns for f in t.findings)
    hints = scenario.hint_cost * len(state.hints)
    raw = coverage_points + outcome_points + CONDUCT_POINTS - risk - hints
    total = max(0, min(100, int(raw + 0.5) if raw >= 0 else 0))
    return Score(coverage, coverage_points, outcome_points, CONDUCT_POINTS, risk, hints, total)


def final_report(scenario: Scenario, state: State) -> FinalReport:
    outcome = outcome_of(scenario, state)
    result = score(scenario, state)
    penalties = tuple(Penalty(t.number, f.rule, f.category, f.severity, f.matched, RISK_PENALTY[f.severity])
                      for t in state.turns for f in t.findings)
    return FinalReport(
        scenario=scenario.id, lang=scenario.lang, title=scenario.title, outcome=outcome,
        ending=scenario.endings.get(state.ending) if state.ending else None,
        score=result.total, pass_score=scenario.pass_score,
        passed=outcome in (GOOD, BAD) and result.total >= scenario.pass_score,
        breakdown=result, checklist=checklist_progress(scenario, state), penalties=penalties,
        rewrites=best_rewrites(state), missed=missed_turns(scenario, state), turns=len(state.turns),
        hints=len(state.hints), retries=state.retries, mood_start=scenario.persona.mood, mood_end=state.mood,
    )


def best_rewrites(state: State, limit: int = TOP_REWRITES) -> tuple[Suggestion, ...]:
    """The most useful rewrites of the run: most severe first, then the rules that fired most, one per rule."""
    found = [(t.number, f) for t in state.turns for f in t.findings if f.rewrites]
    times = Counter(f.rule for _, f in found)
    ranked = sorted(found, key=lambda tf: (severity_rank(tf[1].severity), -times[tf[1].rule], tf[0], tf[1].start))
    chosen: list[Suggestion] = []
    for number, f in ranked:
        if any(s.rule == f.rule for s in chosen):
            continue
        chosen.append(Suggestion(number, f.rule, f.category, f.severity, f.matched, f.message,
                                 f.rewrites[0].text, times[f.rule]))
        if len(chosen) == limit:
            break
    return tuple(chosen)


def missed_turns(scenario: Scenario, state: State) -> tuple[MissedTurn, ...]:
    """Turns with risky phrasing or without the moves their node expects, with the model answers."""
    missed = []
    for t in state.turns:
        node = scenario.nodes.get(t.node)
        if node is None:
            continue
        flagged = tuple(dict.fromkeys(f.category for f in t.findings))
        missing = tuple(m for m in node.expects if m not in t.moves_shown)
        if flagged or missing:
            missed.append(MissedTurn(t.number, t.node, t.prompt, t.reply, node.model_answer, flagged, missing))
    return tuple(missed)
