"""The shipped scenarios, the annotated example in docs/scenarios.md and the JSON Schemas stay correct."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.checker import Checker
from coach.language import LANGUAGES
from coach.paths import shipped
from coach.phrasebook import loader as phrasebook_loader
from coach.phrasebook.model import CATEGORIES, CONDITIONS, MOVES, SEVERITIES
from coach.scenario import loader as scenario_loader
from coach.scenario.lint import lint_scenarios, play_model_answers
from coach.scenario.loader import load_scenarios
from coach.scenario.model import DIFFICULTIES

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCENARIO_SCHEMA = json.loads((DOCS / "schemas" / "scenario.schema.json").read_text(encoding="utf-8"))
PHRASEBOOK_SCHEMA = json.loads((DOCS / "schemas" / "phrasebook.schema.json").read_text(encoding="utf-8"))
REQUIRED_IDS = ("angry-client", "delay-notice", "small-order", "unknown-answer", "other-department", "out-of-stock",
                "uncertain-refund", "missed-deadline")


def test_every_shipped_scenario_lints_clean(shipped_checker: Checker) -> None:
    result = lint_scenarios([shipped("scenarios")], shipped_checker)
    assert result.errors == (), "\n".join(str(p) for p in result.errors)
    assert result.scenarios >= len(REQUIRED_IDS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_scenario_with_good_and_bad_endings(lang: str) -> None:
    checker = Checker.from_paths([shipped("phrasebooks")], langs=[lang])
    loaded = load_scenarios([shipped("scenarios")])
    english = {scenario_id for scenario_id, scenario_lang in loaded.scenarios if scenario_lang == "en"}
    assert english >= set(REQUIRED_IDS)
    for scenario_id in sorted(english):
        scenario = loaded.get(scenario_id, lang)
        goods = [e for e in scenario.endings.values() if e.good]
        assert len(goods) >= 2 and len(scenario.endings) - len(goods) >= 1, scenario_id
        assert all(n.model_answer and n.hint for n in scenario.nodes.values())
        assert play_model_answers(scenario, checker).passed, scenario_id


# --- docs/scenarios.md --------------------------------------------------------------------------------


def test_the_annotated_example_in_the_guide_is_a_clean_scenario(tmp_path: Path, shipped_checker: Checker) -> None:
    guide = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    section = guide.split("## A complete, annotated scenario", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)
    scenario_id = re.search(r"^id: ([\w-]+)", example, re.MULTILINE).group(1)
    folder = tmp_path / "scenarios" / "en"
    folder.mkdir(parents=True)
    (folder / f"{scenario_id}.yaml").write_text(example, encoding="utf-8")
    result = lint_scenarios([tmp_path / "scenarios"], shipped_checker)
    assert result.problems == (), "\n".join(str(p) for p in result.problems)
    keys = set(yaml.safe_load(example))
    assert keys == set(scenario_loader.TOP_KEYS), "the example shows every top-level key"
    assert validate(SCENARIO_SCHEMA, yaml.safe_load(example)) == []


# --- the JSON Schemas -------------------------------------------------------------------------------


def test_the_scenario_schema_matches_the_loader() -> None:
    props = SCENARIO_SCHEMA["properties"]
    defs = SCENARIO_SCHEMA["definitions"]
    assert set(props) == set(scenario_loader.TOP_KEYS)
    assert set(props["brief"]["properties"]) == set(scenario_loader.BRIEF_KEYS)
    assert set(props["persona"]["properties"]) == set(scenario_loader.PERSONA_KEYS)
    assert set(props["limits"]["properties"]) == set(scenario_loader.LIMIT_KEYS)
    assert set(props["checklist"]["items"]["properties"]) == set(scenario_loader.CHECKLIST_KEYS)
    assert set(defs["node"]["properties"]) == set(scenario_loader.NODE_KEYS)
    assert set(defs["branch"]["properties"]) == set(scenario_loader.BRANCH_KEYS)
    assert set(defs["when"]["properties"]) == set(scenario_loader.WHEN_KEYS)
    assert set(defs["ending"]["properties"]) == set(scenario_loader.ENDING_KEYS)
    assert defs["move"]["enum"] == list(MOVES) and defs["category"]["enum"] == list(CATEGORIES)
    assert props["lang"]["enum"] == list(LANGUAGES) and props["difficulty"]["enum"] == list(DIFFICULTIES)


def test_the_phrasebook_schema_matches_the_loader() -> None:
    props = PHRASEBOOK_SCHEMA["properties"]
    defs = PHRASEBOOK_SCHEMA["definitions"]
    assert set(props) == set(phrasebook_loader.TOP_KEYS)
    assert set(defs["rule"]["properties"]) == set(phrasebook_loader.RULE_KEYS)
    assert set(defs["move"]["properties"]) == set(phrasebook_loader.MOVE_KEYS)
    assert set(defs["context"]["properties"]) == set(phrasebook_loader.CONTEXT_KEYS)
    assert defs["rule"]["properties"]["category"]["enum"] == list(CATEGORIES)
    assert defs["rule"]["properties"]["severity"]["enum"] == list(SEVERITIES)
    assert defs["move"]["properties"]["id"]["enum"] == list(MOVES)
    assert defs["move"]["properties"]["unless"]["items"]["enum"] == list(CONDITIONS)


def yaml_files(kind: str) -> list[Path]:
    return sorted(shipped(kind).glob("*/*.yaml"))


@pytest.mark.parametrize("path", yaml_files("scenarios"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_scenarios_validate_against_the_schema(path: Path) -> None:
    assert validate(SCENARIO_SCHEMA, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_shipped_phrasebooks_validate_against_the_schema() -> None:
    files = yaml_files("phrasebooks") + sorted((Path(__file__).parent / "fixtures" / "phrasebooks").glob("*/*.yaml"))
    broken = {str(p): errors for p in files
              if (errors := validate(PHRASEBOOK_SCHEMA, yaml.safe_load(p.read_text(encoding="utf-8"))))}
    assert broken == {}


def test_the_schema_rejects_what_the_loader_rejects() -> None:
    good = yaml.safe_load((shipped("scenarios") / "en" / "angry-client.yaml").read_text(encoding="utf-8"))
    assert validate(SCENARIO_SCHEMA, good) == []
    assert validate(SCENARIO_SCHEMA, {**good, "titel": "x"}) == ["$: unknown key 'titel'"]
    assert validate(SCENARIO_SCHEMA, {**good, "difficulty": "eazy"}) == ["$.difficulty: 'eazy' not in enum"]
    broken = json.loads(json.dumps(good))
    broken["checklist"][0]["move"] = "apologie"
    assert validate(SCENARIO_SCHEMA, broken) == ["$.checklist[0].move: 'apologie' not in enum"]
    broken = json.loads(json.dumps(good))
    broken["nodes"]["opening"]["branches"][0]["when"]["risk"] = ["overpromse"]
    assert validate(SCENARIO_SCHEMA, broken) == ["$.nodes.opening.branches[0].when.risk: matches no alternative"]


# A small validator for the draft-07 keywords the two schemas use (so the tests need no extra package).


def validate(schema: dict[str, Any], data: Any, root: dict[str, Any] | None = None, where: str = "$") -> list[str]:
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return validate(root["definitions"][name], data, root, where)
    errors: list[str] = []
    types = schema.get("type")
    if types is not None and not any(_is(t, data) for t in ([types] if isinstance(types, str) else types)):
        return [f"{where}: {data!r} is not {types}"]
    if "enum" in schema and data not in schema["enum"]:
        return [f"{where}: {data!r} not in enum"]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            passing = [s for s in schema[key] if not validate(s, data, root, where)]
            if not passing or (key == "oneOf" and len(passing) > 1):
                errors.append(f"{where}: matches {'no' if not passing else 'several'} alternative{'s' * bool(passing)}")
    if isinstance(data, str):
        if len(data) < schema.get("minLength", 0):
            errors.append(f"{where}: too short")
        if "pattern" in schema and not re.search(schema["pattern"], data):
            errors.append(f"{where}: does not match {schema['pattern']}")
    number = isinstance(data, int | float) and not isinstance(data, bool)
    if number and not schema.get("minimum", data) <= data <= schema.get("maximum", data):
        errors.append(f"{where}: {data} out of range")
    if isinstance(data, list):
        if len(data) < schema.get("minItems", 0):
            errors.append(f"{where}: too few items")
        if schema.get("uniqueItems") and len({json.dumps(x, sort_keys=True) for x in data}) != len(data):
            errors.append(f"{where}: repeated items")
        for i, item in enumerate(data):
            if "items" in schema:
                errors.extend(validate(schema["items"], item, root, f"{where}[{i}]"))
    if isinstance(data, dict):
        props = schema.get("properties", {})
        errors.extend(f"{where}: missing '{k}'" for k in schema.get("required", ()) if k not in data)
        if len(data) < schema.get("minProperties", 0):
            errors.append(f"{where}: too few keys")
        for key, deps in schema.get("dependencies", {}).items():
            errors.extend(f"{where}: '{key}' needs '{d}'" for d in deps if key in data and d not in data)
        for key, value in data.items():
            if "propertyNames" in schema:
                errors.extend(validate(schema["propertyNames"], key, root, f"{where}.{key} (name)"))
            if key in props:
                errors.extend(validate(props[key], value, root, f"{where}.{key}"))
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unknown key '{key}'")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors.extend(validate(schema["additionalProperties"], value, root, f"{where}.{key}"))
    return errors


def _is(kind: str, data: Any) -> bool:
    return {
        "object": isinstance(data, dict), "array": isinstance(data, list), "string": isinstance(data, str),
        "boolean": isinstance(data, bool), "integer": isinstance(data, int) and not isinstance(data, bool),
        "number": isinstance(data, int | float) and not isinstance(data, bool), "null": data is None,
    }[kind]
