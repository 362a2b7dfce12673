"""`coach check`: batch-check drafts, print findings, rewrite with --fix, exit 0/1/2 for scripts and CI."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from coach.cli.formats import Checked, summary_line, write_github, write_json, write_sarif, write_text
from coach.cli.inputs import Document, Notice, collect
from coach.cli.main import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from coach.errors import CoachError
from coach.language import LANGUAGES
from coach.phrasebook.model import SEVERITIES, severity_rank


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or folders (.txt .md .eml .mbox, recursive); - reads stdin")
    parser.add_argument("--lang", choices=("auto", *LANGUAGES), help="language of the drafts (default: auto)")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    parser.add_argument("--fail-on", choices=SEVERITIES, help="lowest severity that makes the exit code 1 "
                        "(default: warning)")
    parser.add_argument("--fix", action="store_true", help="write drafts with the safe rewrites applied")
    parser.add_argument("--out", type=Path, metavar="DIR", help="with --fix: write fixed drafts here")
    parser.add_argument("--diff", action="store_true", help="with --fix: print the change as a unified diff")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="check in N processes")
    parser.add_argument("--phrasebooks", type=Path, action="append", default=[], metavar="DIR",
                        help="extra phrasebook folder (repeatable), on top of the shipped ones")
    parser.add_argument("--no-color", action="store_true", help="plain output even on a terminal")


def run(args: argparse.Namespace) -> int:
    from coach.config import find_config

    config = find_config()
    lang = args.lang or config.lang
    fail_on = args.fail_on or config.fail_on
    if args.jobs < 1:
        raise CoachError("--jobs must be at least 1")
    if (args.out or args.diff) and not args.fix:
        raise CoachError("--out and --diff go with --fix")
    phrasebook_dirs = _phrasebook_dirs(config.phrasebooks, args.phrasebooks)

    documents: list[Document] = []
    skipped: list[dict] = []
    input_error = False
    for item in collect(args.paths):
        if isinstance(item, Notice):
            print(f"{item.name}: {'error' if item.error else 'warning'}: {item.message}", file=sys.stderr)
            input_error |= item.error
            if not item.message.startswith("not UTF-8"):
                skipped.append({"path": item.name, "reason": item.message})
        else:
            documents.append(item)

    from coach.batch import check_documents

    progress = _progress_bar(len(documents)) if sys.stderr.isatty() and len(documents) >= 50 else None
    reports = check_documents(documents, phrasebook_dirs, config.disable, None if lang == "auto" else lang,
                              args.jobs, progress)
    results: list[Checked] = []
    for document, report in zip(documents, reports, strict=True):
        if report.lang is None:
            what = report.detection.describe() if report.detection else "another language"
            message = (f"looks like {what}, not one of {', '.join(LANGUAGES)}; skipped "
                       "(pass --lang to check it anyway)")
            print(f"{document.name}: warning: {message}", file=sys.stderr)
            skipped.append({"path": document.name, "reason": message})
            continue
        results.append(Checked(document.name, report))

    colour = args.format == "text" and sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    out = sys.stdout
    if args.format == "json":
        write_json(out, results, skipped)
    elif args.format == "sarif":
        write_sarif(out, results)
    elif args.format == "github":
        write_github(out, results)
    else:
        write_text(out, results, colour)
        print(summary_line(results, len(skipped)), file=sys.stderr if not results else out)

    if args.fix:
        input_error |= _fix(documents, {c.name: c for c in results}, args)

    if input_error:
        return EXIT_ERROR
    threshold = severity_rank(fail_on)
    failing = any(severity_rank(f.severity) <= threshold for c in results for f in c.report.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _phrasebook_dirs(configured: tuple[Path, ...], extra: list[Path]) -> list[Path]:
    from coach.paths import shipped

    dirs = [shipped("phrasebooks"), *configured, *extra]
    for folder in dirs:
        if not folder.is_dir():
            raise CoachError(f"{folder}: phrasebook folder not found")
    return dirs


def _fix(documents: list[Document], checked: dict[str, Checked], args: argparse.Namespace) -> bool:
    """Write fixed drafts; returns True if one could not be written."""
    from coach.rewrite import apply_safe_rewrites, unified_diff

    failed = False
    for document in documents:
        result = checked.get(document.name)
        if result is None:
            continue
        fixed, applied = apply_safe_rewrites(document.text, result.report.findings, result.report.lang)
        if args.diff and applied:
            sys.stdout.write(unified_diff(document.text, fixed, document.name))
        if document.path is None:
            if document.name == "<stdin>" and not args.diff:
                sys.stdout.write(fixed)
            elif document.name != "<stdin>":
                print(f"{document.name}: warning: --fix rewrites plain-text drafts only; skipped", file=sys.stderr)
            continue
        if not applied:
            continue
        target = _fix_target(document.path, args.out)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(fixed, encoding="utf-8")
        except OSError as exc:
            print(f"{target}: error: cannot write: {exc.strerror or exc}", file=sys.stderr)
            failed = True
            continue
        print(f"{document.name}: {applied} safe rewrite{'s' if applied != 1 else ''} applied → {target}",
              file=sys.stderr)
    return failed


def _fix_target(path: Path, out: Path | None) -> Path:
    if out is None:
        return path.with_name(f"{path.stem}.fixed{path.suffix}")
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        relative = Path(path.name)
    return out / relative


def _progress_bar(total: int):
    width = 30

    def show(done: int) -> None:
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\r" + " " * (width + 24) + "\r")
        sys.stderr.flush()

    return show
