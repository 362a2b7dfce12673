"""The loader and `coach lint` for scenarios: each class of problem, found at its file:line:col.

Every case breaks the valid fixture scenario (fixtures/scenarios/en/parcel.yaml) in one small way
and writes it as a real YAML file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.checker import Checker
from coach.cli.main import main
from coach.scenario.lint import is_scenario_path, lint_scenarios
from coach.scenario.loader import ScenarioLibrary, load_scenarios

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_PHRASEBOOKS, FIXTURE_SCENARIOS = FIXTURES / "phrasebooks", FIXTURES / "scenarios"

BASE = (FIXTURE_SCENARIOS / "en" / "parcel.yaml").read_text(encoding="utf-8")


def write(root: Path, text: str, lang: str = "en", name: str = "parcel") -> Path:
    folder = root / "scenarios" / lang
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root / "scenarios"


def mutate(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def line_of(text: str, marker: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if marker in line)


NODE_BLOCK = "  angry:\n"

CASES = [
    # (name, old, new, expected message, the text on the reported line)
    ("unknown key", "title: The late parcel", "titel: The late parcel",
     "unknown key 'titel' (did you mean 'title'?)", "titel:"),
    ("unknown checklist move", "{move: timeframe, weight: 2}", "{move: timefrme, weight: 2}",
     "unknown move 'timefrme' (did you mean 'timeframe'?)", "timefrme"),
    ("unknown move in a condition", "when: {moves: [timeframe]}", "when: {moves: [time_frame]}",
     "unknown move 'time_frame' (did you mean 'timeframe'?)", "time_frame"),
    ("unknown category", "when: {risk: [dismissive]}", "when: {risk: [dismisive]}",
     "unknown category 'dismisive'", "dismisive"),
    ("unknown goto", "        goto: angry\n        say: Don't", "        goto: angyr\n        say: Don't",
     "'goto: angyr' is neither a node nor an ending (did you mean 'angry'?)", "goto: angyr"),
    ("unknown limit ending", "on_turns: leaves", "on_turns: leave",
     "'leave' is not an ending (did you mean 'leaves'?)", "on_turns: leave"),
    ("difficulty", "difficulty: easy", "difficulty: eazy",
     "difficulty must be one of easy, medium, hard, not 'eazy' (did you mean 'easy'?)", "difficulty"),
    ("wrong type", "pass_score: 70", "pass_score: high",
     "'pass_score' must be a whole number from 1 to 100, not 'high'", "pass_score"),
    ("out of range", "  mood: 50\n", "  mood: 150\n", "'mood' must be a whole number from 0 to 100", "mood: 150"),
    ("missing key", "    hint: Give a day.\n", "", "missing 'hint'", "  plan:"),
    ("invalid yaml", "title: The late parcel", "title: [The late parcel", "invalid YAML", None),
    ("duplicate key", "pass_score: 70", "pass_score: 70\npass_score: 80", "duplicate key 'pass_score'",
     "pass_score: 80"),
    ("id and file name", "id: parcel", "id: parcels", "does not match the file name 'parcel.yaml'", "id: parcels"),
    ("lang and folder", "lang: en", "lang: da", "lang 'da' does not match the folder 'en'", "lang: da"),
    ("unreachable node", NODE_BLOCK, "  orphan:\n    say: Hi\n    model_answer: Hello.\n    hint: Hi.\n"
     "    branches:\n      - goto: resolved\n" + NODE_BLOCK,
     "node 'orphan' cannot be reached", "orphan:"),
    ("dead end", "      - when: {moves: [next_step]}\n        goto: callback\n",
     "      - when: {moves: [next_step]}\n        goto: loop\n",
     "no ending can be reached from node 'loop'", "loop:"),
    ("no default branch", "      - goto: manager\nendings:", "endings:",
     "node 'angry' has no default branch", "when: {moves: [apology]}"),
    ("branch after the default", "      - goto: manager\nendings:", "      - goto: manager\n      - when: {risk: any}"
     "  # shadowed\n        goto: leaves\nendings:", "this branch is never taken", "# shadowed"),
    ("node and ending share an id", NODE_BLOCK, "  leaves:\n    say: Hi\n    model_answer: Hello.\n    hint: Hi.\n"
     "    branches:\n      - goto: resolved\n" + NODE_BLOCK, "'leaves' is both a node and an ending", "  leaves:"),
]


@pytest.mark.parametrize(("name", "old", "new", "message", "marker"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_reported_where_it_is(tmp_path: Path, fixture_checker: Checker, name: str, old: str,
                                               new: str, message: str, marker: str | None) -> None:
    text = mutate(old, new)
    if name == "dead end":
        text = text.replace(NODE_BLOCK, "  loop:\n    say: Again?\n    model_answer: I'm sorry.\n"
                            "    hint: Hi.\n    branches:\n      - goto: loop\n" + NODE_BLOCK, 1)
    root = write(tmp_path, text)
    result = lint_scenarios([root], fixture_checker)
    matching = [p for p in result.problems if message in p.message]
    assert matching, f"expected {message!r} in {[str(p) for p in result.problems]}"
    problem = matching[0]
    assert problem.severity == "error"
    assert problem.path.endswith("scenarios/en/parcel.yaml")
    if marker is not None:
        # a problem with a node points at the node (its name, or the line below it where its content starts)
        assert problem.line - line_of(text, marker) in ((0, 1) if marker.endswith(":") else (0,)), str(problem)
    assert problem.column >= 1
    assert not load_scenarios([root]).scenarios, "a scenario with errors is not loaded"


def test_a_model_answer_that_is_flagged(tmp_path: Path, fixture_checker: Checker) -> None:
    text = mutate("model_answer: I'm sorry. I'll send a replacement today.",
                  "model_answer: Calm down, I'm sorry. I'll send a replacement today.")
    problems = lint_scenarios([write(tmp_path, text)], fixture_checker).problems
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "node 'angry': the model answer is flagged by dismissive.calm-down (dismissive) at 'Calm down'; "
        "a model answer must be clean"]
    assert problems[0].line == line_of(text, "Calm down, I'm sorry")


def test_a_model_answer_that_misses_the_expected_moves(tmp_path: Path, fixture_checker: Checker) -> None:
    text = mutate("model_answer: It will arrive by Friday, and I'll send you the tracking link today.",
                  "model_answer: It's on its way, and I'll send you the tracking link.")
    problems = lint_scenarios([write(tmp_path, text)], fixture_checker).problems
    assert len(problems) == 1 and "does not show timeframe, which the node expects" in problems[0].message


def test_a_model_answer_in_another_language(tmp_path: Path, fixture_checker: Checker) -> None:
    text = mutate("model_answer: I'm sorry. I'll send a replacement today.",
                  "model_answer: Det er jeg virkelig ked af, jeg sender en ny pakke i dag.")
    problems = lint_scenarios([write(tmp_path, text)], fixture_checker).problems
    assert len(problems) == 1 and "looks like Danish" in problems[0].message


def test_model_answers_must_lead_to_a_good_ending(tmp_path: Path, fixture_checker: Checker) -> None:
    text = mutate("      - when: {moves: [apology, timeframe]}\n        goto: resolved",
                  "      - when: {moves: [apology, timeframe]}\n        goto: manager")
    problems = lint_scenarios([write(tmp_path, text)], fixture_checker).problems
    assert [p.message for p in problems] == [
        "answering every step with its model answer ends in 'manager', not in a good ending, after 1 turns; "
        "check the branches the model answers take"]


def test_model_answers_must_reach_the_pass_score(tmp_path: Path, fixture_checker: Checker) -> None:
    text = mutate("pass_score: 70", "pass_score: 100").replace(
        "  - {move: next_step, weight: 1}", "  - {move: next_step, weight: 1}\n  - {move: greeting, weight: 5}")
    problems = lint_scenarios([write(tmp_path, text)], fixture_checker).problems
    assert len(problems) == 1 and "below pass_score 100" in problems[0].message


def test_a_scenario_missing_in_another_language_is_a_warning(tmp_path: Path, fixture_checker: Checker) -> None:
    root = write(tmp_path, BASE)
    other = mutate("id: parcel", "id: other").replace("lang: en", "lang: da")
    write(tmp_path, other, lang="da", name="other")
    problems = lint_scenarios([root], fixture_checker).problems
    messages = sorted((p.severity, p.message) for p in problems)
    assert ("warning", "scenario 'parcel' has no 'da' version (expected scenarios/da/parcel.yaml)") in messages
    assert ("warning", "scenario 'other' (da) has no English original with the same id") in messages
    assert ("warning", "no 'da' phrasebook is loaded, so the model answers were not checked") in messages
    assert all(p.severity == "warning" for p in problems)


def test_the_fixture_is_clean(fixture_checker: Checker) -> None:
    result = lint_scenarios([FIXTURE_SCENARIOS], fixture_checker)
    assert result.problems == () and result.scenarios == 1 and result.model_answers == 3


def test_reload_keeps_the_last_good_set(tmp_path: Path) -> None:
    root = write(tmp_path, BASE)
    library = ScenarioLibrary([root])
    assert not library.reload().errors and library.get("parcel", "en").title == "The late parcel"
    (root / "en" / "parcel.yaml").write_text(mutate("title: The late parcel", "title: [broken"), encoding="utf-8")
    write(tmp_path, mutate("id: parcel", "id: second"), name="second")
    failed = library.reload()
    assert failed.errors and "invalid YAML" in failed.errors[0].message
    assert library.current.ids() == ["parcel"] and library.get("parcel", "en").title == "The late parcel"
    (root / "en" / "parcel.yaml").write_text(mutate("title: The late parcel", "title: The later parcel"),
                                            encoding="utf-8")
    assert not library.reload().errors
    assert library.current.ids() == ["parcel", "second"]
    assert library.get("parcel", "en").title == "The later parcel"


def test_unknown_ids_and_languages_say_what_exists(tmp_path: Path) -> None:
    from coach.errors import CoachError

    loaded = load_scenarios([write(tmp_path, BASE)])
    with pytest.raises(CoachError, match=r"unknown scenario 'parcl' \(did you mean 'parcel'\?\); the scenarios are"):
        loaded.get("parcl", "en")
    with pytest.raises(CoachError, match="scenario 'parcel' has no 'ko' version; it is written in en"):
        loaded.get("parcel", "ko")


def test_which_paths_are_scenarios(tmp_path: Path) -> None:
    assert is_scenario_path(Path("scenarios")) and is_scenario_path(Path("scenarios/en/angry-client.yaml"))
    assert is_scenario_path(FIXTURE_SCENARIOS)
    assert not is_scenario_path(FIXTURE_PHRASEBOOKS) and not is_scenario_path(Path("phrasebooks/en"))
    loose = tmp_path / "mine.yaml"
    loose.write_text(BASE, encoding="utf-8")
    assert is_scenario_path(loose)


def test_coach_lint_reports_scenario_problems_with_positions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COACH_PHRASEBOOKS", str(FIXTURE_PHRASEBOOKS))
    assert main(["lint", str(FIXTURE_SCENARIOS)]) == 0
    assert "1 scenarios, 3 model answers checked: 0 errors, 0 warnings" in capsys.readouterr().err
    text = mutate("{move: timeframe, weight: 2}", "{move: timefrme, weight: 2}")
    root = write(tmp_path, text)
    assert main(["lint", str(root)]) == 1
    out, err = capsys.readouterr()
    line = line_of(text, "timefrme")
    assert f"en/parcel.yaml:{line}:" in out and "(did you mean 'timeframe'?)" in out
    assert "1 errors" in err and "Traceback" not in out + err


def test_an_empty_language_folder_lists_what_is_left_to_translate(tmp_path: Path, fixture_checker: Checker) -> None:
    root = write(tmp_path, BASE)
    (root / "ko").mkdir()
    problems = lint_scenarios([root], fixture_checker).problems
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "scenario 'parcel' has no 'ko' version (expected scenarios/ko/parcel.yaml)")]
