"""The scenario engine: a state machine that plays the customer.

Pure and deterministic: the same scenario, seed and replies give the same game. It never prints or
stores anything; each call takes a `State` and returns a value holding the next one.

    engine = Engine(scenario, checker)
    state = engine.start(seed=7)              # state.line: the customer's opening line
    result = engine.turn(state, "I'm so sorry …")
    result.kind                               # "answered" | "rejected" | "over"
    state = result.state
    engine.hint(state), engine.retry(state), engine.give_up(state), engine.report(state)

A turn: screen the reply → check it → mood (risks raise it by severity, calming moves lower it) →
the first branch whose conditions hold → its mood change → the next node or an ending (or a limit).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Protocol

from coach.checker import Finding, MoveHit, Report
from coach.errors import CoachError
from coach.scenario.model import MOOD_MAX, MOOD_MIN, RISK_MOOD, Ending, Node, Scenario
from coach.scenario.scoring import ChecklistProgress, FinalReport, checklist_progress, final_report
from coach.scenario.screen import Rejection, screen_reply
from coach.scenario.state import HintUse, MoodChange, State, TurnRecord

ANSWERED, REJECTED, OVER = "answered", "rejected", "over"


class ReplyChecker(Protocol):
    def check(self, text: str, lang: str | None = None) -> Report: ...


@dataclass(frozen=True, slots=True)
class TurnResult:
    """Everything a shell shows after one reply."""

    kind: str  # answered | rejected (nothing counted: see `rejection`) | over (the game had ended)
    state: State  # the state to keep (unchanged unless answered)
    reply: str
    turn: int = 0  # the counted turn's number (0 when not answered)
    rejection: Rejection | None = None
    findings: tuple[Finding, ...] = ()  # risky phrasing, each with its rewrites
    moves: tuple[MoveHit, ...] = ()  # good moves shown in this reply
    expected: tuple[str, ...] = ()  # the moves a good answer to this node shows …
    missed: tuple[str, ...] = ()  # … and those this reply did not
    checklist: tuple[ChecklistProgress, ...] = ()  # the whole checklist after this turn
    mood_before: int = 0
    mood_after: int = 0
    mood_changes: tuple[MoodChange, ...] = ()
    customer_line: str = ""  # what the customer says now (their closing line when it ended)
    ended: bool = False
    ending: Ending | None = None


@dataclass(frozen=True, slots=True)
class Retried:
    state: State
    undone: TurnRecord | None  # None: there was no turn to undo


@dataclass(frozen=True, slots=True)
class Hint:
    state: State
    text: str | None  # None when the game is over
    cost: int  # points this hint costs (0 when it was already bought for this turn)
    repeated: bool = False


@dataclass(frozen=True, slots=True)
class Engine:
    scenario: Scenario
    checker: ReplyChecker

    # --- the game ---------------------------------------------------------------------------------

    def start(self, seed: int = 0) -> State:
        """A new game; `state.line` is the customer's opening line."""
        s = self.scenario
        node = s.nodes[s.start]
        return State(s.id, s.lang, seed, node.id, _pick(node.say, seed, 0, node.id), s.persona.mood)

    def turn(self, state: State, reply: str) -> TurnResult:
        """Answer the customer. Rejected replies and replies after the end change nothing."""
        self._own(state)
        if state.over:
            return TurnResult(OVER, state, reply, ended=True, mood_before=state.mood, mood_after=state.mood,
                              ending=self.scenario.endings.get(state.ending or ""),
                              customer_line=state.line, checklist=checklist_progress(self.scenario, state))
        rejection = screen_reply(reply, self.scenario.lang)
        if rejection is not None:
            return TurnResult(REJECTED, state, reply, rejection=rejection, mood_before=state.mood,
                              mood_after=state.mood, customer_line=state.line,
                              checklist=checklist_progress(self.scenario, state))
        report = self.checker.check(reply, self.scenario.lang)
        return self._answer(state, reply, report)

    def retry(self, state: State) -> Retried:
        """Undo the last counted turn, so the learner can answer that line again."""
        self._own(state)
        if not state.turns or state.gave_up:
            return Retried(state, None)
        last = state.turns[-1]
        previous = replace(state, node=last.node, line=last.prompt, mood=last.mood_before,
                           turns=state.turns[:-1], retries=state.retries + 1, ending=None)
        return Retried(previous, last)

    def hint(self, state: State) -> Hint:
        """The current node's hint; the first hint for a turn costs `scenario.hint_cost` points."""
        self._own(state)
        if state.over:
            return Hint(state, None, 0)
        use = HintUse(state.turn_number, state.node)
        text = self.scenario.nodes[state.node].hint
        if use in state.hints:
            return Hint(state, text, 0, repeated=True)
        return Hint(replace(state, hints=(*state.hints, use)), text, self.scenario.hint_cost)

    def give_up(self, state: State) -> State:
        self._own(state)
        return state if state.over else replace(state, gave_up=True)

    def report(self, state: State) -> FinalReport:
        """The final report (also for an unfinished game, which scores as not passed)."""
        self._own(state)
        return final_report(self.scenario, state)

    # --- one turn ---------------------------------------------------------------------------------

    def _answer(self, state: State, reply: str, report: Report) -> TurnResult:
        s = self.scenario
        node = s.nodes[state.node]
        number = state.turn_number
        shown = report.moves_shown
        changes = self._reply_effect(state, report)
        mood = _clamp(state.mood + sum(c.points for c in changes))
        categories = frozenset(f.category for f in report.findings)
        index = next((i for i, b in enumerate(node.branches)
                      if b.when is None or b.when.holds(categories, shown, mood, number)), -1)
        goto, say = node.id, ()
        if index >= 0:
            branch = node.branches[index]
            goto, say = branch.goto, branch.say
            if branch.mood:
                changes = (*changes, MoodChange("branch", branch.goto, branch.mood))
                mood = _clamp(mood + branch.mood)
        ending_id = self._ending_after(goto, mood, number)
        ending = s.endings.get(ending_id) if ending_id else None
        line = self._line(state.seed, number, goto, say, ending)
        record = TurnRecord(number, node.id, state.line, reply, report.findings, report.moves, state.mood, mood,
                            changes, index, ending.id if ending else goto, line)
        new_state = replace(state, node=node.id if ending else goto, line=line, mood=mood,
                            turns=(*state.turns, record), ending=ending.id if ending else None)
        return TurnResult(
            ANSWERED, new_state, reply, turn=number, findings=report.findings, moves=report.moves,
            expected=node.expects, missed=tuple(m for m in node.expects if m not in shown),
            checklist=checklist_progress(s, new_state, shown), mood_before=state.mood, mood_after=mood,
            mood_changes=changes, customer_line=line, ended=ending is not None, ending=ending,
        )

    def _reply_effect(self, state: State, report: Report) -> tuple[MoodChange, ...]:
        """How the reply itself moves the mood: each risk category raises it, calming moves lower it.

        A category counts once per reply, at its most severe finding: "not my department, I only do
        sales" is one brush-off said twice, not two.
        """
        persona = self.scenario.persona
        worst: dict[str, int] = {}
        for f in report.findings:
            worst[f.category] = max(worst.get(f.category, 0), RISK_MOOD[f.severity])
        changes = [MoodChange("risk", category, _round(points * persona.escalates))
                   for category, points in worst.items()]
        earlier = [t.moves_shown for t in state.turns]
        for move in sorted(report.moves_shown):
            points = persona.soothing(move)
            if points:
                times = sum(1 for shown in earlier if move in shown)  # each repeat counts half as much
                changes.append(MoodChange("move", move, -_round(points * persona.calms / 2 ** times)))
        return tuple(c for c in changes if c.points)

    def _ending_after(self, goto: str, mood: int, number: int) -> str | None:
        limits = self.scenario.limits
        if goto in self.scenario.endings:
            return goto
        if limits.mood is not None and mood >= limits.mood:
            return limits.on_mood
        if number >= limits.turns:
            return limits.on_turns
        return None

    def _line(self, seed: int, number: int, goto: str, say: tuple[str, ...], ending: Ending | None) -> str:
        if ending is not None:
            closing = _pick(ending.say, seed, number, ending.id)
            return f"{_pick(say, seed, number, goto)} {closing}" if say else closing
        node: Node = self.scenario.nodes[goto]
        return _pick(say or node.say, seed, number, goto)

    def _own(self, state: State) -> None:
        """A state from another scenario, or from an older version of this one, is refused clearly."""
        s = self.scenario
        if (state.scenario, state.lang) != s.key:
            raise CoachError(f"this game is '{state.scenario}' ({state.lang}), not '{s.id}' ({s.lang})")
        if state.node not in s.nodes or (state.ending is not None and state.ending not in s.endings):
            raise CoachError(f"scenario '{s.id}' ({s.lang}) has changed since this game started "
                             f"(its step '{state.node}' is gone); start it again")


def _pick(variants: tuple[str, ...], seed: int, number: int, key: str) -> str:
    """One variant, chosen by the seed, the turn and the node: the same inputs always give the same line."""
    if len(variants) <= 1:
        return variants[0] if variants else ""
    return random.Random(f"{seed}:{number}:{key}").choice(variants)


def _round(value: float) -> int:
    """Round half away from zero (so +2.5 → 3 and −2.5 → −3), unlike round()'s half-to-even."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def _clamp(mood: int) -> int:
    return max(MOOD_MIN, min(MOOD_MAX, mood))
