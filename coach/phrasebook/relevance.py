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

from coach.phrasebook.model import Phrasebook, Rewrite

MIN_LEAD = 1.0  # a rewrite must beat the author's first by this much weight (one fairly rare word)

# per rule id: for each of its rewrites, its words and their weights
Profiles = dict[str, tuple[dict[str, float], ...]]


def rewrite_profiles(book: Phrasebook, keys_of: Callable[[str], Sequence[tuple[str, ...]]]) -> Profiles:
    """The weighted words of every rewrite of the rules that have more than one."""
    texts = [rewrite.text for rule in book.rules for rewrite in rule.rewrites]
    words_of = {text: _words(keys_of(text)) for text in texts}
    frequency = Counter(word for words in words_of.values() for word in words)
    total = len(words_of)
    return {
        rule.id: tuple({word: math.log(total / frequency[word]) for word in words_of[r.text]} for r in rule.rewrites)
        for rule in book.rules if len(rule.rewrites) > 1
    }


def ranked(rewrites: tuple[Rewrite, ...], profile: tuple[dict[str, float], ...] | None,
           context: frozenset[str]) -> tuple[Rewrite, ...]:
    """The rewrites, the one fitting `context` (the words around a finding) best first."""
    if not profile or not context:
        return rewrites
    scores = [sum(weight for word, weight in words.items() if word in context) for words in profile]
    best = max(range(len(scores)), key=scores.__getitem__)
    if scores[best] < scores[0] + MIN_LEAD:
        return rewrites
    order = sorted(range(len(rewrites)), key=lambda i: -scores[i])  # stable: ties keep the author's order
    return tuple(rewrites[i] for i in order)


def _words(units: Sequence[tuple[str, ...]]) -> frozenset[str]:
    """The keys of units that are words (not marks or numbers), surface forms and lemmas alike."""
    return frozenset(key for keys in units for key in keys if len(key) > 1 and any(ch.isalpha() for ch in key))
