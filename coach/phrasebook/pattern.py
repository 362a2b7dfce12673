"""The pattern language of phrasebooks, compiled to token elements with the language's own analyser.

A pattern is a sequence of specs separated by spaces: `word`, `a|b`, `=exact`, `/regex/`, `*`,
`...` and an optional `?` suffix (docs/phrasebooks.md). Literal words are analysed by the same
pipeline as the texts, so a pattern word matches on its lemma (or, in Korean, its morphemes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

GAP_TOKENS = 4


@dataclass(frozen=True, slots=True)
class Lit:
    keys: frozenset[str]
    exact: bool = False  # compare the folded surface form only, not the lemma


@dataclass(frozen=True, slots=True)
class Rx:
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class AnyToken:
    pass


@dataclass(frozen=True, slots=True)
class Gap:
    max_tokens: int = GAP_TOKENS


@dataclass(frozen=True, slots=True)
class Opt:
    inner: tuple[Element, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    sequences: tuple[tuple[Element, ...], ...]


Element = Lit | Rx | AnyToken | Gap | Opt | Alt
Leaf = TypeVar("Leaf", Lit, Rx)

# Analyses one pattern word into the key tuples of its units (several for "can't" or 약속드립니다).
WordAnalyser = Callable[[str], list[tuple[str, ...]]]


class PatternError(ValueError):
    """A pattern that cannot be compiled, with a message for the trainer."""


def compile_pattern(text: str, analyse_word: WordAnalyser) -> tuple[Element, ...]:
    """Compile one pattern string; raises PatternError with a trainer-facing message."""
    elements: list[Element] = []
    for spec in text.split():
        elements.extend(_compile_spec(spec, analyse_word))
    if not elements:
        raise PatternError(f"pattern '{text}' is empty")
    if not any(_consumes_for_sure(e) for e in elements):
        raise PatternError(f"pattern '{text}' has no word that must be present, so it would match anything")
    if isinstance(elements[0], Gap) or isinstance(elements[-1], Gap):
        raise PatternError(f"pattern '{text}' starts or ends with '...'; a gap only makes sense between words")
    return tuple(elements)


def _consumes_for_sure(element: Element) -> bool:
    if isinstance(element, Lit | Rx):
        return True
    if isinstance(element, Alt):
        return all(any(_consumes_for_sure(e) for e in seq) for seq in element.sequences)
    return False


def _compile_spec(spec: str, analyse_word: WordAnalyser) -> list[Element]:
    if spec == "...":
        return [Gap()]
    if spec == "*":
        return [AnyToken()]
    if len(spec) > 1 and spec.endswith("?") and not spec.endswith("\\?"):
        inner = _compile_spec(spec[:-1], analyse_word)
        return [Opt(tuple(inner))]
    if spec.startswith("/") and (len(spec) < 3 or not spec.endswith("/")):
        raise PatternError(f"'{spec}' opens a /regex/ that does not close (a regex cannot hold a space: "
                           "each spec matches one token)")
    if len(spec) > 2 and spec.startswith("/") and spec.endswith("/"):
        try:
            return [Rx(re.compile(spec[1:-1]))]
        except re.error as exc:
            raise PatternError(f"invalid regular expression {spec}: {exc}") from None
    exact = spec.startswith("=") and len(spec) > 1
    words = (spec[1:] if exact else spec).split("|")
    if any(not w for w in words):
        raise PatternError(f"'{spec}' has an empty alternative")
    for word in words[1:]:
        if word.startswith("=") or (word.startswith("/") and word.endswith("/") and len(word) > 2):
            raise PatternError(
                f"'{spec}': '=' and /regex/ apply to a whole spec, not to one alternative; "
                "write '=a|b' (exact for all) or separate patterns"
            )
    sequences: list[tuple[Element, ...]] = []
    for word in words:
        analysed = analyse_word(word)
        if not analysed:
            raise PatternError(f"'{word}' has no word the tokenizer can match")
        if exact:
            sequences.append(tuple(Lit(frozenset(keys[:1]), exact=True) for keys in analysed))
        else:
            sequences.append(tuple(Lit(frozenset(keys)) for keys in analysed))
    if all(len(seq) == 1 for seq in sequences):
        merged = frozenset().union(*(seq[0].keys for seq in sequences))  # type: ignore[union-attr]
        return [Lit(merged, exact=exact)]
    return [Alt(tuple(sequences))]


MAX_LEAD_PAIRS = 4096  # beyond this many first-two-word combinations a pattern is indexed by its first word


def regex_key(regex: re.Pattern[str]) -> str:
    """The index key standing for "a unit this /regex/ matches" (no real word starts with NUL)."""
    return "\x00" + regex.pattern


@dataclass(frozen=True, slots=True)
class Leads:
    """How a match of a pattern can begin, for indexing.

    `pairs`: (key of the first unit, key of the second unit) for matches of two units or more;
    `firsts`: keys of a first unit that may be a whole match, or whose second unit can't be listed
    (`*` or `...` follows); `anywhere`: any unit may begin a match (the pattern starts with `*`).
    Keys of /regex/ elements are `regex_key`s.
    """

    firsts: frozenset[str] = frozenset()
    pairs: frozenset[tuple[str, str]] = frozenset()
    anywhere: bool = False
    seconds: Mapping[str, frozenset[str]] = field(default_factory=dict)  # `pairs` by first key

    def may_begin(self, here: tuple[str, ...], following: tuple[str, ...]) -> bool:
        """Whether a match may begin at a unit with keys `here`, followed by one with `following`."""
        if self.anywhere or not self.firsts.isdisjoint(here):
            return True
        seconds = self.seconds
        return any(key in seconds and not seconds[key].isdisjoint(following) for key in here)


def leads(elements: tuple[Element, ...]) -> Leads:
    """The first one or two units a match of `elements` can begin with, looking through `?` and `a|b`."""
    heads = _heads(elements)
    if heads is None:
        return Leads(anywhere=True)
    firsts: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for first, rest in heads:
        if first is None:  # cannot happen (compile_pattern requires a word), but stay correct
            return Leads(anywhere=True)
        first_keys = _keys(first)
        seconds = _heads(rest)
        # After the first word comes `*` or `...`, or the match may end there: index it by that word.
        if seconds is None or any(second is None for second, _ in seconds):
            firsts |= first_keys
            continue
        combos = {(a, b) for second, _ in seconds for a in first_keys for b in _keys(second)}  # type: ignore[arg-type]
        if len(pairs) + len(combos) > MAX_LEAD_PAIRS:
            firsts |= first_keys
        else:
            pairs |= combos
    seconds: dict[str, set[str]] = {}
    for first, second in pairs:
        seconds.setdefault(first, set()).add(second)
    return Leads(frozenset(firsts), frozenset(pairs), seconds={k: frozenset(v) for k, v in seconds.items()})


def _keys(element: Lit | Rx) -> frozenset[str]:
    return element.keys if isinstance(element, Lit) else frozenset({regex_key(element.regex)})


_MAX_HEADS = 64


def _heads(elements: tuple[Element, ...]) -> list[tuple[Lit | Rx | None, tuple[Element, ...]]] | None:
    """Each way the sequence can begin: (the first unit's element, what follows it); (None, ()) when it
    can be empty; None when any unit may come first (`*`, `...`) or there are too many ways."""
    found: list[tuple[Lit | Rx | None, tuple[Element, ...]]] = []
    pending = [elements]
    while pending:
        seq = pending.pop()
        if not seq:
            found.append((None, ()))
        elif isinstance(seq[0], Lit | Rx):
            found.append((seq[0], seq[1:]))
        elif isinstance(seq[0], Opt):
            pending += [seq[0].inner + seq[1:], seq[1:]]
        elif isinstance(seq[0], Alt):
            pending += [alternative + seq[1:] for alternative in seq[0].sequences]
        else:
            return None
        if len(found) + len(pending) > _MAX_HEADS:
            return None
    return found


MAX_WAYS = 32


def expand_ways(elements: tuple[Element, ...]) -> tuple[tuple[Element, ...], ...]:
    """The sequences `?` and `a|b` stand for, in the order a backtracking match tries them
    (`a? b` → `a b`, `b`), so most candidates match in one pass; past MAX_WAYS, the elements as
    they are (the matcher backtracks through them)."""
    ways: list[tuple[Element, ...]] = [()]
    k = 0
    while k < len(elements):
        element = elements[k]
        run = 1
        if isinstance(element, Opt):
            inner = expand_ways(element.inner)
            # `x? x? x?` is x taken 3, 2, 1 or 0 times: 4 ways, not 2³ (this order is backtracking's)
            while len(inner) == 1 and k + run < len(elements) and elements[k + run] == element:
                run += 1
            options = [way * times for times in range(run, 0, -1) for way in inner] + [()]
        elif isinstance(element, Alt):
            options = [way for seq in element.sequences for way in expand_ways(seq)]
        else:
            options = [(element,)]
        ways = [way + option for way in ways for option in options]
        if len(ways) > MAX_WAYS:
            return (elements,)
        k += run
    return tuple(ways)


def literal_words(elements: tuple[Element, ...]) -> list[Lit]:
    """Every literal element, including those inside alternatives and optionals."""
    return leaf_elements(elements, Lit)


def leaf_elements(elements: tuple[Element, ...], kind: type[Leaf]) -> list[Leaf]:
    """Every element of `kind` (Lit or Rx), including those inside alternatives and optionals."""
    found: list[Leaf] = []
    for element in elements:
        if isinstance(element, kind):
            found.append(element)
        elif isinstance(element, Opt):
            found.extend(leaf_elements(element.inner, kind))
        elif isinstance(element, Alt):
            for seq in element.sequences:
                found.extend(leaf_elements(seq, kind))
    return found
