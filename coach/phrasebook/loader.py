"""Loading phrasebook YAML into the model, reporting every problem with file:line:col."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import Problem
from coach.language import LANGUAGES
from coach.phrasebook.model import (
    CATEGORIES,
    CONDITIONS,
    MOVES,
    SEVERITIES,
    Context,
    Move,
    Pattern,
    Phrasebook,
    Rewrite,
    Rule,
    Source,
)
from coach.suggest import did_you_mean
from coach.yamlfile import YamlDocument, load_yaml

TOP_KEYS = ("lang", "rules", "moves", "context")
RULE_KEYS = (
    "id", "category", "severity", "patterns", "exceptions", "unless", "message", "rewrites", "examples",
    "fuzzy", "note",
)
MOVE_KEYS = ("id", "patterns", "exceptions", "unless", "examples", "note")
CONTEXT_KEYS = ("negators", "negators_after", "hedges", "negation_window", "negation_after_window")
REWRITE_KEYS = ("text", "safe")
MIN_EXAMPLES = 2


@dataclass
class LoadResult:
    """Phrasebooks per language plus every problem found while loading them."""

    books: dict[str, Phrasebook] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def phrasebook_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files under the given files and folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            found.append(path)
    return found


def load_phrasebooks(paths: Sequence[Path], langs: Iterable[str] | None = None) -> LoadResult:
    """Load every phrasebook file below `paths`; later paths override rules of earlier ones by id."""
    wanted = set(langs) if langs is not None else None
    result = LoadResult()
    rules: dict[str, dict[str, Rule]] = {}
    moves: dict[str, list[Move]] = {}
    contexts: dict[str, Context] = {}
    for root_index, root in enumerate(paths):
        if not root.exists():
            result.problems.append(Problem(str(root), 0, 0, "no such file or folder"))
            continue
        seen_in_root: dict[tuple[str, str], Source] = {}
        for file in phrasebook_files([root]):
            folder_lang = file.parent.name if file.parent.name in LANGUAGES else None
            if wanted is not None and folder_lang is not None and folder_lang not in wanted:
                continue
            result.files.append(file)
            doc = load_yaml(file)
            parsed = _parse_file(doc, folder_lang)
            result.problems.extend(doc.problems)
            if parsed is None:
                continue
            lang, file_rules, file_moves, context = parsed
            if wanted is not None and lang not in wanted:
                continue
            for rule in file_rules:
                key = (lang, rule.id)
                if key in seen_in_root:
                    result.problems.append(
                        Problem(rule.source.path, rule.source.line, rule.source.column,
                                f"duplicate rule id '{rule.id}' (first defined at {seen_in_root[key]})")
                    )
                    continue
                seen_in_root[key] = rule.source
                if root_index and rule.id in rules.get(lang, {}):
                    result.problems.append(
                        Problem(rule.source.path, rule.source.line, rule.source.column,
                                f"rule '{rule.id}' overrides the one at {rules[lang][rule.id].source}",
                                "warning")
                    )
                rules.setdefault(lang, {})[rule.id] = rule
            moves.setdefault(lang, []).extend(file_moves)
            if context is not None:
                contexts[lang] = context
    for lang in sorted(set(rules) | set(moves) | set(contexts)):
        result.books[lang] = Phrasebook(
            lang, tuple(rules.get(lang, {}).values()), tuple(moves.get(lang, [])), contexts.get(lang, Context())
        )
    return result


def _parse_file(
    doc: YamlDocument, folder_lang: str | None
) -> tuple[str, list[Rule], list[Move], Context | None] | None:
    data = doc.data
    if doc.problems and data is None:
        return None
    if not isinstance(data, dict):
        doc.problem((), "a phrasebook is a mapping with 'lang' and 'rules' and/or 'moves'")
        return None
    _unknown_keys(doc, (), data, TOP_KEYS)
    lang = data.get("lang", folder_lang)
    if lang not in LANGUAGES:
        doc.problem(("lang",), f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}"
                    + did_you_mean(str(lang), LANGUAGES))
        return None
    if folder_lang is not None and lang != folder_lang:
        doc.problem(("lang",), f"lang '{lang}' does not match the folder '{folder_lang}'")
    rules = [r for i, item in enumerate(_list(doc, ("rules",), data.get("rules", [])))
             if (r := _parse_rule(doc, ("rules", i), item, lang)) is not None]
    moves = [m for i, item in enumerate(_list(doc, ("moves",), data.get("moves", [])))
             if (m := _parse_move(doc, ("moves", i), item, lang)) is not None]
    context = _parse_context(doc, data["context"]) if "context" in data else None
    return lang, rules, moves, context


def _parse_rule(doc: YamlDocument, path: tuple, item: Any, lang: str) -> Rule | None:
    if not isinstance(item, dict):
        doc.problem(path, "each rule is a mapping with id, category, severity, patterns, message, rewrites, examples")
        return None
    _unknown_keys(doc, path, item, RULE_KEYS)
    rule_id = _required_str(doc, path, item, "id")
    category = _required_str(doc, path, item, "category")
    if category and category not in CATEGORIES:
        doc.problem((*path, "category"), f"unknown category '{category}'" + did_you_mean(category, CATEGORIES))
    severity = item.get("severity", "warning")
    if severity not in SEVERITIES:
        doc.problem((*path, "severity"), f"severity must be one of {', '.join(SEVERITIES)}, not '{severity}'"
                    + did_you_mean(str(severity), SEVERITIES))
    message = _required_str(doc, path, item, "message")
    patterns = _patterns(doc, path, item, "patterns", required=True)
    exceptions = _patterns(doc, path, item, "exceptions", required=False)
    unless = _unless(doc, path, item)
    rewrites = _rewrites(doc, path, item)
    examples = item.get("examples")
    flag, passing = _examples(doc, path, examples, ("flag", "pass"))
    fuzzy = item.get("fuzzy", True)
    if not isinstance(fuzzy, bool):
        doc.problem((*path, "fuzzy"), "fuzzy must be true or false")
    if not (rule_id and category in CATEGORIES and severity in SEVERITIES and message and patterns):
        return None
    line, column = doc.where(path)
    return Rule(rule_id, lang, category, severity, patterns, message.strip(), rewrites, flag, passing,
                exceptions, unless, bool(fuzzy), Source(doc.path, line, column))


def _parse_move(doc: YamlDocument, path: tuple, item: Any, lang: str) -> Move | None:
    if not isinstance(item, dict):
        doc.problem(path, "each move is a mapping with id, patterns, examples")
        return None
    _unknown_keys(doc, path, item, MOVE_KEYS)
    move_id = _required_str(doc, path, item, "id")
    if move_id and move_id not in MOVES:
        doc.problem((*path, "id"), f"unknown move '{move_id}'" + did_you_mean(move_id, MOVES))
        return None
    patterns = _patterns(doc, path, item, "patterns", required=True)
    exceptions = _patterns(doc, path, item, "exceptions", required=False)
    unless = [u for u in _unless(doc, path, item) if not u.startswith("move:")]
    show, miss = _examples(doc, path, item.get("examples"), ("show", "miss"))
    if not (move_id and patterns):
        return None
    line, column = doc.where(path)
    return Move(move_id, lang, patterns, show, miss, exceptions, tuple(unless), Source(doc.path, line, column))


def _parse_context(doc: YamlDocument, data: Any) -> Context | None:
    path = ("context",)
    if not isinstance(data, dict):
        doc.problem(path, "context is a mapping with negators, negators_after, hedges")
        return None
    _unknown_keys(doc, path, data, CONTEXT_KEYS)
    words = {k: tuple(str(w) for w in _list(doc, (*path, k), data.get(k, []))) for k in CONTEXT_KEYS[:3]}
    windows = {}
    for key, default in (("negation_window", 3), ("negation_after_window", 5)):
        value = data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
            doc.problem((*path, key), f"{key} must be a whole number from 0 to 10")
            value = default
        windows[key] = value
    return Context(words["negators"], words["negators_after"], words["hedges"], **windows)


def _unknown_keys(doc: YamlDocument, path: tuple, data: dict, allowed: Sequence[str]) -> None:
    for key in data:
        if key not in allowed:
            doc.problem((*path, key), f"unknown key '{key}'" + did_you_mean(key, allowed), at_key=True)


def _list(doc: YamlDocument, path: tuple, value: Any) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        doc.problem(path, f"'{path[-1]}' must be a list")
        return []
    return value


def _required_str(doc: YamlDocument, path: tuple, item: dict, key: str) -> str:
    value = item.get(key)
    if value is None:
        doc.problem(path, f"missing '{key}'")
        return ""
    if not isinstance(value, str) or not value.strip():
        doc.problem((*path, key), f"'{key}' must be non-empty text")
        return ""
    return value


def _patterns(doc: YamlDocument, path: tuple, item: dict, key: str, required: bool) -> tuple[Pattern, ...]:
    values = _list(doc, (*path, key), item.get(key))
    if required and not values:
        doc.problem(path, f"'{key}' needs at least one pattern")
    found = []
    for i, value in enumerate(values):
        if not isinstance(value, str | int | float) or not str(value).strip():
            doc.problem((*path, key, i), "a pattern must be non-empty text")
            continue
        line, column = doc.where((*path, key, i))
        found.append(Pattern(str(value).strip(), Source(doc.path, line, column)))
    return tuple(found)


def _unless(doc: YamlDocument, path: tuple, item: dict) -> tuple[str, ...]:
    conditions = []
    for i, value in enumerate(_list(doc, (*path, "unless"), item.get("unless"))):
        value = str(value)
        if value.startswith("move:"):
            if value[5:] not in MOVES:
                doc.problem((*path, "unless", i),
                            f"unknown move '{value[5:]}'" + did_you_mean(value[5:], MOVES))
                continue
        elif value not in CONDITIONS:
            doc.problem((*path, "unless", i), f"unknown condition '{value}'; use "
                        f"{', '.join(CONDITIONS)} or move:<id>" + did_you_mean(value, CONDITIONS))
            continue
        conditions.append(value)
    return tuple(conditions)


def _rewrites(doc: YamlDocument, path: tuple, item: dict) -> tuple[Rewrite, ...]:
    values = _list(doc, (*path, "rewrites"), item.get("rewrites"))
    if not values:
        doc.problem(path, "'rewrites' needs at least one positive alternative")
    found = []
    for i, value in enumerate(values):
        if isinstance(value, str) and value.strip():
            found.append(Rewrite(value.strip()))
        elif isinstance(value, dict):
            _unknown_keys(doc, (*path, "rewrites", i), value, REWRITE_KEYS)
            text, safe = value.get("text"), value.get("safe", False)
            if not isinstance(text, str) or not text.strip():
                doc.problem((*path, "rewrites", i), "a rewrite needs non-empty 'text'")
                continue
            if not isinstance(safe, bool):
                doc.problem((*path, "rewrites", i, "safe"), "safe must be true or false")
                safe = False
            found.append(Rewrite(text.strip(), safe))
        else:
            doc.problem((*path, "rewrites", i), "a rewrite is text, or a mapping with text and safe")
    return tuple(found)


def _examples(
    doc: YamlDocument, path: tuple, value: Any, kinds: tuple[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(value, dict):
        doc.problem(path, f"'examples' needs '{kinds[0]}' and '{kinds[1]}' lists (at least {MIN_EXAMPLES} each)")
        return (), ()
    _unknown_keys(doc, (*path, "examples"), value, kinds)
    result = []
    for kind in kinds:
        texts = []
        for i, text in enumerate(_list(doc, (*path, "examples", kind), value.get(kind))):
            if isinstance(text, (dict, list)):  # YAML read "Note: it ships today" as a mapping
                doc.problem((*path, "examples", kind, i), f"a '{kind}' example must be text, but YAML read this "
                            "one as a mapping or a list (a ': ' inside it does that); put it in quotes")
            elif str(text).strip():
                texts.append(str(text))
        if len(texts) < MIN_EXAMPLES:
            doc.problem((*path, "examples"), f"needs at least {MIN_EXAMPLES} '{kind}' examples, has {len(texts)}")
        result.append(tuple(texts))
    return result[0], result[1]
