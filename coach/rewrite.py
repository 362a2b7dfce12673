"""Applying rewrites to a draft: only the ones a phrasebook marks safe replace words directly."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from coach.checker import Finding


def apply_safe_rewrites(text: str, findings: Iterable[Finding], lang: str | None = None) -> tuple[str, int]:
    """The text with every safe rewrite applied (non-overlapping, first one wins), and how many were applied."""
    chosen: list[tuple[int, int, str]] = []
    for finding in sorted(findings, key=lambda f: f.start):
        safe = next((r.text for r in finding.rewrites if r.safe), None)
        if safe is None or (chosen and finding.start < chosen[-1][1]):
            continue
        chosen.append((finding.start, finding.end, _match_case(finding.matched, safe, lang)))
    for start, end, replacement in reversed(chosen):
        text = text[:start] + replacement + text[end:]
    return text, len(chosen)


def _match_case(original: str, replacement: str, lang: str | None = None) -> str:
    """Keep a capital at the start of a sentence ("Obviously" → "Of course"); an all-caps match
    ("ASAP") says nothing about the sentence, so the rewrite keeps its own case."""
    if len(original) > 1 and original.isupper():
        return replacement
    if original[:1].isupper() and replacement[:1].islower():
        first = "İ" if lang == "tr" and replacement[0] == "i" else replacement[0].upper()
        return first + replacement[1:]
    if original[:1].islower() and replacement[:1].isupper() and not replacement[1:2].isupper():
        return replacement[:1].lower() + replacement[1:]
    return replacement


def unified_diff(before: str, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                             fromfile=f"a/{name}", tofile=f"b/{name}")
    )
