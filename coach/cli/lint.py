"""`coach lint`: validate phrasebooks (and scenarios) and run every example they carry."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coach.cli.main import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path,
                        help="phrasebook/scenario files or folders (default: the shipped ones)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def run(args: argparse.Namespace) -> int:
    from coach.cli.scenarios import lint_scenario_paths
    from coach.lint import lint_phrasebooks
    from coach.paths import shipped
    from coach.scenario.lint import is_scenario_path

    paths = args.paths or [shipped("phrasebooks"), shipped("scenarios")]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"{path}: no such file or folder", file=sys.stderr)
    if missing:
        return EXIT_ERROR
    scenario_paths = [p for p in paths if is_scenario_path(p)]
    paths = [p for p in paths if p not in scenario_paths]
    errors = warnings = 0
    if paths:
        result = lint_phrasebooks(paths)
        for problem in result.problems:
            print(problem)
        errors = len(result.errors)
        warnings = len(result.problems) - errors
        print(f"{result.files} files, {result.rules} rules, {result.moves} moves, {result.examples} examples "
              f"checked: {errors} errors, {warnings} warnings", file=sys.stderr)
    if scenario_paths:
        scenario_errors, scenario_warnings = lint_scenario_paths(scenario_paths, paths or [shipped("phrasebooks")])
        errors, warnings = errors + scenario_errors, warnings + scenario_warnings
    return EXIT_FINDINGS if errors or (args.strict and warnings) else EXIT_OK
