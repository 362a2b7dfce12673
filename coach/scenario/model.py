"""The scenario model: a customer (persona), what they say (nodes), how they react (branches), endings.

Everything here is an immutable value built by `coach.scenario.loader` from YAML; the engine reads
it and never changes it. The numbers that shape how a customer reacts have documented defaults
(docs/scenarios.md) so a trainer writes only what differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from coach.phrasebook.model import Source

DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")

MOOD_MIN, MOOD_MAX = 0, 100  # 0 calm … 100 furious

# How many mood points a risk category found in a reply adds, by its most severe finding, before the
# persona's `escalates` factor.
RISK_MOOD: Mapping[str, int] = {"error": 20, "warning": 12, "suggestion": 4}

# How many mood points a move takes away the first time it is shown, before the persona's `calms`
# factor. Each later showing of the same move counts half as much as the one before.
SOOTHING_MOVES: Mapping[str, int] = {"apology": 8, "empathy": 8, "ownership": 6, "timeframe": 6}

RISK_ANY, RISK_NONE = "any", "none"  # `when: {risk: any}` / `when: {risk: none}`

# Words for a mood, for shells to show next to the number (the upper bound of each band is exclusive).
MOOD_BANDS: tuple[tuple[int, str], ...] = ((20, "calm"), (40, "uneasy"), (60, "annoyed"), (80, "upset"),
                                          (MOOD_MAX + 1, "furious"))

DEFAULT_TURNS = 8
DEFAULT_HINT_COST = 5


def mood_band(mood: int) -> str:
    """'calm', 'uneasy', 'annoyed', 'upset' or 'furious'."""
    return next(name for bound, name in MOOD_BANDS if mood < bound)


@dataclass(frozen=True, slots=True)
class Brief:
    """What the learner reads before starting."""

    situation: str
    facts: tuple[str, ...]  # what they know (order details, what they may offer …)
    goal: str  # what a good outcome looks like


@dataclass(frozen=True, slots=True)
class Persona:
    name: str
    about: str  # who they are, in a sentence or two
    mood: int  # the starting mood, 0 calm … 100 furious
    calms: float = 1.0  # how quickly good moves calm them (0.5 slowly, 2 quickly)
    escalates: float = 1.0  # how quickly risky phrasing angers them
    soothed_by: Mapping[str, int] = field(default_factory=lambda: dict(SOOTHING_MOVES))

    def soothing(self, move: str) -> int:
        """Mood points the move takes away the first time it is shown (before `calms`)."""
        return self.soothed_by.get(move, 0)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    move: str
    weight: int
    source: Source = field(default=Source("", 0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Condition:
    """When a branch applies: every field that is set must hold (fields left empty are ignored)."""

    risk: tuple[str, ...] = ()  # categories, or ("any",) / ("none",)
    moves: tuple[str, ...] = ()  # every one of them shown in the reply
    any_moves: tuple[str, ...] = ()  # at least one of them shown
    missing: tuple[str, ...] = ()  # none of them shown
    mood_above: int | None = None  # mood after the reply's own effect is > this
    mood_below: int | None = None  # … is < this
    turn_at_least: int | None = None  # this is turn N or later (turns count from 1)
    turn_at_most: int | None = None  # this is turn N or earlier

    def holds(self, categories: frozenset[str], moves: frozenset[str], mood: int, turn: int) -> bool:
        if self.risk:
            if self.risk == (RISK_ANY,):
                if not categories:
                    return False
            elif self.risk == (RISK_NONE,):
                if categories:
                    return False
            elif not categories.intersection(self.risk):
                return False
        if any(m not in moves for m in self.moves):
            return False
        if self.any_moves and not moves.intersection(self.any_moves):
            return False
        if moves.intersection(self.missing):
            return False
        if self.mood_above is not None and not mood > self.mood_above:
            return False
        if self.mood_below is not None and not mood < self.mood_below:
            return False
        if self.turn_at_least is not None and turn < self.turn_at_least:
            return False
        return not (self.turn_at_most is not None and turn > self.turn_at_most)


@dataclass(frozen=True, slots=True)
class Branch:
    goto: str  # a node id or an ending id
    when: Condition | None = None  # None: the default branch, always taken
    mood: int = 0  # mood change when this branch is taken (after the reply's own effect)
    say: tuple[str, ...] = ()  # what the customer says instead of the target's own line
    source: Source = field(default=Source("", 0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    say: tuple[str, ...]  # variants of what the customer says on arriving here
    model_answer: str
    hint: str
    branches: tuple[Branch, ...]
    expects: tuple[str, ...] = ()  # moves a good answer to this node shows
    source: Source = field(default=Source("", 0, 0), compare=False)
    answer_source: Source = field(default=Source("", 0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    title: str
    good: bool
    say: tuple[str, ...]  # the customer's closing line (variants)
    source: Source = field(default=Source("", 0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Limits:
    turns: int  # after this many counted turns without an ending, `on_turns` ends the scenario
    on_turns: str
    mood: int | None = None  # a mood at or above this ends the scenario with `on_mood`
    on_mood: str | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    lang: str
    title: str
    brief: Brief
    difficulty: str
    pass_score: int
    persona: Persona
    checklist: tuple[ChecklistItem, ...]
    start: str
    nodes: Mapping[str, Node]
    endings: Mapping[str, Ending]
    limits: Limits
    hint_cost: int = DEFAULT_HINT_COST
    source: Source = field(default=Source("", 0, 0), compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.id, self.lang

    @property
    def checklist_weight(self) -> int:
        return sum(item.weight for item in self.checklist)

    def targets(self) -> frozenset[str]:
        """Every node and ending id a branch may go to."""
        return frozenset(self.nodes) | frozenset(self.endings)
