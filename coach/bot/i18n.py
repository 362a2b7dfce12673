"""Bot messages in six languages, read from `coach/bot/messages/<lang>.yaml` (data a translator edits).

The catalogs work as described in `coach.i18n`: nested YAML addressed with dots (`card.try_again`),
`str.format` templates, English the reference (tests/bot/test_i18n.py checks the others against it).
Values are Telegram HTML.
"""

from __future__ import annotations

from pathlib import Path

from coach.i18n import NATIVE_NAMES, REFERENCE, Catalogs, flatten, placeholders
from coach.language import LANGUAGES

__all__ = ["FLAGS", "MESSAGES", "NATIVE_NAMES", "REFERENCE", "catalog", "check_catalogs", "flatten",
           "pick_language", "placeholders", "text"]

MESSAGES = Path(__file__).resolve().parent / "messages"
CATALOGS = Catalogs(MESSAGES, "bot messages")

FLAGS: dict[str, str] = {"en": "🇬🇧", "ko": "🇰🇷", "id": "🇮🇩", "da": "🇩🇰", "tr": "🇹🇷", "hi": "🇮🇳"}


def catalog(lang: str) -> dict[str, str]:
    """The flattened catalog of one language (cached; the files ship with the package)."""
    return CATALOGS.catalog(lang)


def text(lang: str, key: str, /, **values: object) -> str:
    """The message `key` in `lang` (English when missing), with `values` filled in."""
    return CATALOGS.text(lang, key, **values)


def check_catalogs() -> list[str]:
    """Problems with the catalogs: missing or extra keys, differing placeholders, empty messages."""
    return CATALOGS.check()


def pick_language(code: str | None, default: str = REFERENCE) -> str:
    """One of the six languages for a Telegram `language_code` ("ko", "en-US", "pt-br" …)."""
    if not code:
        return default
    base = code.replace("_", "-").split("-", 1)[0].lower()
    if base in LANGUAGES:
        return base
    return {"ms": "id", "nb": "da", "no": "da", "nn": "da"}.get(base, default)
