"""The pattern language of phrasebooks, compiled to token elements with the language's own analyser.

A pattern is a sequence of specs separated by spaces: `word`, `a|b`, `=exact`, `/regex/`, `*`,
`...` and an optional `?` suffix (docs/phrasebooks.md). Literal words are analysed by the same
pipeline as the texts, so a pattern word matches on its lemma (or, in Korean, its morphemes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Anchor:
    """What the first unit of a match can be: one of these keys, or a unit one of these regexes matches.

    `anywhere` is true when any unit may start a match (a pattern that starts with `*`).
    """

    keys: frozenset[str] = frozenset()
    regexes: tuple[re.Pattern[str], ...] = ()
    anywhere: bool = False


def anchor(elements: tuple[Element, ...]) -> Anchor:
    """The first-unit set of a sequence, looking through optional words and alternatives."""
    keys: set[str] = set()
    regexes: list[re.Pattern[str]] = []
    for element in elements:
        if isinstance(element, Lit):
            return Anchor(frozenset(keys | element.keys), tuple(regexes))
        if isinstance(element, Rx):
            return Anchor(frozenset(keys), (*regexes, element.regex))
        if isinstance(element, AnyToken | Gap):
            return Anchor(anywhere=True)
        inner = [element.inner] if isinstance(element, Opt) else list(element.sequences)
        nullable = isinstance(element, Opt)
        for seq in inner:
            sub = anchor(seq) if seq else Anchor(anywhere=True)
            if sub.anywhere:
                return sub
            keys |= sub.keys
            regexes.extend(sub.regexes)
            nullable = nullable or not any(_consumes_for_sure(e) for e in seq)
        if not nullable:
            return Anchor(frozenset(keys), tuple(regexes))
    return Anchor(anywhere=True)


def literal_words(elements: tuple[Element, ...]) -> list[Lit]:
    """Every literal element, including those inside alternatives and optionals."""
    found: list[Lit] = []
    for element in elements:
        if isinstance(element, Lit):
            found.append(element)
        elif isinstance(element, Opt):
            found.extend(literal_words(element.inner))
        elif isinstance(element, Alt):
            for seq in element.sequences:
                found.extend(literal_words(seq))
    return found
