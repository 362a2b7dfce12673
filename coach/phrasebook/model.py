"""The phrasebook model: rules (risky phrasing → why → rewrites) and moves (good behaviours)."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES: tuple[str, ...] = ("error", "warning", "suggestion")  # most severe first

CATEGORIES: tuple[str, ...] = (
    "overpromise",
    "blame_shift",
    "not_my_job",
    "categorical_refusal",
    "policy_wall",
    "dismissive",
    "belittling_small_order",
    "ignorance",
    "rude",
    "threat",
    "vague_wait",
)

MOVES: tuple[str, ...] = (
    "greeting",
    "thanks",
    "apology",
    "empathy",
    "ownership",
    "timeframe",
    "next_step",
    "offer_alternative",
    "clarifying_question",
    "self_introduction",
)

CONDITIONS: tuple[str, ...] = ("negated", "hedged", "question")  # plus move:<id>


def severity_rank(severity: str) -> int:
    """0 for the most severe; comparing ranks answers 'at or above --fail-on'."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Rewrite:
    text: str
    safe: bool = False  # may replace the matched words directly (coach check --fix)


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    lang: str
    category: str
    severity: str
    patterns: tuple[Pattern, ...]
    message: str
    rewrites: tuple[Rewrite, ...]
    flag_examples: tuple[str, ...]
    pass_examples: tuple[str, ...]
    exceptions: tuple[Pattern, ...] = ()
    unless: tuple[str, ...] = ()
    fuzzy: bool = True
    source: Source = field(default=Source("", 0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Move:
    id: str
    lang: str
    patterns: tuple[Pattern, ...]
    show_examples: tuple[str, ...]
    miss_examples: tuple[str, ...]
    exceptions: tuple[Pattern, ...] = ()
    unless: tuple[str, ...] = ()
    source: Source = field(default=Source("", 0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class Context:
    """Per-language words that change what a phrase means nearby."""

    negators: tuple[str, ...] = ()
    negators_after: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    negation_window: int = 3
    negation_after_window: int = 5


@dataclass(frozen=True, slots=True)
class Phrasebook:
    """Everything loaded for one language."""

    lang: str
    rules: tuple[Rule, ...]
    moves: tuple[Move, ...]
    context: Context = Context()
