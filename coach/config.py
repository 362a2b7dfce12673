"""Project configuration: `[tool.coach]` in pyproject.toml or a coach.toml, found from the working folder up."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError
from coach.language import LANGUAGES
from coach.phrasebook.model import SEVERITIES
from coach.suggest import did_you_mean

KEYS = ("phrasebooks", "scenarios", "disable", "lang", "fail_on")


@dataclass(frozen=True, slots=True)
class Config:
    phrasebooks: tuple[Path, ...] = ()  # a team's own folders, added after the shipped ones
    scenarios: tuple[Path, ...] = ()
    disable: frozenset[str] = frozenset()  # rule ids, or lang:id for one language only
    lang: str = "auto"
    fail_on: str = "warning"
    path: Path | None = None


def find_config(start: Path | None = None) -> Config:
    """The nearest coach.toml, or pyproject.toml with a [tool.coach] table; defaults when there is none."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        coach_toml = candidate / "coach.toml"
        if coach_toml.is_file():
            data = _read(coach_toml)
            return _parse(data.get("coach", data), coach_toml)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _read(pyproject).get("tool", {}).get("coach")
            if table is not None:
                return _parse(table, pyproject)
    return Config()


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CoachError(f"{path}: cannot read the configuration: {exc}") from None


def _parse(table: dict, path: Path) -> Config:
    for key in table:
        if key not in KEYS:
            raise CoachError(f"{path}: unknown setting '{key}'" + did_you_mean(key, KEYS))
    base = path.parent
    lang = table.get("lang", "auto")
    if lang != "auto" and lang not in LANGUAGES:
        raise CoachError(f"{path}: lang must be auto or one of {', '.join(LANGUAGES)}, not '{lang}'")
    fail_on = table.get("fail_on", "warning")
    if fail_on not in SEVERITIES:
        raise CoachError(f"{path}: fail_on must be one of {', '.join(SEVERITIES)}, not '{fail_on}'")
    return Config(
        phrasebooks=tuple(base / p for p in _strings(table, "phrasebooks", path)),
        scenarios=tuple(base / p for p in _strings(table, "scenarios", path)),
        disable=frozenset(_strings(table, "disable", path)),
        lang=lang,
        fail_on=fail_on,
        path=path,
    )


def _strings(table: dict, key: str, path: Path) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CoachError(f"{path}: {key} must be a list of strings")
    return value
