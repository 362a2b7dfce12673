"""Where derived data (decoded dictionaries, language-ID model) is cached between runs.

Everything cached here is rebuilt from installed packages when missing; nothing is downloaded.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is switched off (COACH_CACHE_DIR=off)."""
    configured = os.environ.get("COACH_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "phrase-coach"


KEEP_PER_FAMILY = 8  # versions of one kind of entry kept side by side (test and team phrasebooks differ)


def cached_pickle(name: str, build: Callable[[], T], family: str | None = None) -> T:
    """Load `name` from the cache, or build it and store it; a cache that can't be written is skipped.

    With a `family` (a file-name prefix), storing a new entry removes the family's oldest ones beyond
    KEEP_PER_FAMILY, so a cache keyed by content does not grow with every edit.
    """
    folder = cache_dir()
    path = folder / name if folder else None
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
            if family:
                os.utime(path)  # recently used: pruned last
            return value
        except Exception:  # a truncated or stale cache file: rebuild it
            pass
    value = build()
    if path is not None:
        try:
            write_atomically(path, lambda fh: pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL))
            if family:
                _prune(path.parent, family)
        except OSError:
            pass
    return value


def _prune(folder: Path, family: str) -> None:
    entries = sorted(folder.glob(f"{family}*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[KEEP_PER_FAMILY:]:
        stale.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write a cache file whole or not at all, even with several processes racing for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        write(tmp)
    os.replace(tmp.name, path)


def build_in_child(module: str, function: str, *args: str) -> bool:
    """Call `module.function(*args)` in a fresh interpreter; False if that could not be done.

    Building a cache entry (a decoded dictionary, py3langid's tables) takes 100 MB or more of Python
    objects for a few seconds. In a child they never raise the peak memory of the process that uses
    the entry (a bot loading all six languages peaked at 517 MB on its first run instead of 385), and
    leave nothing behind in it as fragmentation.
    """
    code = f"import sys; from {module} import {function}; {function}(*sys.argv[1:])"
    try:  # -P: a folder named coach in the working folder must not shadow the installed package
        done = subprocess.run([sys.executable, "-P", "-c", code, *args], capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0
