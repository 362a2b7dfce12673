"""Bot messages in six languages, read from `coach/bot/messages/<lang>.yaml` (data a translator edits).

A catalog is a YAML mapping, nested for readability; keys are addressed with dots
(`card.try_again`). Values are `str.format` templates. English is the reference: every other
catalog must have exactly its keys and placeholders (tests/bot/test_i18n.py checks that).
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import yaml

from coach.errors import CoachError
from coach.language import LANGUAGES

MESSAGES = Path(__file__).resolve().parent / "messages"
REFERENCE = "en"

# How each language names itself (the /lang keyboard shows these).
NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "ko": "한국어",
    "id": "Bahasa Indonesia",
    "da": "Dansk",
    "tr": "Türkçe",
    "hi": "हिन्दी",
}
FLAGS: dict[str, str] = {"en": "🇬🇧", "ko": "🇰🇷", "id": "🇮🇩", "da": "🇩🇰", "tr": "🇹🇷", "hi": "🇮🇳"}


def flatten(data: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flattened catalog of one language (cached; the files ship with the package)."""
    path = MESSAGES / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CoachError(f"{path}: cannot read the bot messages: {exc}") from None
    if not isinstance(data, dict):
        raise CoachError(f"{path}: the bot messages must be a mapping")
    return flatten(data)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text(lang: str, key: str, /, **values: object) -> str:
    """The message `key` in `lang` (English when missing), with `values` filled in."""
    messages = catalog(lang if lang in LANGUAGES else REFERENCE)
    template = messages.get(key)
    if template is None:
        template = catalog(REFERENCE).get(key)
        if template is None:
            raise KeyError(f"no bot message '{key}'")
    return template.format(**values) if values else template


def pick_language(code: str | None, default: str = REFERENCE) -> str:
    """One of the six languages for a Telegram `language_code` ("ko", "en-US", "pt-br" …)."""
    if not code:
        return default
    base = code.replace("_", "-").split("-", 1)[0].lower()
    if base in LANGUAGES:
        return base
    return {"ms": "id", "nb": "da", "no": "da", "nn": "da"}.get(base, default)


def check_catalogs() -> list[str]:
    """Problems with the catalogs: missing or extra keys, differing placeholders, empty messages."""
    problems: list[str] = []
    reference = catalog(REFERENCE)
    for lang in LANGUAGES:
        messages = catalog(lang)
        for key in sorted(set(reference) - set(messages)):
            problems.append(f"{lang}: missing '{key}'")
        for key in sorted(set(messages) - set(reference)):
            problems.append(f"{lang}: '{key}' is not in the English catalog")
        for key in sorted(set(reference) & set(messages)):
            if placeholders(reference[key]) != placeholders(messages[key]):
                problems.append(f"{lang}: '{key}' has placeholders {sorted(placeholders(messages[key]))}, "
                                f"English has {sorted(placeholders(reference[key]))}")
            if not messages[key].strip():
                problems.append(f"{lang}: '{key}' is empty")
    return problems
