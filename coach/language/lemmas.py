"""Lemmas for en, da, id, tr, hi from simplemma's installed dictionaries.

simplemma decodes its lzma dictionaries in Python on every start (0.4 s for English, 2.3 s for
Turkish) into dicts of 60–140 MB each. Decoded once, a table is kept as a read-only SQLite file in
the cache folder and looked up there: a few pages in memory instead of the whole table, and a
start that opens a file instead of decoding one. Lookups are rare after warm-up, since the
pipeline caches what it learns per word. A table is built in a child process, so the decoding
never counts against the checker's memory. Without a usable cache folder the table stays in memory.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import simplemma
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries.dictionary_factory import (
    CachingDictionaryFactory,
    DecodedStrMapping,
    MappingStrToByteString,
    _load_dictionary_from_disk,
)

from coach.language.cache import build_in_child, cache_dir

_SIMPLEMMA_VERSION = getattr(simplemma, "__version__", "0")


class _SqliteTable(DecodedStrMapping):
    """A word → lemma table in a read-only SQLite file; one connection per thread and process."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._local = threading.local()

    def _rows(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a forked child opens its own
            local.connection = sqlite3.connect(f"file:{self._path}?mode=ro&immutable=1", uri=True)
            local.pid = os.getpid()
        return local.connection

    def _lookup(self, key: str) -> str | None:
        row = self._rows().execute("SELECT lemma FROM lemmas WHERE word = ?", (key,)).fetchone()
        return row[0] if row else None

    def __iter__(self) -> Iterator[str]:
        return (word for (word,) in self._rows().execute("SELECT word FROM lemmas"))

    def __len__(self) -> int:
        return self._rows().execute("SELECT count(*) FROM lemmas").fetchone()[0]


def _table_file(lang: str) -> Path | None:
    """The language's table as an SQLite file in the cache folder, written on first use; None if it can't be."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"simplemma-{_SIMPLEMMA_VERSION}-{lang}.sqlite"
    if path.is_file():
        if _readable(path):
            return path
        path.unlink(missing_ok=True)  # truncated or damaged: build it again
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".sqlite")
        os.close(handle)
        if not build_in_child("coach.language.lemmas", "_write_table", lang, temporary):
            _write_table(lang, temporary)
        os.replace(temporary, path)  # whole or not at all, even with several processes racing
    except (OSError, sqlite3.Error):
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return None
    return path


def _write_table(lang: str, path: str) -> None:
    """Decode simplemma's dictionary for `lang` into a new SQLite table at `path`."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("DROP TABLE IF EXISTS lemmas")  # what a child that failed halfway left
        db.execute("CREATE TABLE lemmas (word TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID")
        rows = ((word.decode(), lemma.decode()) for word, lemma in _load_dictionary_from_disk(lang).items())
        db.executemany("INSERT INTO lemmas VALUES (?, ?)", rows)
        db.commit()
    finally:
        db.close()


def _readable(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.execute("SELECT lemma FROM lemmas LIMIT 1").fetchall()
        return True
    except sqlite3.Error:
        return False


class _DiskDictionaries(CachingDictionaryFactory):
    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        path = _table_file(lang)
        if path is None:
            return MappingStrToByteString(_load_dictionary_from_disk(lang))
        return _SqliteTable(path)


_FACTORY = _DiskDictionaries()
_LEMMATIZER = simplemma.Lemmatizer(
    cache_max_size=65_536, lemmatization_strategy=DefaultStrategy(dictionary_factory=_FACTORY)
)
_LOOKUP = DictionaryLookupStrategy(_FACTORY)


def lemmatize(word: str, lang: str) -> str:
    """The dictionary form of a folded word (unknown words come back lower-cased)."""
    return _LEMMATIZER.lemmatize(word, lang)


@lru_cache(maxsize=65_536)  # bounded: a bot that runs for months meets an open vocabulary
def _known(word: str, lang: str) -> bool:
    return _LOOKUP.get_lemma(word, lang) is not None


def is_known(word: str, lang: str) -> bool:
    """Whether the word is in the language's dictionary (used to keep typo matching off real words)."""
    return _known(word, lang)


def warm_up(lang: str) -> None:
    """Load the language's dictionary now rather than on the first word."""
    _FACTORY.get_dictionary(lang)
