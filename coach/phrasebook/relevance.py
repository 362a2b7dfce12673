"""Which of a rule's rewrites fits the text at hand: the one that shares its rarest words with it.

A rule's rewrites are worked examples (a refund, a late parcel, an exchange), so the first one can
be about something else entirely than the draft it is shown for. Each rewrite's words are weighted
by how few of the phrasebook's rewrites use them (inverse document frequency): "refund" counts and
"you" hardly does. The rewrite whose words the flagged sentence and its neighbours share most comes
first; ties, and texts that share nothing, keep the author's order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coach.phrasebook.model import Phrasebook, Rewrite

MAX_SHARE = 0.05  # a word in more of the phrasebook's texts than this says nothing about a situation
MIN_LEAD = 3.0  # a rewrite must beat the author's first by this much (one word in under 1 text in 20)

@dataclass(frozen=True, slots=True)
class Profile:
    """A rule's rewrites as weighted words: for each word, its weight in each rewrite (0 if absent)."""

    words: frozenset[str]
    weights: dict[str, tuple[float, ...]]


Profiles = dict[str, Profile]  # by rule id


def rewrite_profiles(book: Phrasebook, keys_of: Callable[[str], Sequence[tuple[str, ...]]]) -> Profiles:
    """The weighted words of the rewrites of every rule that has more than one.

    How common a word is, is counted over every text of the phrasebook (rewrites and examples), so
    that "the" or "your" weigh little even where few rewrites happen to use them."""
    rewrites = {rewrite.text for rule in book.rules for rewrite in rule.rewrites}
    examples = {text for rule in book.rules for text in (*rule.flag_examples, *rule.pass_examples)} | \
        {text for move in book.moves for text in (*move.show_examples, *move.miss_examples)}
    words_of = {text: _words(keys_of(text)) for text in rewrites | examples}
    frequency = Counter(word for words in words_of.values() for word in words)
    total = len(words_of)

    def weight(word: str) -> float:
        share = frequency[word] / total
        return 0.0 if share > MAX_SHARE else math.log(1 / share)

    profiles: Profiles = {}
    for rule in book.rules:
        if len(rule.rewrites) < 2:
            continue
        words = frozenset(w for r in rule.rewrites for w in words_of[r.text] if weight(w) > 0)
        weights = {word: tuple(weight(word) if word in words_of[r.text] else 0.0 for r in rule.rewrites)
                   for word in words}
        profiles[rule.id] = Profile(words, weights)
    return profiles


def ranked(rewrites: tuple[Rewrite, ...], profile: Profile | None, context: frozenset[str]) -> tuple[Rewrite, ...]:
    """The rewrites, the one fitting `context` (the words around a finding) best first."""
    if profile is None:
        return rewrites
    shared = profile.words & context
    if not shared:
        return rewrites
    scores = [sum(column) for column in zip(*(profile.weights[word] for word in shared), strict=True)]
    best = max(range(len(scores)), key=scores.__getitem__)
    if scores[best] < scores[0] + MIN_LEAD:
        return rewrites
    order = sorted(range(len(rewrites)), key=lambda i: -scores[i])  # stable: ties keep the author's order
    return tuple(rewrites[i] for i in order)


def _words(units: Sequence[tuple[str, ...]]) -> frozenset[str]:
    """The keys of units that are words (not marks or numbers), surface forms and lemmas alike."""
    return frozenset(key for keys in units for key in keys if len(key) > 1 and any(ch.isalpha() for ch in key))
