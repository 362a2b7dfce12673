"""Message catalogs in six languages: one YAML file per language in a folder (data a translator edits).

A catalog is a YAML mapping, nested for readability; keys are addressed with dots (`card.try_again`).
Values are `str.format` templates. English is the reference: every other catalog must have exactly its
keys and placeholders (`Catalogs.check` lists what differs). Each shell keeps its own folder: the bot's
in `coach/bot/messages`, the terminal's in `coach/cli/messages`.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import yaml

from coach.errors import CoachError
from coach.language import LANGUAGES

REFERENCE = "en"

# How each language names itself.
NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "ko": "한국어",
    "id": "Bahasa Indonesia",
    "da": "Dansk",
    "tr": "Türkçe",
    "hi": "हिन्दी",
}


def flatten(data: dict, prefix: str = "") -> dict[str, str]:
    """`{"a": {"b": "x"}}` → `{"a.b": "x"}`."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def placeholders(template: str) -> set[str]:
    """The names of the `{fields}` in a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def read_catalog(path: Path, what: str = "messages") -> dict[str, str]:
    """The flattened catalog in `path`; a CoachError when it cannot be read or is not a mapping."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CoachError(f"{path}: cannot read the {what}: {exc}") from None
    if not isinstance(data, dict):
        raise CoachError(f"{path}: the {what} must be a mapping")
    return flatten(data)


class Catalogs:
    """The catalogs `<lang>.yaml` in one folder, read once each, with English as the fallback."""

    def __init__(self, folder: Path, what: str = "messages") -> None:
        self.folder = folder
        self.what = what  # for error messages: "bot messages", "terminal messages"
        self.catalog = cache(self._read)

    def _read(self, lang: str) -> dict[str, str]:
        """The flattened catalog of one language (cached; the files ship with the package)."""
        return read_catalog(self.folder / f"{lang}.yaml", self.what)

    def text(self, lang: str, key: str, /, **values: object) -> str:
        """The message `key` in `lang` (English when missing), with `values` filled in."""
        template = self.catalog(lang if lang in LANGUAGES else REFERENCE).get(key)
        if template is None:
            template = self.catalog(REFERENCE).get(key)
            if template is None:
                raise KeyError(f"no {self.what.removesuffix('s')} '{key}'")
        return template.format(**values) if values else template

    def check(self) -> list[str]:
        """Problems with the catalogs: missing or extra keys, differing placeholders, empty messages."""
        problems: list[str] = []
        reference = self.catalog(REFERENCE)
        for lang in LANGUAGES:
            messages = self.catalog(lang)
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
