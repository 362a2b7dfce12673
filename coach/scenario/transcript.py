"""Transcript files: a learner's replies to replay, with what the run is expected to score.

    # scenario: angry-client
    # seed: 1
    # expect-outcome: good          (good | bad | gave_up | unfinished)
    # expect-ending: resolved       (an ending id)
    # expect-score: 80-100
    # expect-passed: yes
    # Any other line starting with '#' is a comment.

    I'm so sorry, Mr Hart. That sounds awful.

    /hint

    Here is what I can do: a technician tomorrow between 8 and 10 am.
    (a reply may run over several lines; a blank line ends it)

Replies are separated by blank lines. A reply that is exactly /hint, /retry or /quit is that command.
Write \\# at the start of a line to begin a reply line with '#'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError, display_path
from coach.scenario.scoring import BAD, GAVE_UP, GOOD, UNFINISHED, FinalReport
from coach.suggest import did_you_mean

HEADER_KEYS = ("scenario", "lang", "seed", "expect-outcome", "expect-ending", "expect-score", "expect-passed")
OUTCOMES = (GOOD, BAD, GAVE_UP, UNFINISHED)
COMMANDS = ("/hint", "/retry", "/quit")
_HEADER = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|–|\.\.)\s*(\d{1,3})$")


@dataclass(frozen=True, slots=True)
class Transcript:
    name: str
    replies: tuple[str, ...]  # replies and commands (/hint, /retry, /quit), in order
    scenario: str | None = None
    lang: str | None = None
    seed: int | None = None
    expect_outcome: str | None = None
    expect_ending: str | None = None
    expect_score: tuple[int, int] | None = None
    expect_passed: bool | None = None

    @property
    def has_expectations(self) -> bool:
        return any(v is not None for v in (self.expect_outcome, self.expect_ending, self.expect_score,
                                           self.expect_passed))


def read_transcript(path: Path) -> Transcript:
    """Read and parse a transcript file; CoachError (one line) when it cannot be used."""
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CoachError(f"{name}: no such transcript file") from None
    except IsADirectoryError:
        raise CoachError(f"{name}: is a folder, not a transcript file") from None
    except OSError as exc:
        raise CoachError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CoachError(f"{name}: not UTF-8 text (byte {exc.start}); save the transcript as UTF-8") from None
    return parse_transcript(text, name)


def parse_transcript(text: str, name: str = "<transcript>") -> Transcript:
    header: dict[str, str] = {}
    replies: list[str] = []
    block: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            match = _HEADER.match(line)
            if match and not replies and not block and match.group(1).lower() in HEADER_KEYS:
                header[match.group(1).lower()] = match.group(2)
            elif match and not replies and not block and match.group(1).lower().startswith("expect"):
                key = match.group(1).lower()
                raise CoachError(f"{name}:{number}: unknown header '{key}'" + did_you_mean(key, HEADER_KEYS))
            continue
        if not line.strip():
            if block:
                replies.append("\n".join(block))
                block = []
            continue
        block.append(line[1:] if line.startswith("\\#") else line.rstrip())
    if block:
        replies.append("\n".join(block))
    return Transcript(name, tuple(replies), header.get("scenario") or None, header.get("lang") or None,
                      _seed(header, name), _outcome(header, name), header.get("expect-ending") or None,
                      _score_range(header, name), _yes_no(header, name))


def unmet_expectations(transcript: Transcript, report: FinalReport) -> list[str]:
    """What the run did differently from the transcript's header (empty: all as expected)."""
    unmet = []
    if transcript.expect_outcome and report.outcome != transcript.expect_outcome:
        unmet.append(f"outcome {report.outcome}, expected {transcript.expect_outcome}")
    ending = report.ending.id if report.ending else None
    if transcript.expect_ending and ending != transcript.expect_ending:
        unmet.append(f"ending {ending or 'none'}, expected {transcript.expect_ending}")
    if transcript.expect_score:
        low, high = transcript.expect_score
        if not low <= report.score <= high:
            unmet.append(f"score {report.score}, expected {low}–{high}")
    if transcript.expect_passed is not None and report.passed != transcript.expect_passed:
        unmet.append(f"{'passed' if report.passed else 'failed'}, expected to "
                     f"{'pass' if transcript.expect_passed else 'fail'}")
    return unmet


def _seed(header: dict[str, str], name: str) -> int | None:
    value = header.get("seed")
    if not value:
        return None
    if not value.isdigit():
        raise CoachError(f"{name}: seed must be a whole number, not '{value}'")
    return int(value)


def _outcome(header: dict[str, str], name: str) -> str | None:
    value = header.get("expect-outcome")
    if not value:
        return None
    if value not in OUTCOMES:
        raise CoachError(f"{name}: expect-outcome must be one of {', '.join(OUTCOMES)}, not '{value}'"
                         + did_you_mean(value, OUTCOMES))
    return value


def _score_range(header: dict[str, str], name: str) -> tuple[int, int] | None:
    value = header.get("expect-score")
    if not value:
        return None
    match = _RANGE.match(value)
    if match:
        low, high = int(match.group(1)), int(match.group(2))
    elif value.isdigit():
        low = high = int(value)
    else:
        raise CoachError(f"{name}: expect-score is a score or a range like 70-100, not '{value}'")
    if not 0 <= low <= high <= 100:
        raise CoachError(f"{name}: expect-score must lie within 0-100 with the lower bound first, not '{value}'")
    return low, high


def _yes_no(header: dict[str, str], name: str) -> bool | None:
    value = header.get("expect-passed", "").lower()
    if not value:
        return None
    if value in ("yes", "true"):
        return True
    if value in ("no", "false"):
        return False
    raise CoachError(f"{name}: expect-passed is yes or no, not '{value}'")
