"""Loading scenario YAML into the model, reporting every problem with file:line:col.

`load_scenarios(paths)` reads a whole folder (scenarios/<lang>/<id>.yaml) and returns the good
scenarios with every problem found. `ScenarioLibrary` holds the current set for a long-running
shell (the Telegram bot): `reload()` swaps in a new set only when it loads without errors, so a
trainer's typo never takes the running scenarios away.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import CoachError, Problem
from coach.language import LANGUAGES
from coach.phrasebook.loader import _list, _required_str, _unknown_keys  # the same rules for every YAML file
from coach.phrasebook.loader import phrasebook_files as scenario_files  # the YAML files below some paths
from coach.phrasebook.model import CATEGORIES, MOVES, Source
from coach.scenario.graph import graph_problems
from coach.scenario.model import (
    DEFAULT_HINT_COST,
    DEFAULT_TURNS,
    DIFFICULTIES,
    MOOD_MAX,
    RISK_ANY,
    RISK_NONE,
    SOOTHING_MOVES,
    Branch,
    Brief,
    ChecklistItem,
    Condition,
    Ending,
    Limits,
    Node,
    Persona,
    Scenario,
)
from coach.suggest import did_you_mean
from coach.yamlfile import YamlDocument, load_yaml

TOP_KEYS = ("id", "lang", "title", "brief", "difficulty", "pass_score", "hint_cost", "persona", "checklist",
            "limits", "start", "nodes", "endings", "note")
BRIEF_KEYS = ("situation", "facts", "goal")
PERSONA_KEYS = ("name", "about", "mood", "calms", "escalates", "soothed_by")
CHECKLIST_KEYS = ("move", "weight")
LIMIT_KEYS = ("turns", "on_turns", "mood", "on_mood")
NODE_KEYS = ("say", "expects", "model_answer", "hint", "branches", "note")
BRANCH_KEYS = ("when", "mood", "goto", "say", "note")
WHEN_KEYS = ("risk", "moves", "any_moves", "missing", "mood_above", "mood_below", "turn_at_least",
             "turn_at_most")
ENDING_KEYS = ("title", "good", "say", "note")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_TURNS = 30


@dataclass(frozen=True, slots=True)
class ScenarioSet:
    """The scenarios that loaded, keyed by (id, lang), and every problem found on the way."""

    scenarios: Mapping[tuple[str, str], Scenario] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    files: tuple[Path, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    def ids(self) -> list[str]:
        return sorted({scenario_id for scenario_id, _ in self.scenarios})

    def languages(self, scenario_id: str) -> list[str]:
        """The languages the scenario is written in, in the order of LANGUAGES."""
        return [lang for lang in LANGUAGES if (scenario_id, lang) in self.scenarios]

    def in_language(self, lang: str) -> list[Scenario]:
        return [s for (_, s_lang), s in sorted(self.scenarios.items()) if s_lang == lang]

    def get(self, scenario_id: str, lang: str) -> Scenario:
        """The scenario, or a CoachError that says what exists instead."""
        scenario = self.scenarios.get((scenario_id, lang))
        if scenario is not None:
            return scenario
        langs = self.languages(scenario_id)
        if langs:
            raise CoachError(f"scenario '{scenario_id}' has no '{lang}' version; it is written in "
                             f"{', '.join(langs)}")
        ids = self.ids()
        known = f"; the scenarios are: {', '.join(ids)}" if ids else "; no scenarios are loaded"
        raise CoachError(f"unknown scenario '{scenario_id}'" + did_you_mean(scenario_id, ids) + known)


def load_scenarios(paths: Sequence[Path]) -> ScenarioSet:
    """Load every scenario file below `paths`; a broken file is reported and left out."""
    scenarios: dict[tuple[str, str], Scenario] = {}
    problems: list[Problem] = []
    files = scenario_files(paths)
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), 0, 0, "no such file or folder"))
    for file in files:
        doc = load_yaml(file)
        scenario = parse_scenario(doc, file)
        problems.extend(doc.problems)
        if scenario is None:
            continue
        if scenario.key in scenarios:
            first = scenarios[scenario.key].source
            where = scenario.source
            problems.append(Problem(where.path, where.line, where.column,
                                    f"scenario '{scenario.id}' ({scenario.lang}) is defined twice; "
                                    f"first at {first}"))
            continue
        scenarios[scenario.key] = scenario
    return ScenarioSet(scenarios, tuple(problems), tuple(files))


class ScenarioLibrary:
    """The scenarios a long-running shell plays; reloading keeps the last good set on failure."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self._current = ScenarioSet()
        self._lock = threading.Lock()

    @property
    def current(self) -> ScenarioSet:
        return self._current

    def reload(self) -> ScenarioSet:
        """Load the folders again. On any error the current set stays; the returned set has the problems.

        Returns the freshly loaded set (check `.errors`): when it has errors, `current` is unchanged.
        """
        fresh = load_scenarios(self.paths)
        if not fresh.errors:
            with self._lock:
                self._current = fresh
        return fresh

    def get(self, scenario_id: str, lang: str) -> Scenario:
        return self._current.get(scenario_id, lang)


# --- one file ---------------------------------------------------------------------------------------


def parse_scenario(doc: YamlDocument, file: Path | None = None) -> Scenario | None:
    """The scenario in one YAML document, or None; problems are added to `doc.problems`."""
    data = doc.data
    if doc.problems and data is None:
        return None
    if not isinstance(data, dict):
        doc.problem((), "a scenario is a mapping with id, lang, title, brief, persona, checklist, nodes, endings")
        return None
    _unknown_keys(doc, (), data, TOP_KEYS)
    folder_lang = file.parent.name if file is not None and file.parent.name in LANGUAGES else None

    scenario_id = _required_str(doc, (), data, "id")
    if scenario_id and not NAME.match(scenario_id):
        doc.problem(("id",), f"id '{scenario_id}' must be lower-case letters, digits, '-' or '_'")
    if scenario_id and file is not None and file.stem != scenario_id:
        doc.problem(("id",), f"id '{scenario_id}' does not match the file name '{file.name}'; "
                    f"name the file {scenario_id}.yaml")
    lang = data.get("lang", folder_lang)
    if lang not in LANGUAGES:
        doc.problem(("lang",), f"unknown language '{lang}'; use one of {', '.join(LANGUAGES)}"
                    + did_you_mean(str(lang), LANGUAGES))
    elif folder_lang is not None and lang != folder_lang:
        doc.problem(("lang",), f"lang '{lang}' does not match the folder '{folder_lang}'")
    title = _required_str(doc, (), data, "title")
    brief = _brief(doc, data.get("brief"))
    difficulty = data.get("difficulty")
    if difficulty not in DIFFICULTIES:
        doc.problem(("difficulty",) if "difficulty" in data else (),
                    f"difficulty must be one of {', '.join(DIFFICULTIES)}, not '{difficulty}'"
                    + did_you_mean(str(difficulty), DIFFICULTIES))
    pass_score = _int(doc, ("pass_score",), data.get("pass_score"), 1, 100, required=True)
    hint_cost = _int(doc, ("hint_cost",), data.get("hint_cost", DEFAULT_HINT_COST), 0, 50)
    persona = _persona(doc, data.get("persona"))
    checklist = _checklist(doc, data.get("checklist"))
    endings = _endings(doc, data.get("endings"))
    nodes = _nodes(doc, data.get("nodes"), endings)
    limits = _limits(doc, data.get("limits"), endings)
    start = data.get("start", next(iter(nodes), None))
    if "start" in data and start not in nodes:
        doc.problem(("start",), f"start '{start}' is not a node" + did_you_mean(str(start), nodes))
    if _error_count(doc) or None in (brief, persona, limits) or not nodes:
        return None  # (duplicate keys and other YAML problems count too)
    line, column = doc.where(())
    scenario = Scenario(
        id=scenario_id, lang=lang, title=title.strip(), brief=brief, difficulty=difficulty,
        pass_score=pass_score, persona=persona, checklist=checklist, start=start, nodes=nodes,
        endings=endings, limits=limits, hint_cost=hint_cost, source=Source(doc.path, line, column),
    )
    doc.problems.extend(graph_problems(scenario))
    if _error_count(doc):
        return None
    return scenario


def _brief(doc: YamlDocument, value: Any) -> Brief | None:
    path = ("brief",)
    if not isinstance(value, dict):
        doc.problem(path if value is not None else (),
                    "'brief' is a mapping with situation, facts (a list) and goal")
        return None
    _unknown_keys(doc, path, value, BRIEF_KEYS)
    situation = _required_str(doc, path, value, "situation")
    goal = _required_str(doc, path, value, "goal")
    facts = _texts(doc, (*path, "facts"), value.get("facts"), required=False)
    return Brief(situation.strip(), facts, goal.strip())


def _persona(doc: YamlDocument, value: Any) -> Persona | None:
    path = ("persona",)
    if not isinstance(value, dict):
        doc.problem(path if value is not None else (),
                    "'persona' is a mapping with name, about, mood (0 calm … 100 furious)")
        return None
    _unknown_keys(doc, path, value, PERSONA_KEYS)
    name = _required_str(doc, path, value, "name")
    about = _required_str(doc, path, value, "about")
    mood = _int(doc, (*path, "mood"), value.get("mood"), 0, MOOD_MAX, required=True)
    calms = _number(doc, (*path, "calms"), value.get("calms", 1.0), 0.0, 5.0)
    escalates = _number(doc, (*path, "escalates"), value.get("escalates", 1.0), 0.0, 5.0)
    soothed_by = dict(SOOTHING_MOVES)
    table = value.get("soothed_by", {})
    if not isinstance(table, dict):
        doc.problem((*path, "soothed_by"), "'soothed_by' maps moves to mood points, e.g. {apology: 10}")
    else:
        for move, points in table.items():
            if move not in MOVES:
                doc.problem((*path, "soothed_by", move), f"unknown move '{move}'" + did_you_mean(move, MOVES))
                continue
            soothed_by[move] = _int(doc, (*path, "soothed_by", move), points, 0, 50)
    return Persona(name.strip(), about.strip(), mood, calms, escalates, soothed_by)


def _checklist(doc: YamlDocument, value: Any) -> tuple[ChecklistItem, ...]:
    path = ("checklist",)
    items = _list(doc, path, value)
    if not items:
        doc.problem(path if value is not None else (), "'checklist' needs at least one move with a weight")
    found: list[ChecklistItem] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = (*path, i)
        if not isinstance(item, dict):
            doc.problem(where, "a checklist item is a mapping: {move: apology, weight: 2}")
            continue
        _unknown_keys(doc, where, item, CHECKLIST_KEYS)
        move = item.get("move")
        if move not in MOVES:
            doc.problem((*where, "move") if "move" in item else where,
                        f"unknown move '{move}'" + did_you_mean(str(move), MOVES))
            continue
        if move in seen:
            doc.problem((*where, "move"), f"move '{move}' is in the checklist twice")
            continue
        seen.add(move)
        weight = _int(doc, (*where, "weight"), item.get("weight", 1), 1, 10)
        line, column = doc.where(where)
        found.append(ChecklistItem(move, weight, Source(doc.path, line, column)))
    return tuple(found)


def _limits(doc: YamlDocument, value: Any, endings: Mapping[str, Ending]) -> Limits | None:
    path = ("limits",)
    if value is None:
        doc.problem((), "missing 'limits': say after how many turns the scenario ends, and how "
                    "(limits: {turns: 8, on_turns: customer-leaves})")
        return None
    if not isinstance(value, dict):
        doc.problem(path, "'limits' is a mapping with turns, on_turns, and optionally mood, on_mood")
        return None
    _unknown_keys(doc, path, value, LIMIT_KEYS)
    turns = _int(doc, (*path, "turns"), value.get("turns", DEFAULT_TURNS), 1, MAX_TURNS)
    on_turns = _ending_ref(doc, (*path, "on_turns"), value.get("on_turns"), endings, required=True)
    mood = value.get("mood")
    on_mood = None
    if mood is not None:
        mood = _int(doc, (*path, "mood"), mood, 1, MOOD_MAX)
        on_mood = _ending_ref(doc, (*path, "on_mood"), value.get("on_mood"), endings, required=True)
    elif "on_mood" in value:
        doc.problem((*path, "on_mood"), "'on_mood' needs 'mood': the mood at which the scenario ends")
    return Limits(turns, on_turns or "", mood, on_mood)


def _ending_ref(doc: YamlDocument, path: tuple, value: Any, endings: Mapping[str, Ending],
                required: bool) -> str | None:
    if value is None:
        if required:
            doc.problem(path[:-1], f"missing '{path[-1]}': the id of an ending")
        return None
    if value not in endings:
        doc.problem(path, f"'{value}' is not an ending" + did_you_mean(str(value), endings))
        return None
    return value


def _endings(doc: YamlDocument, value: Any) -> dict[str, Ending]:
    path = ("endings",)
    if not isinstance(value, dict) or not value:
        doc.problem(path if value is not None else (),
                    "'endings' maps ending ids to {title, good, say}; a scenario needs at least one")
        return {}
    endings: dict[str, Ending] = {}
    for ending_id, item in value.items():
        where = (*path, ending_id)
        _check_name(doc, where, ending_id, "ending")
        if not isinstance(item, dict):
            doc.problem(where, "an ending is a mapping with title, good (true/false) and say")
            continue
        _unknown_keys(doc, where, item, ENDING_KEYS)
        title = _required_str(doc, where, item, "title")
        good = item.get("good")
        if not isinstance(good, bool):
            doc.problem((*where, "good") if "good" in item else where,
                        "'good' must be true (a good outcome) or false (a bad one)")
        say = _says(doc, where, item)
        line, column = doc.where(where)
        endings[ending_id] = Ending(ending_id, title.strip(), bool(good), say, Source(doc.path, line, column))
    return endings


def _nodes(doc: YamlDocument, value: Any, endings: Mapping[str, Ending]) -> dict[str, Node]:
    path = ("nodes",)
    if not isinstance(value, dict) or not value:
        doc.problem(path if value is not None else (),
                    "'nodes' maps node ids to {say, expects, model_answer, hint, branches}; "
                    "a scenario needs at least one")
        return {}
    targets = set(value) | set(endings)
    nodes: dict[str, Node] = {}
    for node_id, item in value.items():
        where = (*path, node_id)
        _check_name(doc, where, node_id, "node")
        if node_id in endings:
            doc.problem(where, f"'{node_id}' is both a node and an ending; give them different ids")
        if not isinstance(item, dict):
            doc.problem(where, "a node is a mapping with say, expects, model_answer, hint and branches")
            continue
        _unknown_keys(doc, where, item, NODE_KEYS)
        say = _says(doc, where, item)
        expects = _moves(doc, (*where, "expects"), item.get("expects"))
        model_answer = _required_str(doc, where, item, "model_answer")
        hint = _required_str(doc, where, item, "hint")
        branch_items = _list(doc, (*where, "branches"), item.get("branches"))
        if not branch_items:
            doc.problem(where, f"node '{node_id}' needs 'branches': where each reply leads")
        branches = tuple(b for i, raw in enumerate(branch_items)
                         if (b := _branch(doc, (*where, "branches", i), raw, targets)) is not None)
        line, column = doc.where(where)
        answer_line, answer_column = doc.where((*where, "model_answer"))
        nodes[node_id] = Node(node_id, say, model_answer.strip(), hint.strip(), branches, expects,
                              Source(doc.path, line, column), Source(doc.path, answer_line, answer_column))
    return nodes


def _branch(doc: YamlDocument, path: tuple, item: Any, targets: set[str]) -> Branch | None:
    if not isinstance(item, dict):
        doc.problem(path, "a branch is a mapping with when (optional), mood and goto")
        return None
    _unknown_keys(doc, path, item, BRANCH_KEYS)
    goto = item.get("goto")
    if goto is None:
        doc.problem(path, "missing 'goto': the node or ending this branch leads to")
        return None
    if goto not in targets:
        doc.problem((*path, "goto"), f"'goto: {goto}' is neither a node nor an ending"
                    + did_you_mean(str(goto), targets))
        return None
    when = _condition(doc, (*path, "when"), item["when"]) if "when" in item else None
    mood = _int(doc, (*path, "mood"), item.get("mood", 0), -MOOD_MAX, MOOD_MAX)
    say = _texts(doc, (*path, "say"), item.get("say"), required=False) if "say" in item else ()
    line, column = doc.where(path)
    return Branch(goto, when, mood, say, Source(doc.path, line, column))


def _condition(doc: YamlDocument, path: tuple, value: Any) -> Condition | None:
    if not isinstance(value, dict) or not value:
        doc.problem(path, "'when' is a mapping of conditions, e.g. {risk: any} or {moves: [apology]}; "
                    "leave it out for the default branch")
        return None
    _unknown_keys(doc, path, value, WHEN_KEYS)
    risk: tuple[str, ...] = ()
    if "risk" in value:
        raw = value["risk"]
        words = [raw] if isinstance(raw, str) else _list(doc, (*path, "risk"), raw)
        for i, word in enumerate(words):
            where = (*path, "risk") if isinstance(raw, str) else (*path, "risk", i)
            if word in (RISK_ANY, RISK_NONE):
                if len(words) > 1:
                    doc.problem(where, f"'risk: {word}' stands alone; it cannot be listed with categories")
            elif word not in CATEGORIES:
                doc.problem(where, f"unknown category '{word}'; use a category, '{RISK_ANY}' or '{RISK_NONE}'"
                            + did_you_mean(str(word), (*CATEGORIES, RISK_ANY, RISK_NONE)))
        risk = tuple(str(w) for w in words)
    moves = _moves(doc, (*path, "moves"), value.get("moves"))
    any_moves = _moves(doc, (*path, "any_moves"), value.get("any_moves"))
    missing = _moves(doc, (*path, "missing"), value.get("missing"))
    bounds = {key: _int(doc, (*path, key), value[key], 0, MOOD_MAX if key.startswith("mood") else MAX_TURNS)
              for key in WHEN_KEYS[4:] if key in value}
    return Condition(risk, moves, any_moves, missing, **bounds)


def _moves(doc: YamlDocument, path: tuple, value: Any) -> tuple[str, ...]:
    raw = [value] if isinstance(value, str) else _list(doc, path, value)
    found = []
    for i, move in enumerate(raw):
        if move not in MOVES:
            doc.problem(path if isinstance(value, str) else (*path, i),
                        f"unknown move '{move}'" + did_you_mean(str(move), MOVES))
            continue
        found.append(move)
    return tuple(found)


def _says(doc: YamlDocument, path: tuple, item: dict) -> tuple[str, ...]:
    if "say" not in item:
        doc.problem(path, "missing 'say': what the customer says (one line, or a list of variants)")
        return ()
    return _texts(doc, (*path, "say"), item["say"], required=True)


# --- small helpers ----------------------------------------------------------------------------------


def _error_count(doc: YamlDocument) -> int:
    return sum(1 for p in doc.problems if p.severity == "error")


def _check_name(doc: YamlDocument, path: tuple, name: Any, what: str) -> None:
    if not isinstance(name, str) or not NAME.match(name):
        doc.problem(path, f"{what} id '{name}' must be lower-case letters, digits, '-' or '_'")


def _texts(doc: YamlDocument, path: tuple, value: Any, required: bool) -> tuple[str, ...]:
    """One text or a list of texts (variants)."""
    if isinstance(value, str):
        value = [value]
    items = _list(doc, path, value)
    found = []
    for i, text in enumerate(items):
        if not isinstance(text, str) or not text.strip():
            doc.problem((*path, i), "each line must be non-empty text")
            continue
        found.append(" ".join(text.split()))
    if required and not found and value is not None:
        doc.problem(path, "needs at least one line of text")
    return tuple(found)


def _int(doc: YamlDocument, path: tuple, value: Any, low: int, high: int, required: bool = False) -> int:
    if value is None:
        if required:
            doc.problem(path[:-1], f"missing '{path[-1]}' (a whole number from {low} to {high})")
        return low
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        doc.problem(path, f"'{path[-1]}' must be a whole number from {low} to {high}, not {value!r}")
        return max(low, min(high, value)) if isinstance(value, int) and not isinstance(value, bool) else low
    return value


def _number(doc: YamlDocument, path: tuple, value: Any, low: float, high: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        doc.problem(path, f"'{path[-1]}' must be a number from {low:g} to {high:g}, not {value!r}")
        return 1.0
    return float(value)
