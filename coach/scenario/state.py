"""Where a game stands, as one immutable value that round-trips through JSON.

A shell keeps the `State` between messages (the bot stores `state_to_json(state)` and resumes after
a restart with `state_from_json(text)`); the engine takes a state and returns the next one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from coach.checker import Finding, MoveHit, finding_from_dict, finding_to_dict
from coach.errors import CoachError

STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class MoodChange:
    """One reason the mood moved in a turn: a finding, a calming move, or the branch taken."""

    reason: str  # "risk" | "move" | "branch"
    what: str  # the category, the move, or the branch's target
    points: int  # + angrier, - calmer


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One counted turn: what the customer had said, what the learner answered, what it did."""

    number: int  # 1, 2, … (rejected replies and undone turns are not counted)
    node: str  # the node answered
    prompt: str  # the customer's line that was answered
    reply: str
    findings: tuple[Finding, ...]
    moves: tuple[MoveHit, ...]
    mood_before: int
    mood_after: int
    changes: tuple[MoodChange, ...]
    branch: int  # index of the branch taken in the node (-1: none matched, the customer repeats)
    goto: str  # the node or ending reached
    line: str  # what the customer said next (the closing line when an ending was reached)

    @property
    def moves_shown(self) -> frozenset[str]:
        return frozenset(hit.move for hit in self.moves)


@dataclass(frozen=True, slots=True)
class HintUse:
    turn: int  # the turn number the hint was for
    node: str


@dataclass(frozen=True, slots=True)
class State:
    scenario: str
    lang: str
    seed: int
    node: str  # the node waiting for an answer (after the end: the last node answered)
    line: str  # what the customer said last
    mood: int
    turns: tuple[TurnRecord, ...] = ()
    hints: tuple[HintUse, ...] = ()
    retries: int = 0
    ending: str | None = None  # set when an ending was reached
    gave_up: bool = False

    @property
    def over(self) -> bool:
        return self.ending is not None or self.gave_up

    @property
    def turn_number(self) -> int:
        """The number the next counted turn will get."""
        return len(self.turns) + 1

    def moves_so_far(self) -> frozenset[str]:
        return frozenset(m for t in self.turns for m in t.moves_shown)


# --- JSON -------------------------------------------------------------------------------------------


def state_to_json(state: State) -> str:
    """The whole state as a JSON text (UTF-8 safe, stable key order)."""
    return json.dumps(state_to_dict(state), ensure_ascii=False, sort_keys=True)


def state_from_json(text: str) -> State:
    """A state saved by `state_to_json`; a CoachError when the text is not one."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise CoachError(f"not a saved scenario state: {exc}") from None
    return state_from_dict(data)


def state_to_dict(state: State) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "scenario": state.scenario,
        "lang": state.lang,
        "seed": state.seed,
        "node": state.node,
        "line": state.line,
        "mood": state.mood,
        "turns": [_turn_to_dict(t) for t in state.turns],
        "hints": [{"turn": h.turn, "node": h.node} for h in state.hints],
        "retries": state.retries,
        "ending": state.ending,
        "gave_up": state.gave_up,
    }


def state_from_dict(data: Any) -> State:
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        version = data.get("version") if isinstance(data, dict) else None
        raise CoachError(f"not a saved scenario state of version {STATE_VERSION} (found version {version!r})")
    try:
        return State(
            scenario=str(data["scenario"]),
            lang=str(data["lang"]),
            seed=int(data["seed"]),
            node=str(data["node"]),
            line=str(data["line"]),
            mood=int(data["mood"]),
            turns=tuple(_turn_from_dict(t) for t in data["turns"]),
            hints=tuple(HintUse(int(h["turn"]), str(h["node"])) for h in data["hints"]),
            retries=int(data["retries"]),
            ending=data["ending"],
            gave_up=bool(data["gave_up"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CoachError(f"a saved scenario state is damaged ({type(exc).__name__}: {exc})") from None


def _turn_to_dict(turn: TurnRecord) -> dict[str, Any]:
    return {
        "number": turn.number,
        "node": turn.node,
        "prompt": turn.prompt,
        "reply": turn.reply,
        "findings": [finding_to_dict(f) for f in turn.findings],
        "moves": [{"move": m.move, "matched": m.matched, "start": m.start, "end": m.end} for m in turn.moves],
        "mood_before": turn.mood_before,
        "mood_after": turn.mood_after,
        "changes": [{"reason": c.reason, "what": c.what, "points": c.points} for c in turn.changes],
        "branch": turn.branch,
        "goto": turn.goto,
        "line": turn.line,
    }


def _turn_from_dict(data: dict[str, Any]) -> TurnRecord:
    return TurnRecord(
        number=int(data["number"]),
        node=str(data["node"]),
        prompt=str(data["prompt"]),
        reply=str(data["reply"]),
        findings=tuple(finding_from_dict(f) for f in data["findings"]),
        moves=tuple(MoveHit(str(m["move"]), str(m["matched"]), int(m["start"]), int(m["end"]))
                    for m in data["moves"]),
        mood_before=int(data["mood_before"]),
        mood_after=int(data["mood_after"]),
        changes=tuple(MoodChange(str(c["reason"]), str(c["what"]), int(c["points"])) for c in data["changes"]),
        branch=int(data["branch"]),
        goto=str(data["goto"]),
        line=str(data["line"]),
    )


