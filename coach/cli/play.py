"""`coach play`: play a role-play scenario in the terminal, or replay a transcript of replies.

    coach play angry-client                       # interactive: /hint /retry /quit /help
    coach play angry-client --transcript run.txt  # replay replies, print the report
    coach play angry-client --transcript run.txt --format json --check

Exit codes: 0 passed (or, with --check, every expectation in the transcript's header met),
1 failed (or an expectation not met), 2 an input error.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from coach.cli.main import EXIT_FINDINGS, EXIT_OK
from coach.errors import CoachError
from coach.language import LANGUAGES

if TYPE_CHECKING:  # imported lazily at run time, so `coach --help` stays fast
    from collections.abc import Sequence

    from coach.checker import Checker, Finding
    from coach.scenario.engine import Engine, Hint, Retried, TurnResult
    from coach.scenario.loader import ScenarioSet
    from coach.scenario.model import Scenario
    from coach.scenario.scoring import FinalReport
    from coach.scenario.state import State
    from coach.scenario.transcript import Transcript

HELP = ("commands: /hint (a tip for this step; costs points), /retry (undo your last answer), "
        "/quit (give up), /help")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the scenario to play (see: coach scenarios)")
    parser.add_argument("--lang", choices=LANGUAGES, help="the scenario's language (default: en, or the "
                        "transcript's lang header)")
    parser.add_argument("--seed", type=int, metavar="N", help="choose the customer's lines with this seed "
                        "(the same seed and replies give the same game)")
    parser.add_argument("--transcript", type=Path, metavar="FILE",
                        help="replay the replies in FILE instead of asking (see docs/scenarios.md)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format of a --transcript replay")
    parser.add_argument("--check", action="store_true",
                        help="with --transcript: exit 0 only if the run meets the transcript's expect-* header")
    parser.add_argument("--scenarios", type=Path, metavar="DIR",
                        help="scenario folder to read instead of the shipped one")
    parser.add_argument("--phrasebooks", type=Path, action="append", default=[], metavar="DIR",
                        help="extra phrasebook folder (repeatable), on top of the shipped ones")
    parser.add_argument("--no-color", action="store_true", help="plain output even on a terminal")


def run(args: argparse.Namespace) -> int:
    from coach.scenario.engine import Engine
    from coach.scenario.transcript import read_transcript

    if args.transcript is None and (args.format != "text" or args.check):
        raise CoachError("--format json and --check go with --transcript FILE")
    transcript = read_transcript(args.transcript) if args.transcript else None
    if transcript and transcript.scenario and transcript.scenario != args.id:
        raise CoachError(f"{transcript.name} is a transcript of '{transcript.scenario}', not '{args.id}'")
    lang = args.lang or (transcript.lang if transcript else None) or "en"
    if lang not in LANGUAGES:
        raise CoachError(f"{transcript.name if transcript else 'lang'}: unknown language '{lang}'; "
                         f"use one of {', '.join(LANGUAGES)}")
    loaded = load_scenario_set(args.scenarios)
    scenario = loaded.get(args.id, lang)
    engine = Engine(scenario, make_checker(lang, args.phrasebooks))
    colour = (args.format == "text" and sys.stdout.isatty() and not args.no_color
              and "NO_COLOR" not in os.environ)
    view = View(sys.stdout, colour)
    if transcript is not None:
        seed = args.seed if args.seed is not None else transcript.seed or 0
        return _replay(engine, transcript, seed, args.format, args.check, view)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10_000)
    return _interactive(engine, seed, view)


def load_scenario_set(folder: Path | None) -> ScenarioSet:
    """The shipped scenarios (or `folder`); a warning line when some files have problems."""
    from coach.paths import shipped
    from coach.scenario.loader import load_scenarios

    root = folder if folder is not None else shipped("scenarios")
    if not root.exists():
        raise CoachError(f"{root}: no such scenario folder")
    loaded = load_scenarios([root])
    broken = sorted({p.path for p in loaded.errors})
    if broken:
        print(f"coach: warning: {len(broken)} scenario file{'s' if len(broken) != 1 else ''} could not be "
              f"loaded ({', '.join(broken[:3])}{' …' if len(broken) > 3 else ''}); run: coach lint {root}",
              file=sys.stderr)
    return loaded


def make_checker(lang: str, extra: list[Path]) -> Checker:
    from coach.checker import Checker
    from coach.paths import shipped

    checker = Checker.from_paths([shipped("phrasebooks"), *extra], langs=[lang])
    if lang not in checker.library.books:
        raise CoachError(f"no '{lang}' phrasebook is installed, so replies in it cannot be checked")
    return checker


# --- interactive ------------------------------------------------------------------------------------


def _interactive(engine: Engine, seed: int, view: View) -> int:
    scenario = engine.scenario
    state = engine.start(seed)
    view.brief(scenario, seed)
    view.customer(scenario, state.line, state.mood)
    while True:
        state = _conversation(engine, state, view)
        if state.gave_up:
            break
        view.say()
        view.say(view.paint(view.wrap("The conversation has ended. /retry takes back your last answer; "
                                      "press Enter for your report.", ""), _DIM))
        if _read(view) not in RETRY:
            break
        retried = engine.retry(state)
        state = retried.state
        view.retried(retried)
        view.customer(scenario, state.line, state.mood)
    view.report(engine.report(state))
    return EXIT_OK


QUIT, HINT, RETRY = ("/quit", "/q", "/exit", "/giveup"), ("/hint", "/h"), ("/retry", "/undo", "/r")


def _read(view: View) -> str | None:
    """One line from the learner; None at the end of input."""
    try:
        return input(view.prompt())
    except EOFError:
        view.say("")
        return None


def _conversation(engine: Engine, state: State, view: View) -> State:
    """Ask and answer until the game is over (an ending, /quit, or the end of input)."""
    scenario = engine.scenario
    while not state.over:
        reply = _read(view)
        command = (reply or "").strip().lower()
        if reply is None or command in QUIT:
            return engine.give_up(state)
        if command in HINT:
            hint = engine.hint(state)
            state = hint.state
            view.hint(hint)
        elif command in RETRY:
            retried = engine.retry(state)
            state = retried.state
            view.retried(retried)
            if retried.undone is not None:
                view.customer(scenario, state.line, state.mood)
        elif command in ("/help", "/?"):
            view.say(HELP)
        elif command.startswith("/") and " " not in command:
            view.say(f"unknown command {command}; {HELP}")
        else:
            result = engine.turn(state, reply)
            state = result.state
            view.turn(scenario, result)
            if result.kind == "answered" and not result.ended:
                view.customer(scenario, state.line, state.mood)
    return state


# --- transcript replay ------------------------------------------------------------------------------


def _replay(engine: Engine, transcript: Transcript, seed: int, fmt: str, check: bool, view: View) -> int:
    from coach.scenario.export import report_to_dict, turn_to_dict
    from coach.scenario.transcript import unmet_expectations

    scenario = engine.scenario
    state = engine.start(seed)
    events: list[dict] = []
    ignored = 0
    if fmt == "text":
        view.title(scenario, seed)
        view.customer(scenario, state.line, state.mood)
    for reply in transcript.replies:
        if state.over:
            ignored += 1
            continue
        command = reply.strip().lower()
        if command == "/hint":
            hint = engine.hint(state)
            state = hint.state
            events.append({"kind": "hint", "text": hint.text, "cost": hint.cost})
            if fmt == "text":
                view.hint(hint)
        elif command == "/retry":
            retried = engine.retry(state)
            state = retried.state
            events.append({"kind": "retry", "undone": retried.undone.number if retried.undone else None})
            if fmt == "text":
                view.retried(retried)
                view.customer(scenario, state.line, state.mood)
        elif command == "/quit":
            state = engine.give_up(state)
            events.append({"kind": "give_up"})
        else:
            result = engine.turn(state, reply)
            state = result.state
            events.append(turn_to_dict(result))
            if fmt == "text":
                view.you(reply)
                view.turn(scenario, result)
                if result.kind == "answered" and not result.ended:
                    view.customer(scenario, state.line, state.mood)
    report = engine.report(state)
    unmet = unmet_expectations(transcript, report)
    notes = []
    if ignored:
        notes.append(f"{ignored} repl{'ies' if ignored != 1 else 'y'} after the end of the scenario ignored")
    if not state.over:
        notes.append("the transcript ended before the scenario did")
    if fmt == "json":
        data = {"scenario": scenario.id, "lang": scenario.lang, "seed": seed, "transcript": transcript.name,
                "events": events, "report": report_to_dict(report), "notes": notes,
                "expectations": {"checked": transcript.has_expectations, "met": not unmet, "unmet": unmet}}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        view.report(report)
        for note in notes:
            view.say(f"note: {note}")
        if transcript.has_expectations:
            view.say("expectations: " + ("all met" if not unmet else "NOT met: " + "; ".join(unmet)))
    if check:
        return EXIT_OK if not unmet else EXIT_FINDINGS
    return EXIT_OK if report.passed else EXIT_FINDINGS


# --- rendering --------------------------------------------------------------------------------------

_RED, _YELLOW, _CYAN, _GREEN = "\033[31m", "\033[33m", "\033[36m", "\033[32m"
_BOLD, _DIM, _UNDER, _RESET = "\033[1m", "\033[2m", "\033[4m", "\033[0m"
_SEVERITY_COLOUR = {"error": _RED, "warning": _YELLOW, "suggestion": _CYAN}
WIDTH = 88  # at most; narrower terminals get narrower text


class View:
    """Text for a person: colour on a terminal, the same words without it elsewhere."""

    def __init__(self, out: TextIO, colour: bool) -> None:
        import shutil

        self.out = out
        self.colour = colour
        self.width = max(40, min(WIDTH, shutil.get_terminal_size((WIDTH + 2, 24)).columns - 2))

    def paint(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{_RESET}" if self.colour and codes else text

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def wrap(self, text: str, indent: str = "  ") -> str:
        return "\n".join(textwrap.wrap(text, self.width, initial_indent=indent, subsequent_indent=indent)) or indent

    def prompt(self) -> str:
        return self.paint("you> ", _BOLD, _GREEN)

    def title(self, scenario: Scenario, seed: int) -> None:
        self.say(self.paint(f"━━ {scenario.title} ━━", _BOLD))
        self.say(self.paint(f"{scenario.id} · {scenario.lang} · {scenario.difficulty} · pass {scenario.pass_score}"
                            f" · seed {seed}", _DIM))

    def brief(self, scenario: Scenario, seed: int) -> None:
        self.title(scenario, seed)
        self.say()
        self.say(self.wrap(scenario.brief.situation, ""))
        if scenario.brief.facts:
            self.say(self.paint("You know:", _BOLD))
            for fact in scenario.brief.facts:
                self.say(textwrap.fill(fact, self.width, initial_indent="  • ", subsequent_indent="    "))
        self.say(self.paint("A good outcome:", _BOLD))
        self.say(self.wrap(scenario.brief.goal))
        self.say(self.paint(self.wrap(f"You are talking to {scenario.persona.name}: {scenario.persona.about}", ""),
                            _DIM))
        self.say(self.paint(self.wrap("Checklist: " + ", ".join(i.move.replace("_", " ") for i in scenario.checklist),
                                      ""), _DIM))
        self.say(self.paint(self.wrap(HELP, ""), _DIM))
        self.say()

    def meter(self, mood: int) -> str:
        from coach.scenario.model import mood_band

        filled = round(mood / 10)
        bar = "█" * filled + "░" * (10 - filled)
        colour = _GREEN if mood < 40 else _YELLOW if mood < 70 else _RED
        return f"{self.paint(bar, colour)} {mood:>3} {mood_band(mood)}"

    def customer(self, scenario: Scenario, line: str, mood: int) -> None:
        self.say()
        self.say(self.paint(f"{scenario.persona.name}", _BOLD) + f"  mood {self.meter(mood)}")
        self.say(self.wrap(f"“{line}”"))

    def you(self, reply: str) -> None:
        self.say(self.paint("you> ", _BOLD, _GREEN) + reply.replace("\n", "\n     "))

    def highlighted(self, reply: str, findings: Sequence[Finding], indent: str = "  ") -> str:
        """The reply wrapped to the screen, its flagged words in red (or [[marked]] without colour)."""
        spans: list[list[int]] = []
        for f in sorted(findings, key=lambda f: f.start):
            if spans and f.start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], f.end)
            else:
                spans.append([f.start, f.end])
        parts, at = [], 0
        for start, end in spans:
            parts.extend((reply[at:start], "\x01", reply[start:end], "\x02"))
            at = end
        parts.append(reply[at:])
        text = self.wrap("".join(parts).replace("\n", " "), indent)  # wrap first, so colour codes don't count
        opening, closing = (_BOLD + _UNDER + _RED, _RESET) if self.colour else ("[[", "]]")
        return text.replace("\x01", opening).replace("\x02", closing)

    def items(self, label: str, entries: Sequence[tuple[str, str]]) -> str:
        """`label` and coloured entries, laid out in lines that fit the screen."""
        lines, line, width = [], f"  {label}", len(label) + 2
        for i, (text, colour) in enumerate(entries):
            gap = " " if i == 0 or width == len(label) + 2 else "  "
            if width + len(gap) + len(text) > self.width and width > len(label) + 2:
                lines.append(line)
                line, width, gap = " " * (len(label) + 2), len(label) + 2, " "
            line += gap + self.paint(text, colour)
            width += len(gap) + len(text)
        return "\n".join([*lines, line])

    def turn(self, scenario: Scenario, result: TurnResult) -> None:
        if result.kind == "rejected":
            self.say(self.paint("  ✗ not counted:", _BOLD, _YELLOW))
            self.say(self.wrap(result.rejection.message, "    "))
            return
        if result.kind == "over":
            self.say("  the scenario is over")
            return
        if result.findings:
            self.say(self.highlighted(result.reply, result.findings))
            for f in result.findings:
                self.say(f"  {self.paint(f.severity, _BOLD, _SEVERITY_COLOUR[f.severity])}  “{f.matched}” "
                         f"({f.category.replace('_', ' ')})")
                self.say(self.wrap(f.message, "      "))
                for rewrite in f.rewrites[:2]:
                    self.say(self.paint(textwrap.fill(rewrite.text, self.width, initial_indent="      → ",
                                                      subsequent_indent="        "), _GREEN))
        else:
            self.say(self.paint("  ✓ no risky phrasing", _GREEN))
        self.say(self.items("moves shown:", [(m.move.replace("_", " "), _GREEN) for m in result.moves]
                            or [("none", _DIM)]))
        if result.missed:
            self.say(self.paint(self.wrap("a good answer here also shows: " + ", ".join(
                m.replace("_", " ") for m in result.missed)), _DIM))
        delta = result.mood_after - result.mood_before
        arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
        reasons = ", ".join(f"{'their reaction' if c.reason == 'branch' else c.what.replace('_', ' ')} "
                            f"{c.points:+d}" for c in result.mood_changes)
        self.say(f"  mood {result.mood_before} → {result.mood_after} {arrow}{abs(delta) if delta else ''}")
        if reasons:
            self.say(self.paint(self.wrap(f"({reasons})", "    "), _DIM))
        self.say(self.items("checklist:", [(("✓ " if c.done else "· ") + c.move.replace("_", " "),
                                            _GREEN if c.done else _DIM) for c in result.checklist]))
        if result.ended:
            self.say()
            self.say(self.paint(f"{scenario.persona.name}", _BOLD) + f"  mood {self.meter(result.mood_after)}")
            self.say(self.wrap(f"“{result.customer_line}”"))
            colour = _GREEN if result.ending.good else _RED
            self.say(self.paint(f"  ■ {result.ending.title}", _BOLD, colour))

    def hint(self, hint: Hint) -> None:
        if hint.text is None:
            self.say("  the scenario is over; no hints left to give")
            return
        cost = f"(−{hint.cost} points)" if hint.cost else "(already paid for)"
        self.say(self.paint(f"  hint {cost}:", _BOLD, _CYAN))
        self.say(self.wrap(hint.text, "    "))

    def retried(self, retried: Retried) -> None:
        if retried.undone is None:
            self.say("  nothing to undo")
        else:
            self.say(self.paint(f"  ↶ turn {retried.undone.number} undone; answer again", _CYAN))

    def report(self, report: FinalReport) -> None:
        self.say()
        verdict = (self.paint("PASSED", _BOLD, _GREEN) if report.passed else self.paint("NOT PASSED", _BOLD, _RED))
        outcome = {
            "good": f"ended well: {report.ending.title}" if report.ending else "",
            "bad": f"ended badly: {report.ending.title}" if report.ending else "",
            "gave_up": "you gave up",
            "unfinished": "unfinished: the customer is still waiting",
        }[report.outcome]
        self.say(self.paint(f"━━ Score {report.score}/100 ", _BOLD) + f"{verdict} (pass {report.pass_score}) · "
                 f"{outcome}")
        b = report.breakdown
        self.say(f"  checklist {b.coverage_points:.0f}/45 ({b.coverage:.0%})  outcome {b.outcome_points}/35  "
                 f"conduct {b.conduct_points}  risky phrasing −{b.risk_penalty}  hints −{b.hint_penalty}")
        self.say(f"  turns {report.turns}  hints {report.hints}  retries {report.retries}  "
                 f"mood {report.mood_start} → {report.mood_end}")
        self.say(self.items("checklist:", [(("✓ " if c.done else "✗ ") + c.move.replace("_", " "),
                                            _GREEN if c.done else _RED) for c in report.checklist]))
        if report.rewrites:
            self.say(self.paint("Rewrites worth keeping:", _BOLD))
            for s in report.rewrites:
                times = f" ×{s.times}" if s.times > 1 else ""
                self.say(textwrap.fill(f"instead of “{s.matched}”{times} ({s.category.replace('_', ' ')}): "
                                       f"{s.rewrite}", self.width, initial_indent="  • ", subsequent_indent="    "))
        if report.missed:
            self.say(self.paint("Where a model answer would have helped:", _BOLD))
            for m in report.missed:
                why = "; ".join(filter(None, [
                    f"flagged: {', '.join(c.replace('_', ' ') for c in m.flagged)}" if m.flagged else "",
                    f"missing: {', '.join(c.replace('_', ' ') for c in m.missed_moves)}" if m.missed_moves else "",
                ]))
                self.say(f"  turn {m.turn} ({why})")
                for label, text, colour in (("customer", m.prompt, ""), ("you", m.reply, ""),
                                            ("model", m.model_answer, _GREEN)):
                    block = textwrap.fill(" ".join(text.split()), self.width, initial_indent=f"    {label:<9} ",
                                          subsequent_indent=" " * 14)
                    self.say(self.paint(block, colour) if colour else block)
