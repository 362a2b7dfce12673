"""Replies the engine will not score: empty, no words, far too long, or in another language.

A rejected reply gets a `Rejection` the shell can render (its `reason` is a stable code a bot can
translate); the turn does not count and nothing is scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.language import LANGUAGE_NAMES

MAX_REPLY_CHARS = 3000  # a long e-mail; a chat reply is far shorter
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
DETECT_CHARS = 600  # the language of a reply shows in its first lines; judging more only costs time
MIN_WORDS_TO_JUDGE = 3  # shorter replies are taken to be in the scenario's language
FOREIGN_KNOWN_RATIO = 0.6  # fewer known words than this, and a confident detection, means another language
FOREIGN_CONFIDENCE = 0.6
FOREIGN_KNOWN_RATIO_ALONE = 0.5  # fewer known words than this means another language whatever the detector's confidence

EMPTY, NO_WORDS, TOO_LONG, WRONG_LANGUAGE = "empty", "no_words", "too_long", "wrong_language"


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str  # empty | no_words | too_long | wrong_language
    message: str  # an English sentence for shells without their own wording
    length: int = 0  # characters in the reply
    limit: int = MAX_REPLY_CHARS
    detected: str | None = None  # for wrong_language: what the reply looks like ("Danish (da)")


def screen_reply(text: str, lang: str) -> Rejection | None:
    """None when the reply can be scored; otherwise why not."""
    if not text or not text.strip():
        return Rejection(EMPTY, "Your reply is empty; write what you would say to the customer.", len(text))
    if len(text) > MAX_REPLY_CHARS:
        return Rejection(TOO_LONG, f"Your reply is {len(text):,} characters long; keep it under "
                         f"{MAX_REPLY_CHARS:,} (a customer will not read more).", len(text))
    if not _WORD.search(text):
        return Rejection(NO_WORDS, "Your reply has no words (only emoji, numbers or punctuation); "
                         "write what you would say to the customer.", len(text))
    detected = _other_language(text, lang)
    if detected is not None:
        name = LANGUAGE_NAMES.get(lang, lang)
        return Rejection(WRONG_LANGUAGE, f"This scenario is in {name}, but your reply looks like {detected}; "
                         f"answer in {name}.", len(text), detected=detected)
    return None


def _other_language(text: str, lang: str) -> str | None:
    """What the reply looks like when it is clearly not in `lang`, else None."""
    from coach.language.detect import detect_language

    text = text[:DETECT_CHARS]
    detection = detect_language(text, default=lang)
    if detection.lang == lang:
        return None
    if detection.lang in ("ko", "hi") or lang in ("ko", "hi") or (detection.lang is None and detection.other
                                                                  and detection.other.endswith("script")):
        return detection.describe()  # decided by the script, which is reliable
    # Latin script both ways: a short English sentence can look Danish to a detector, so also ask
    # whether the words are words of the scenario's language. Capitalised words inside a sentence
    # are left out: they are mostly names ("Mr Hart", "Ngozi"), which no dictionary knows.
    words = [m.group().lower() for m in _WORD.finditer(text) if not _is_name(text, m.start(), m.group())]
    if len(words) < MIN_WORDS_TO_JUDGE:
        return None
    from coach.language.lemmas import is_known

    known = sum(1 for w in words if is_known(w, lang)) / len(words)
    confident = detection.confidence >= FOREIGN_CONFIDENCE
    if known < FOREIGN_KNOWN_RATIO_ALONE or (known < FOREIGN_KNOWN_RATIO and confident):
        return detection.describe()
    return None


def _is_name(text: str, start: int, word: str) -> bool:
    """A capitalised word that does not start a sentence."""
    if not word[:1].isupper():
        return False
    before = text[:start].rstrip()
    return bool(before) and before[-1] not in ".!?:;\n\"“«¿¡—"
