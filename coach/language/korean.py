"""Korean morphemes from Kiwi: 약속드립니다 → 약속 + 드리 + ㅂ니다, with their places in the text."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Morpheme:
    form: str  # the dictionary form (드리, ᆸ니다)
    tag: str  # Sejong tag (NNG, VV, EF, SF …)
    start: int
    end: int


@cache
def _kiwi():
    from kiwipiepy import Kiwi

    # Kiwi's extra dictionaries (Wikipedia titles, multi-word proper names) cost 250 MB and no rule
    # needs a proper name. The pid: a forked child inherits this Kiwi without its worker threads.
    return Kiwi(num_workers=-1, load_default_dict=False, load_multi_dict=False), os.getpid()


def morphemes(text: str) -> list[Morpheme]:
    """Kiwi's best analysis of the text; contracted morphemes may share characters."""
    return _morphemes(_kiwi()[0].tokenize(text))


def morphemes_many(texts: list[str]) -> Iterator[list[Morpheme]]:
    """morphemes() for many texts, in order, analysed ahead on Kiwi's worker threads."""
    kiwi, owner = _kiwi()
    if owner != os.getpid():  # in a forked worker, Kiwi's thread pool is gone: one text at a time
        yield from (_morphemes(kiwi.tokenize(text)) for text in texts)
        return
    for tokens in kiwi.tokenize(texts):
        yield _morphemes(tokens)


def _morphemes(tokens) -> list[Morpheme]:
    return [Morpheme(tok.form, tok.tag, tok.start, tok.start + tok.len) for tok in tokens]


def warm_up() -> None:
    _kiwi()
