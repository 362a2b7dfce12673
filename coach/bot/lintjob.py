"""The full lint of phrasebooks and scenarios, run in a child process for /reload and uploads.

Running every example of every rule and playing every scenario's model answers takes seconds; in
a child process it never holds up the learners the bot is serving meanwhile. The child prints one
JSON object: {"problems": [{path, line, column, message, severity}], "rules", "scenarios"}.

    python -m coach.bot.lintjob --phrasebooks DIR … --scenarios DIR …
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from coach.errors import Problem

TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class LintReport:
    problems: tuple[Problem, ...]
    rules: int = 0
    scenarios: int = 0

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


def lint_all(phrasebook_dirs: list[Path], scenario_dirs: list[Path]) -> LintReport:
    from coach.checker import Checker
    from coach.lint import lint_phrasebooks
    from coach.phrasebook.loader import load_phrasebooks
    from coach.scenario.lint import lint_scenarios

    phrasebook_dirs = [p for p in phrasebook_dirs if p.exists()]
    scenario_dirs = [p for p in scenario_dirs if p.exists()]
    books = lint_phrasebooks(phrasebook_dirs)
    problems = list(books.problems)
    scenarios = 0
    if scenario_dirs:
        checker = Checker(load_phrasebooks(phrasebook_dirs))
        result = lint_scenarios(scenario_dirs, checker)
        problems.extend(result.problems)
        scenarios = result.scenarios
    return LintReport(tuple(problems), books.rules, scenarios)


async def lint_in_child(phrasebook_dirs: list[Path], scenario_dirs: list[Path],
                        timeout: float = TIMEOUT) -> LintReport:
    """Run `lint_all` in a child Python process and wait for it without blocking the event loop."""
    args = [sys.executable, "-m", "coach.bot.lintjob"]
    for folder in phrasebook_dirs:
        args += ["--phrasebooks", str(folder)]
    for folder in scenario_dirs:
        args += ["--scenarios", str(folder)]
    process = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        return LintReport((Problem("lint", 0, 0, f"the lint took longer than {timeout:.0f} s and was stopped"),))
    try:
        data = json.loads(out.decode("utf-8"))
        problems = tuple(Problem(p["path"], p["line"], p["column"], p["message"], p["severity"])
                         for p in data["problems"])
        return LintReport(problems, int(data.get("rules", 0)), int(data.get("scenarios", 0)))
    except (ValueError, KeyError, TypeError):
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return LintReport((Problem("lint", 0, 0, f"the lint failed: {tail[0]}"),))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coach.bot.lintjob")
    parser.add_argument("--phrasebooks", type=Path, action="append", default=[])
    parser.add_argument("--scenarios", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    report = lint_all(args.phrasebooks, args.scenarios)
    json.dump({
        "problems": [{"path": p.path, "line": p.line, "column": p.column, "message": p.message,
                      "severity": p.severity} for p in report.problems],
        "rules": report.rules,
        "scenarios": report.scenarios,
    }, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
