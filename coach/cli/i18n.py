"""Terminal messages for `coach play` in six languages, read from `coach/cli/messages/<lang>.yaml`.

The catalogs work as described in `coach.i18n` (English the reference; tests/cli/test_play_i18n.py
checks the others against it). Values are plain text. The names of moves, risk categories and
difficulties are the bot's (`coach/bot/messages`), with the HTML taken out; English keeps the
phrasebooks' own identifiers ("offer alternative", "blame shift"), as the terminal always showed them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from coach.bot import i18n as bot
from coach.i18n import REFERENCE, Catalogs

MESSAGES = Path(__file__).resolve().parent / "messages"
CATALOGS = Catalogs(MESSAGES, "terminal messages")
_TAG = re.compile(r"</?[a-z]+>")


def text(lang: str, key: str, /, **values: object) -> str:
    """The terminal message `key` in `lang` (English when missing), with `values` filled in."""
    return CATALOGS.text(lang, key, **values)


def check_catalogs() -> list[str]:
    return CATALOGS.check()


def plain(message: str) -> str:
    """A bot message (Telegram HTML) as plain text."""
    return html.unescape(_TAG.sub("", message))


def _bot_name(lang: str, kind: str, name: str) -> str:
    fallback = name.replace("_", " ")
    if lang == REFERENCE:
        return fallback
    try:
        return plain(bot.text(lang, f"{kind}.{name}"))
    except KeyError:  # a move or category only a local phrasebook knows
        return fallback


def move_name(lang: str, move: str) -> str:
    return _bot_name(lang, "move", move)


def category_name(lang: str, category: str) -> str:
    return _bot_name(lang, "category", category)


def difficulty_name(lang: str, difficulty: str) -> str:
    return _bot_name(lang, "difficulty", difficulty)


def language_name(lang: str, code: str) -> str:
    """The language `code` named in `lang` ("Korean", "한국어", "Korece" …)."""
    try:
        return text(lang, f"language.{code}")
    except KeyError:
        return code


def mood_name(lang: str, band: str) -> str:
    """A mood band of `coach.scenario.model.MOOD_BANDS` ("calm" … "furious") in `lang`."""
    try:
        return text(lang, f"mood.{band}")
    except KeyError:
        return band
