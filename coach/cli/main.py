"""`coach`: the command-line entry point. Each command lives in its own module, imported on use."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from coach import __version__
from coach.errors import CoachError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

COMMANDS = {
    "check": ("coach.cli.check", "check drafts for risky phrasing"),
    "lint": ("coach.cli.lint", "validate phrasebooks and scenarios and run their examples"),
    "scenarios": ("coach.cli.scenarios", "list the role-play scenarios"),
    "play": ("coach.cli.play", "play a role-play scenario in the terminal"),
    "bot": ("coach.cli.bot", "run the Telegram bot"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one line, like every other error
        self.print_usage(sys.stderr)
        print(f"coach: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = _Parser(prog="coach", description="A phrase coach for customer-service staff.")
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wanted = _wanted_command(sys.argv[1:])
    for name, (module, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if wanted in (None, name):  # only the command being run pays for its imports
            try:
                importlib.import_module(module).add_arguments(sub)
            except ModuleNotFoundError:
                continue
            sub.set_defaults(module=module)
    return parser


def _wanted_command(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if arg in COMMANDS:
            return arg
        if not arg.startswith("-"):
            return None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    import importlib

    if argv is not None:
        sys.argv = ["coach", *argv]
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:])
    if not getattr(args, "module", None):
        parser.print_help()
        return EXIT_ERROR if args.command else EXIT_OK
    try:
        return importlib.import_module(args.module).run(args)
    except CoachError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
