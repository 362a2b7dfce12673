"""Lemmas for en, da, id, tr, hi from simplemma's installed dictionaries.

simplemma decodes its lzma dictionaries in Python on every start (0.4 s for English, 2.3 s for
Turkish); the decoded table is cached as a pickle so later starts take a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import simplemma
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries.dictionary_factory import (
    CachingDictionaryFactory,
    MappingStrToByteString,
    _load_dictionary_from_disk,
)

from coach.language.cache import cached_pickle

_SIMPLEMMA_VERSION = getattr(simplemma, "__version__", "0")


class _PickleCachedDictionaries(CachingDictionaryFactory):
    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        table = cached_pickle(
            f"simplemma-{_SIMPLEMMA_VERSION}-{lang}.pickle", lambda: _load_dictionary_from_disk(lang)
        )
        return MappingStrToByteString(table)


_FACTORY = _PickleCachedDictionaries()
_LEMMATIZER = simplemma.Lemmatizer(
    cache_max_size=262_144, lemmatization_strategy=DefaultStrategy(dictionary_factory=_FACTORY)
)
_LOOKUP = DictionaryLookupStrategy(_FACTORY)


def lemmatize(word: str, lang: str) -> str:
    """The dictionary form of a folded word (unknown words come back lower-cased)."""
    return _LEMMATIZER.lemmatize(word, lang)


@cache
def _known(word: str, lang: str) -> bool:
    return _LOOKUP.get_lemma(word, lang) is not None


def is_known(word: str, lang: str) -> bool:
    """Whether the word is in the language's dictionary (used to keep typo matching off real words)."""
    return _known(word, lang)


def warm_up(lang: str) -> None:
    """Load the language's dictionary now rather than on the first word."""
    _FACTORY.get_dictionary(lang)
