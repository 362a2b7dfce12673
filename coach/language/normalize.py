"""Unicode NFC with an offset map back to the original text, and language-aware case folding."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Normalized:
    """NFC text plus, when NFC changed it, the original offset of every normalised offset."""

    text: str
    _to_original: tuple[int, ...] | None = None

    def original_offset(self, offset: int) -> int:
        if self._to_original is None:
            return offset
        return self._to_original[offset]


def nfc(text: str) -> Normalized:
    """Normalise to NFC, keeping a map so spans can be reported in the caller's own text."""
    if unicodedata.is_normalized("NFC", text):
        return Normalized(text)
    parts: list[str] = []
    offsets: list[int] = []
    start = 0
    # Normalise cluster by cluster (a starter plus its combining marks) so each output
    # character can be traced to the cluster it came from.
    for i in range(1, len(text) + 1):
        if i == len(text) or (unicodedata.combining(text[i]) == 0 and not _is_jamo_continuation(text[i])):
            cluster = unicodedata.normalize("NFC", text[start:i])
            parts.append(cluster)
            offsets.extend(min(start + j, i) for j in range(len(cluster)))
            # A span that ends after this cluster maps to the next cluster's start.
            start = i
    offsets.append(len(text))
    return Normalized("".join(parts), tuple(offsets))


def _is_jamo_continuation(ch: str) -> bool:
    # Hangul vowel and final jamo compose with the preceding jamo under NFC.
    return "\u1160" <= ch <= "\u11ff"


_TURKIC_UPPER = str.maketrans({"I": "ı", "İ": "i"})


def fold(text: str, lang: str) -> str:
    """Lower-case a word the way its language does (Turkish and its dotted/dotless i)."""
    if lang == "tr":
        return text.translate(_TURKIC_UPPER).lower()
    return text.lower()
