"""`coach scenarios`: list the role-play scenarios with their title, difficulty and languages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coach.cli.main import EXIT_OK
from coach.language import LANGUAGES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, help="only scenarios written in this language "
                        "(titles are shown in it)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--scenarios", type=Path, metavar="DIR",
                        help="scenario folder to read instead of the shipped one")


def run(args: argparse.Namespace) -> int:
    from coach.cli.play import load_scenario_set

    loaded = load_scenario_set(args.scenarios)
    rows = []
    for scenario_id in loaded.ids():
        langs = loaded.languages(scenario_id)
        if args.lang and args.lang not in langs:
            continue
        shown = loaded.scenarios[(scenario_id, args.lang or ("en" if "en" in langs else langs[0]))]
        rows.append({"id": scenario_id, "title": shown.title, "difficulty": shown.difficulty,
                     "languages": langs, "pass_score": shown.pass_score})
    if args.format == "json":
        json.dump({"scenarios": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not rows:
        where = f" in '{args.lang}'" if args.lang else ""
        print(f"no scenarios{where}", file=sys.stderr)
        return EXIT_OK
    from coach.cli.play import columns

    def padded(text: str, width: int) -> str:  # by terminal columns: a Korean title is twice as wide
        return text + " " * (width - columns(text))

    id_width = max(len("id"), *(len(r["id"]) for r in rows))
    title_width = max(len("title"), *(columns(r["title"]) for r in rows))
    print(f"{'id':<{id_width}}  {'title':<{title_width}}  {'difficulty':<10}  languages")
    for r in rows:
        print(f"{r['id']:<{id_width}}  {padded(r['title'], title_width)}  {r['difficulty']:<10}  "
              f"{' '.join(r['languages'])}")
    print(f"\nplay one with: coach play ID [--lang {args.lang or 'en'}]", file=sys.stderr)
    return EXIT_OK


def lint_scenario_paths(paths: list[Path], phrasebooks: list[Path]) -> tuple[int, int]:
    """`coach lint` for scenarios: print every problem and a summary; returns (errors, warnings)."""
    from coach.checker import Checker
    from coach.phrasebook.loader import load_phrasebooks
    from coach.scenario.lint import lint_scenarios

    checker = Checker(load_phrasebooks(phrasebooks))  # phrasebook problems are reported by their own lint
    result = lint_scenarios(paths, checker)
    for problem in result.problems:
        print(problem)
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    print(f"{result.files} scenario files, {result.scenarios} scenarios, {result.model_answers} model answers "
          f"checked: {errors} errors, {warnings} warnings", file=sys.stderr)
    return errors, warnings
