"""py3langid's model, held small: it scores exactly as py3langid does, in a few MB instead of 65.

py3langid finds its byte n-gram features with a full automaton (256 next states for each of its
104,583 states, 37 MB) and scores them with a weight table of 100,053 features × 142 languages
(28 MB). A detection needs a few hundred of those states and weight rows, but memory-mapping the
tables is no cure: the kernel maps 64 KB around every page touched, so they still cost 20–50 MB.

Here the automaton keeps only what differs from its failure state (as Aho–Corasick builds it, one
transition per state), and the weights stay on disk and are read a row per feature seen. The
weights restricted to our languages are small and kept in memory.
"""

from __future__ import annotations

import math
import os
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Automaton:
    """The feature automaton as a trie with failure links; `features` walks it like py3langid's DFA."""

    root: array  # next state from the start state, for each byte
    offsets: array  # state s's own transitions are keys/targets[offsets[s]:offsets[s + 1]]
    keys: bytes
    targets: array
    fail: array  # where to look for a byte the state has no own transition for
    output: array  # the feature a state completes, or -1

    @classmethod
    def from_dfa(cls, nextmove: Any, row: Any, output: list[int]) -> Automaton:
        """Derive the failure links from py3langid's full table (`row` maps a state to its row)."""
        rows = np.asarray(nextmove, dtype=np.uint32).reshape(-1, 256)
        row = np.asarray(row, dtype=np.int64)
        depth = np.full(len(row), -1, dtype=np.int64)
        fail = np.zeros(len(row), dtype=np.int64)
        depth[0], frontier, level = 0, np.array([0]), 0
        while len(frontier):  # breadth first: a state's trie parent is one level up
            found = []
            for chunk in _chunks(frontier):  # in slices: the whole level's rows would take 100 MB
                reached = rows[row[chunk]].ravel()
                new = depth[reached] < 0
                states, first = np.unique(reached[new], return_index=True)
                parents, chars = np.divmod(np.flatnonzero(new)[first], 256)
                parents = chunk[parents]
                depth[states] = level + 1
                if level:  # the failure state of parent+byte is where the parent's failure state goes on byte
                    fail[states] = rows[row[fail[parents]], chars]
                found.append(states)
            frontier, level = np.concatenate(found), level + 1
        counts, chars, targets = [], [], []
        for chunk in _chunks(np.arange(1, len(row))):  # the start state's row is kept whole, in `root`
            own = rows[row[chunk]] != rows[row[fail[chunk]]]
            states, keys = np.nonzero(own)
            counts.append(own.sum(axis=1))
            chars.append(keys.astype(np.uint8))
            targets.append(rows[row[chunk[states]], keys])
        offsets = np.concatenate(([0, 0], np.cumsum(np.concatenate(counts))))
        return cls(array("I", rows[row[0]].tolist()), array("I", offsets.tolist()),
                   np.concatenate(chars).tobytes(), array("I", np.concatenate(targets).tolist()),
                   array("I", fail.tolist()), array("i", output))

    def features(self, data: bytes) -> Counter[int]:
        root, offsets, keys, targets, fail, output = (self.root, self.offsets, self.keys, self.targets,
                                                      self.fail, self.output)
        found: list[int] = []
        state = 0
        for byte in data:
            while state:
                at = keys.find(byte, offsets[state], offsets[state + 1])
                if at >= 0:
                    state = targets[at]
                    break
                state = fail[state]
            else:
                state = root[byte]
            feature = output[state]
            if feature >= 0:
                found.append(feature)
        return Counter(found)


def _chunks(states: np.ndarray, size: int = 4096):
    for start in range(0, len(states), size):
        yield states[start:start + size]


class WeightRows:
    """The rows of a float16 weight table stored raw in a file, read on demand with pread.

    pread, not mmap: reading a row puts nothing in this process's memory but the row. The file stays
    open for the life of the process (the model is loaded once), and pread shares it safely with
    forked workers, having no file position."""

    def __init__(self, path: Path, width: int) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._width = width
        self._size = width * 2

    def __getitem__(self, indices: np.ndarray) -> np.ndarray:
        size, fd = self._size, self._fd
        data = b"".join(os.pread(fd, size, int(i) * size) for i in indices)
        if len(data) != size * len(indices):
            raise ValueError("the language-ID weight file is shorter than its model")
        return np.frombuffer(data, dtype=np.float16).reshape(len(indices), self._width)


@dataclass(frozen=True, slots=True)
class Scorer:
    """py3langid's naive Bayes over a set of languages, with normalised probabilities."""

    weights: Any  # features × languages: an array, or WeightRows
    prior: np.ndarray
    classes: tuple[str, ...]

    def classify(self, features: Counter[int], size: int) -> tuple[str, float]:
        """The likeliest language and its probability, for `features` seen in `size` bytes."""
        if features:
            indices = np.fromiter(features.keys(), dtype=np.intp, count=len(features))
            counts = np.fromiter(features.values(), dtype=np.float32, count=len(features))
            scores = np.log1p(counts) @ self.weights[indices] + self.prior
        else:
            scores = np.zeros(len(self.classes), dtype=np.float32)
        scores *= 1.0 / math.sqrt(size or 1)  # py3langid's temperature: calibrated across lengths
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        best: dict[str, float] = {}
        for lang, score in zip(self.classes, scores.tolist(), strict=True):  # a label listed twice (sr, srl→sr) sums
            best[lang] = best.get(lang, 0.0) + score
        lang = max(best, key=best.__getitem__)
        return lang, best[lang]


def encode(text: str) -> bytes:
    """The bytes py3langid scores: NFC, UTF-8, and an all-capitals text lower-cased."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")
