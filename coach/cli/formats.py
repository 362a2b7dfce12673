"""Rendering check results: text (coloured on a terminal), JSON (versioned), SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from coach import __version__
from coach.checker import Finding, Report, finding_to_dict

JSON_SCHEMA = "https://phrase-coach.example/schemas/check-v1.json"
JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class Checked:
    name: str
    report: Report


_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "suggestion": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def text_line(name: str, finding: Finding, colour: bool) -> str:
    rewrite = f"  → {finding.rewrites[0].text}" if finding.rewrites else ""
    severity = f"{finding.severity:<10}"
    matched = f'"{finding.matched}"'
    if colour:
        severity = f"{_COLOURS[finding.severity]}{severity}{_RESET}"
        matched = f"{_BOLD}{matched}{_RESET}"
        rewrite = f"{_DIM}{rewrite}{_RESET}" if rewrite else ""
    where = f"{name}:{finding.line}:{finding.column}"
    return f"{where}  {severity}  {finding.category}  {matched}  {finding.message}{rewrite}"


def summary_line(results: list[Checked], skipped: int) -> str:
    counts = Counter(f.severity for r in results for f in r.report.findings)
    total = sum(counts.values())
    files_with = sum(1 for r in results if r.report.findings)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
             for s in ("error", "warning", "suggestion") if counts[s]]
    detail = f" ({', '.join(parts)})" if parts else ""
    skipped_text = f", {skipped} skipped" if skipped else ""
    checked = f"{len(results)} checked text{'s' if len(results) != 1 else ''}"
    if not total:
        return f"no findings in {checked}{skipped_text}"
    return f"{total} finding{'s' if total != 1 else ''}{detail} in {files_with} of {checked}{skipped_text}"


def write_text(out: TextIO, results: list[Checked], colour: bool) -> None:
    for checked in results:
        for finding in checked.report.findings:
            print(text_line(checked.name, finding, colour), file=out)


def to_json(results: list[Checked], skipped: list[dict]) -> dict:
    counts = Counter(f.severity for r in results for f in r.report.findings)
    return {
        "$schema": JSON_SCHEMA,
        "version": JSON_VERSION,
        "tool": {"name": "phrase-coach", "version": __version__},
        "files": [
            {
                "path": r.name,
                "lang": r.report.lang,
                "detected": r.report.detection is not None,
                "findings": [finding_to_dict(f) for f in r.report.findings],
                "moves": [{"move": m.move, "matched": m.matched, "start": m.start, "end": m.end}
                          for m in r.report.moves],
            }
            for r in results
        ],
        "skipped": skipped,
        "summary": {
            "texts": len(results),
            "findings": sum(counts.values()),
            "error": counts["error"],
            "warning": counts["warning"],
            "suggestion": counts["suggestion"],
        },
    }


def write_json(out: TextIO, results: list[Checked], skipped: list[dict]) -> None:
    json.dump(to_json(results, skipped), out, ensure_ascii=False, indent=2)
    out.write("\n")


_SARIF_LEVEL = {"error": "error", "warning": "warning", "suggestion": "note"}


def to_sarif(results: list[Checked]) -> dict:
    rules: dict[str, Finding] = {}
    sarif_results = []
    for checked in results:
        uri = checked.name.split("#", 1)[0]
        for f in checked.report.findings:
            rules.setdefault(f"{checked.report.lang}/{f.rule}", f)
            result = {
                "ruleId": f"{checked.report.lang}/{f.rule}",
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f"{f.message} Matched: \"{f.matched}\"."
                            + (f" Try: {f.rewrites[0].text}" if f.rewrites else "")},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.line + f.matched.count("\n"),
                            "endColumn": (len(f.matched) - f.matched.rfind("\n") if "\n" in f.matched
                                          else f.column + len(f.matched)),
                            "charOffset": f.start,
                            "charLength": f.end - f.start,
                            "snippet": {"text": f.matched},
                        },
                    }
                }],
                "properties": {"category": f.category, "rewrites": [r.text for r in f.rewrites]},
            }
            sarif_results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "phrase-coach",
                "version": __version__,
                "informationUri": "https://github.com/phrase-coach/phrase-coach",
                "rules": [
                    {
                        "id": rule_id,
                        "name": f.category,
                        "shortDescription": {"text": f.message},
                        "fullDescription": {"text": f.message},
                        "defaultConfiguration": {"level": _SARIF_LEVEL[f.severity]},
                        "properties": {"category": f.category, "tags": [f.category]},
                    }
                    for rule_id, f in sorted(rules.items())
                ],
            }},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }


def write_sarif(out: TextIO, results: list[Checked]) -> None:
    json.dump(to_sarif(results), out, ensure_ascii=False, indent=2)
    out.write("\n")


def _github_escape(value: str, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_value else value


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "suggestion": "notice"}


def write_github(out: TextIO, results: list[Checked]) -> None:
    for checked in results:
        for f in checked.report.findings:
            props = (f"file={_github_escape(checked.name.split('#', 1)[0], True)},line={f.line},col={f.column},"
                     f"endColumn={f.column + len(f.matched)},title={_github_escape(f.category + ' ' + f.rule, True)}")
            message = f'"{f.matched}": {f.message}' + (f" → {f.rewrites[0].text}" if f.rewrites else "")
            print(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_github_escape(message)}", file=out)
