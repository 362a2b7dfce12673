"""`coach play`: play a role-play scenario in the terminal, or replay a transcript of replies.

    coach play angry-client                       # interactive: /hint /retry /quit /help
    coach play angry-client --transcript run.txt  # replay replies, print the report
    coach play angry-client --transcript run.txt --format json --check
    coach play angry-client --lang ko --ui-lang en  # a Korean customer, the game's own words in English

The game speaks the scenario's language (its labels, command help and report come from
`coach/cli/messages/<lang>.yaml`); `--ui-lang` chooses another. The `note:` and `expectations:`
lines of a replay and `--format json` stay English: scripts read them.

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
    from coach.scenario.screen import Rejection
    from coach.scenario.state import State
    from coach.scenario.transcript import Transcript


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the scenario to play (see: coach scenarios)")
    parser.add_argument("--lang", choices=LANGUAGES, help="the scenario's language (default: en, or the "
                        "transcript's lang header)")
    parser.add_argument("--ui-lang", choices=LANGUAGES, metavar="LANG",
                        help="the language of the game's own words (labels, command help, the report; "
                        f"{', '.join(LANGUAGES)}; default: the scenario's language)")
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
    view = View(sys.stdout, colour, args.ui_lang or scenario.lang)
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
        view.say(view.paint(view.wrap(view.t("ended"), ""), _DIM))
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
            view.say(view.help())
        elif command.startswith("/") and " " not in command:
            view.say(view.t("unknown_command", command=command, help=view.help()))
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
_DOT_THOUSANDS = ("da", "id", "tr")  # 4.000 rather than 4,000


def columns(text: str) -> int:
    """How many terminal columns `text` takes: Korean syllables take two, combining marks none."""
    import unicodedata

    return sum(0 if unicodedata.category(c) in ("Mn", "Me") else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


class View:
    """Text for a person: colour on a terminal, the same words without it elsewhere, in the language `lang`."""

    def __init__(self, out: TextIO, colour: bool, lang: str = "en") -> None:
        import shutil

        self.out = out
        self.colour = colour
        self.lang = lang
        self.width = max(40, min(WIDTH, shutil.get_terminal_size((WIDTH + 2, 24)).columns - 2))

    # --- words --------------------------------------------------------------------------------------

    def t(self, key: str, /, **values: object) -> str:
        """The terminal message `key` in the view's language."""
        from coach.cli.i18n import text

        return text(self.lang, key, **values)

    def move(self, move: str) -> str:
        from coach.cli.i18n import move_name

        return move_name(self.lang, move)

    def moves(self, moves: Sequence[str]) -> str:
        return ", ".join(self.move(m) for m in moves)

    def category(self, category: str) -> str:
        from coach.cli.i18n import category_name

        return category_name(self.lang, category)

    def number(self, n: int) -> str:
        text = f"{n:,}"
        return text.replace(",", ".") if self.lang in _DOT_THOUSANDS else text

    def help(self) -> str:
        return self.t("help")

    def rejection(self, rejection: Rejection, scenario_lang: str) -> str:
        """Why a reply was not counted, in the view's language."""
        from coach.cli.i18n import language_name

        reason = rejection.reason
        if reason == "too_long":
            return self.t("reject.too_long", length=self.number(rejection.length),
                          limit=self.number(rejection.limit))
        if reason == "wrong_language":
            detected = rejection.detected or "?"
            code = detected.rsplit("(", 1)[-1].rstrip(")") if detected.endswith(")") else ""
            if self.lang != "en" and code in LANGUAGES:  # English keeps the detector's "Danish (da)"
                detected = language_name(self.lang, code)
            return self.t("reject.wrong_language", language=language_name(self.lang, scenario_lang),
                          detected=detected)
        if reason in ("empty", "no_words"):
            return self.t(f"reject.{reason}")
        return rejection.message

    # --- layout -------------------------------------------------------------------------------------

    def paint(self, text: str, *codes: str) -> str:
        return f"{''.join(codes)}{text}{_RESET}" if self.colour and codes else text

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def fill(self, text: str, initial: str = "  ", subsequent: str | None = None) -> str:
        """`text` wrapped to the screen; wide characters (Korean) count as two columns."""
        subsequent = initial if subsequent is None else subsequent
        width = self.width
        wide = columns(text)
        if wide > len(text):  # textwrap counts characters, so give it fewer of them
            width = max(20, self.width * len(text) // wide)
        return "\n".join(textwrap.wrap(text, width, initial_indent=initial, subsequent_indent=subsequent))

    def wrap(self, text: str, indent: str = "  ") -> str:
        return self.fill(text, indent) or indent

    def prompt(self) -> str:
        return self.paint(self.t("prompt") + " ", _BOLD, _GREEN)

    def title(self, scenario: Scenario, seed: int) -> None:
        from coach.cli.i18n import difficulty_name

        self.say(self.paint(f"━━ {scenario.title} ━━", _BOLD))
        self.say(self.paint(self.t("title.details", id=scenario.id, lang=scenario.lang,
                                   difficulty=difficulty_name(self.lang, scenario.difficulty),
                                   pass_score=scenario.pass_score, seed=seed), _DIM))

    def brief(self, scenario: Scenario, seed: int) -> None:
        self.title(scenario, seed)
        self.say()
        self.say(self.wrap(scenario.brief.situation, ""))
        if scenario.brief.facts:
            self.say(self.paint(self.t("brief.facts"), _BOLD))
            for fact in scenario.brief.facts:
                self.say(self.fill(fact, "  • ", "    "))
        self.say(self.paint(self.t("brief.goal"), _BOLD))
        self.say(self.wrap(scenario.brief.goal))
        self.say(self.paint(self.wrap(self.t("brief.persona", name=scenario.persona.name,
                                             about=scenario.persona.about), ""), _DIM))
        self.say(self.paint(self.wrap(self.t("brief.checklist", moves=self.moves([i.move for i in scenario.checklist])),
                                      ""), _DIM))
        self.say(self.paint(self.wrap(self.help(), ""), _DIM))
        self.say()

    def meter(self, mood: int) -> str:
        from coach.cli.i18n import mood_name
        from coach.scenario.model import mood_band

        filled = round(mood / 10)
        bar = "█" * filled + "░" * (10 - filled)
        colour = _GREEN if mood < 40 else _YELLOW if mood < 70 else _RED
        return f"{self.paint(bar, colour)} {mood:>3} {mood_name(self.lang, mood_band(mood))}"

    def customer(self, scenario: Scenario, line: str, mood: int) -> None:
        self.say()
        self.say(self.paint(f"{scenario.persona.name}", _BOLD) + f"  {self.t('mood.label')} {self.meter(mood)}")
        self.say(self.wrap(f"“{line}”"))

    def you(self, reply: str) -> None:
        prompt = self.t("prompt") + " "
        self.say(self.paint(prompt, _BOLD, _GREEN) + reply.replace("\n", "\n" + " " * columns(prompt)))

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
        start = columns(label) + 2

        def size(text: str) -> int:  # terminals differ on combining marks (Hindi), so count them too
            return max(len(text), columns(text))

        lines, line, width = [], f"  {label}", size(label) + 2
        for i, (text, colour) in enumerate(entries):
            gap = " " if i == 0 or width == start else "  "
            if width + len(gap) + size(text) > self.width and width > start:
                lines.append(line)
                line, width, gap = " " * start, start, " "
            line += gap + self.paint(text, colour)
            width += len(gap) + size(text)
        return "\n".join([*lines, line])

    def turn(self, scenario: Scenario, result: TurnResult) -> None:
        if result.kind == "rejected":
            self.say(self.paint(f"  {self.t('turn.not_counted')}", _BOLD, _YELLOW))
            self.say(self.wrap(self.rejection(result.rejection, scenario.lang), "    "))
            return
        if result.kind == "over":
            self.say(f"  {self.t('turn.over')}")
            return
        if result.findings:
            self.say(self.highlighted(result.reply, result.findings))
            for f in result.findings:
                severity = self.t(f"severity.{f.severity}")
                self.say(f"  {self.paint(severity, _BOLD, _SEVERITY_COLOUR[f.severity])}  “{f.matched}” "
                         f"({self.category(f.category)})")
                self.say(self.wrap(f.message, "      "))
                for rewrite in f.rewrites[:2]:
                    self.say(self.paint(self.fill(rewrite.text, "      → ", "        "), _GREEN))
        else:
            self.say(self.paint(f"  {self.t('turn.clean')}", _GREEN))
        self.say(self.items(self.t("turn.moves"), [(self.move(m.move), _GREEN) for m in result.moves]
                            or [(self.t("turn.none"), _DIM)]))
        if result.missed:
            self.say(self.paint(self.wrap(self.t("turn.missed", moves=self.moves(result.missed))), _DIM))
        delta = result.mood_after - result.mood_before
        arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
        reasons = ", ".join(f"{self._mood_reason(c.reason, c.what)} {c.points:+d}" for c in result.mood_changes)
        self.say(f"  {self.t('mood.label')} {result.mood_before} → {result.mood_after} "
                 f"{arrow}{abs(delta) if delta else ''}")
        if reasons:
            self.say(self.paint(self.wrap(f"({reasons})", "    "), _DIM))
        self.say(self.items(self.t("turn.checklist"), [(("✓ " if c.done else "· ") + self.move(c.move),
                                                       _GREEN if c.done else _DIM) for c in result.checklist]))
        if result.ended:
            self.say()
            self.say(self.paint(f"{scenario.persona.name}", _BOLD)
                     + f"  {self.t('mood.label')} {self.meter(result.mood_after)}")
            self.say(self.wrap(f"“{result.customer_line}”"))
            colour = _GREEN if result.ending.good else _RED
            self.say(self.paint(f"  ■ {result.ending.title}", _BOLD, colour))

    def _mood_reason(self, reason: str, what: str) -> str:
        if reason == "branch":
            return self.t("turn.reaction")
        if reason == "risk":
            return self.category(what)
        return self.move(what)

    def hint(self, hint: Hint) -> None:
        if hint.text is None:
            self.say(f"  {self.t('hint.over')}")
            return
        cost = self.t("hint.cost", points=hint.cost) if hint.cost else self.t("hint.paid")
        self.say(self.paint(f"  {self.t('hint.label', cost=cost)}", _BOLD, _CYAN))
        self.say(self.wrap(hint.text, "    "))

    def retried(self, retried: Retried) -> None:
        if retried.undone is None:
            self.say(f"  {self.t('retry.nothing')}")
        else:
            self.say(self.paint(f"  {self.t('retry.undone', number=retried.undone.number)}", _CYAN))

    def report(self, report: FinalReport) -> None:
        self.say()
        verdict = (self.paint(self.t("report.passed"), _BOLD, _GREEN) if report.passed
                   else self.paint(self.t("report.failed"), _BOLD, _RED))
        title = report.ending.title if report.ending else ""
        outcome = {
            "good": self.t("report.ended_well", title=title) if report.ending else "",
            "bad": self.t("report.ended_badly", title=title) if report.ending else "",
            "gave_up": self.t("report.gave_up"),
            "unfinished": self.t("report.unfinished"),
        }[report.outcome]
        self.say(self.paint(f"━━ {self.t('report.score', score=report.score)} ", _BOLD)
                 + f"{verdict} {self.t('report.pass_mark', pass_score=report.pass_score)} · {outcome}")
        b = report.breakdown
        self.say("  " + self.t("report.points", coverage_points=f"{b.coverage_points:.0f}",
                               coverage=f"{b.coverage * 100:.0f}", outcome_points=b.outcome_points,
                               conduct_points=b.conduct_points, risk_penalty=b.risk_penalty,
                               hint_penalty=b.hint_penalty))
        self.say("  " + self.t("report.counts", turns=report.turns, hints=report.hints, retries=report.retries,
                               start=report.mood_start, end=report.mood_end))
        self.say(self.items(self.t("report.checklist"), [(("✓ " if c.done else "✗ ") + self.move(c.move),
                                                         _GREEN if c.done else _RED) for c in report.checklist]))
        if report.rewrites:
            self.say(self.paint(self.t("report.rewrites"), _BOLD))
            for s in report.rewrites:
                times = f" ×{s.times}" if s.times > 1 else ""
                self.say(self.fill(self.t("report.instead", matched=s.matched, times=times,
                                          category=self.category(s.category), rewrite=s.rewrite),
                                   "  • ", "    "))
        if report.missed:
            self.say(self.paint(self.t("report.models"), _BOLD))
            labels = [(self.t(f"report.{key}"), colour) for key, colour in
                      (("customer", ""), ("you", ""), ("model", _GREEN))]
            pad = max(9, *(columns(label) for label, _ in labels))
            for m in report.missed:
                why = "; ".join(filter(None, [
                    self.t("report.flagged", categories=", ".join(self.category(c) for c in m.flagged))
                    if m.flagged else "",
                    self.t("report.missing", moves=self.moves(m.missed_moves)) if m.missed_moves else "",
                ]))
                self.say(f"  {self.t('report.turn', number=m.turn, why=why)}")
                for (label, colour), text in zip(labels, (m.prompt, m.reply, m.model_answer), strict=True):
                    block = self.fill(" ".join(text.split()), f"    {label}{' ' * (pad - columns(label))} ",
                                      " " * (pad + 5))
                    self.say(self.paint(block, colour) if colour else block)
