"""A draft rewritten for the learner to copy: safe rewrites in place, the rest sentence by sentence.

`coach.rewrite.apply_safe_rewrites` replaces only the words a phrasebook marks safe. In the bot the
learner also wants a version they can send as it is, so a finding without a safe rewrite has its
whole sentence replaced by the rule's first rewrite (rewrites are complete sentences by design).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from coach.checker import Finding
from coach.phrasebook.model import severity_rank
from coach.rewrite import apply_safe_rewrites

_SENTENCE_END = re.compile(r"[.!?。？！।॥…]+[\"'”’)\]]*(?=\s|$)|\n")


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end], without its surrounding whitespace."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    stop = len(text)
    match = _SENTENCE_END.search(text, end)
    if match is not None:
        stop = match.end() if match.group() != "\n" else match.start()
    while begin < stop and text[begin].isspace():
        begin += 1
    while stop > begin and text[stop - 1].isspace():
        stop -= 1
    return begin, stop


def rewrite_draft(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """The draft with every finding addressed where the phrasebook offers a way; and how many were."""
    findings = list(findings)
    sentence_edits: dict[tuple[int, int], Finding] = {}
    safe: list[Finding] = []
    for finding in findings:
        if any(r.safe for r in finding.rewrites):
            safe.append(finding)
        elif finding.rewrites:
            span = sentence_span(text, finding.start, finding.end)
            kept = sentence_edits.get(span)
            if kept is None or severity_rank(finding.severity) < severity_rank(kept.severity):
                sentence_edits[span] = finding
    # Safe edits inside a sentence that is replaced anyway are dropped; the rest apply in place.
    inline = [f for f in safe if not any(s <= f.start and f.end <= e for s, e in sentence_edits)]
    edits: list[tuple[int, int, str]] = [(s, e, f.rewrites[0].text) for (s, e), f in sentence_edits.items()]
    fixed_inline = _inline_edits(text, inline)
    edits.extend(fixed_inline)
    edits.sort()
    result, last = [], 0
    count = 0
    for start, end, replacement in edits:
        if start < last:
            continue
        result.append(text[last:start])
        result.append(replacement)
        last = end
        count += 1
    result.append(text[last:])
    return "".join(result), count


def _inline_edits(text: str, findings: list[Finding]) -> list[tuple[int, int, str]]:
    """The safe rewrites as (start, end, replacement), with the case handling of coach.rewrite."""
    edits = []
    for finding in findings:
        fixed, applied = apply_safe_rewrites(text[finding.start:finding.end], [_shifted(finding)])
        if applied:
            edits.append((finding.start, finding.end, fixed))
    return edits


def _shifted(finding: Finding) -> Finding:
    from dataclasses import replace

    return replace(finding, start=0, end=finding.end - finding.start)
