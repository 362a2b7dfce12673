"""Linting scenarios: everything the loader finds, plus what needs the checker or several languages.

- schema problems, unknown moves/categories/targets, unreachable nodes, dead ends (the loader);
- a model answer that is flagged, misses its node's expected moves, or is in another language;
- playing every step's model answer must reach a good ending with a passing score;
- a scenario present in English but missing in a language that has scenarios (a warning).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.checker import Checker
from coach.errors import Problem
from coach.language import LANGUAGES
from coach.phrasebook.model import Source
from coach.scenario.engine import ANSWERED, Engine
from coach.scenario.loader import ScenarioSet, load_scenarios, scenario_files
from coach.scenario.model import Scenario
from coach.scenario.scoring import FinalReport
from coach.scenario.screen import screen_reply

SOURCE_LANG = "en"  # scenarios are written in English first, then translated
_NODES_KEY = re.compile(r"^nodes\s*:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ScenarioLintResult:
    problems: tuple[Problem, ...]
    files: int
    scenarios: int
    model_answers: int

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def is_scenario_path(path: Path) -> bool:
    """A path under a `scenarios` folder, a scenario file, or a folder holding only scenario files."""
    if "scenarios" in path.parts or path.resolve().name == "scenarios":
        return True
    files = scenario_files([path]) if path.is_dir() else [path] if path.suffix in (".yaml", ".yml") else []
    return bool(files) and all(_looks_like_scenario(f) for f in files)


def _looks_like_scenario(file: Path) -> bool:
    try:
        return bool(_NODES_KEY.search(file.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def lint_scenarios(paths: Sequence[Path], checker: Checker) -> ScenarioLintResult:
    """Every problem in the scenarios under `paths`, each at its file:line:col."""
    loaded = load_scenarios(paths)
    problems = list(loaded.problems)
    answers = 0
    for scenario in loaded.scenarios.values():
        if scenario.lang not in checker.library.books:
            where = scenario.source
            problems.append(Problem(where.path, where.line, where.column,
                                    f"no '{scenario.lang}' phrasebook is loaded, so the model answers were "
                                    "not checked", "warning"))
            continue
        problems.extend(lint_model_answers(scenario, checker))
        answers += len(scenario.nodes)
    started = {p.name for root in paths if root.is_dir() for p in root.iterdir() if p.is_dir() and p.name in LANGUAGES}
    problems.extend(missing_translations(loaded, started))
    return ScenarioLintResult(tuple(problems), len(loaded.files), len(loaded.scenarios), answers)


def lint_model_answers(scenario: Scenario, checker: Checker) -> list[Problem]:
    """Each model answer is clean, in the scenario's language, shows its node's moves; together they pass."""
    problems: list[Problem] = []
    for node in scenario.nodes.values():
        where = node.answer_source
        rejection = screen_reply(node.model_answer, scenario.lang)
        if rejection is not None:
            problems.append(_at(where, f"node '{node.id}': the model answer is not usable: {rejection.message}"))
            continue
        report = checker.check(node.model_answer, scenario.lang)
        for finding in report.findings:
            problems.append(_at(where, f"node '{node.id}': the model answer is flagged by {finding.rule} "
                                f"({finding.category}) at {finding.matched!r}; a model answer must be clean"))
        missing = [m for m in node.expects if m not in report.moves_shown]
        if missing:
            problems.append(_at(where, f"node '{node.id}': the model answer does not show "
                                f"{', '.join(missing)}, which the node expects"))
    if not problems:
        problems.extend(_model_run_problems(scenario, checker))
    return problems


def play_model_answers(scenario: Scenario, checker: Checker, seed: int = 0) -> FinalReport:
    """Answer every step with its model answer until the game ends (or the turn limit ends it)."""
    engine = Engine(scenario, checker)
    state = engine.start(seed)
    while not state.over:
        result = engine.turn(state, scenario.nodes[state.node].model_answer)
        if result.kind != ANSWERED:
            break
        state = result.state
    return engine.report(state)


def _model_run_problems(scenario: Scenario, checker: Checker) -> list[Problem]:
    report = play_model_answers(scenario, checker)
    where = scenario.source
    if report.outcome != "good":
        ending = report.ending.id if report.ending else report.outcome
        return [_at(where, f"answering every step with its model answer ends in '{ending}', not in a good "
                    f"ending, after {report.turns} turns; check the branches the model answers take")]
    if not report.passed:
        return [_at(where, f"the model answers score {report.score}, below pass_score {scenario.pass_score} "
                    f"(checklist coverage {report.breakdown.coverage:.0%}); lower pass_score or make the model "
                    "answers show the checklist's moves")]
    return []


def missing_translations(loaded: ScenarioSet, started: set[str] | frozenset[str] = frozenset()) -> list[Problem]:
    """Warnings for scenarios in English but not in a language that has been started, and the reverse.

    A language has been started when it has a scenario, or a folder (scenarios/ko/) in `started`.
    """
    problems: list[Problem] = []
    langs = {lang for _, lang in loaded.scenarios} | set(started)
    english = {sid for sid, lang in loaded.scenarios if lang == SOURCE_LANG}
    if SOURCE_LANG not in langs:
        return problems
    for lang in (lang for lang in LANGUAGES if lang in langs and lang != SOURCE_LANG):
        for scenario_id in sorted(english):
            if (scenario_id, lang) not in loaded.scenarios:
                where = loaded.scenarios[(scenario_id, SOURCE_LANG)].source
                problems.append(_at(where, f"scenario '{scenario_id}' has no '{lang}' version "
                                    f"(expected scenarios/{lang}/{scenario_id}.yaml)", "warning"))
        for (scenario_id, s_lang), scenario in sorted(loaded.scenarios.items()):
            if s_lang == lang and scenario_id not in english:
                problems.append(_at(scenario.source, f"scenario '{scenario_id}' ({lang}) has no English "
                                    "original with the same id", "warning"))
    return problems


def _at(where: Source, message: str, severity: str = "error") -> Problem:
    return Problem(where.path, where.line, where.column, message, severity)
