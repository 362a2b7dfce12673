"""`coach scenarios` and `coach play`: golden transcripts replayed through the CLI, input errors, the terminal game."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli.main import main
from coach.language import LANGUAGES
from coach.paths import shipped
from coach.scenario.transcript import read_transcript

TRANSCRIPTS = sorted(shipped("scenarios").glob("*/transcripts/*.txt"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `coach …` in this process (the same code path as the console script)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[f"{p.parent.parent.name}/{p.name}" for p in TRANSCRIPTS])
def test_golden_transcripts_replay_as_expected(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    transcript = read_transcript(path)
    assert transcript.scenario and transcript.expect_outcome and transcript.expect_score, "complete header"
    lang = path.parent.parent.name
    code, out, err = run(capsys, "play", transcript.scenario, "--lang", lang, "--transcript", str(path),
                         "--format", "json")
    data = json.loads(out)
    report = data["report"]
    low, high = transcript.expect_score
    assert low <= report["score"] <= high, (report["score"], data["events"])
    assert report["outcome"] == transcript.expect_outcome
    if transcript.expect_ending:
        assert report["ending"]["id"] == transcript.expect_ending
    assert report["passed"] is (path.name.endswith(".pass.txt"))
    assert code == (0 if report["passed"] else 1)
    assert data["expectations"] == {"checked": True, "met": True, "unmet": []}
    assert not data["notes"], data["notes"]
    assert "Traceback" not in err


def test_every_scenario_in_every_language_has_a_passing_and_a_failing_transcript() -> None:
    scenarios = sorted(shipped("scenarios").glob("*/*.yaml"))
    assert {p.parent.name for p in scenarios} == set(LANGUAGES)
    transcripts = {(p.parent.parent.name, p.name) for p in TRANSCRIPTS}
    for scenario in scenarios:
        lang = scenario.parent.name
        assert (lang, f"{scenario.stem}.pass.txt") in transcripts, scenario
        assert (lang, f"{scenario.stem}.fail.txt") in transcripts, scenario


def test_a_real_process_replays_a_transcript_with_check() -> None:
    path = shipped("scenarios") / "en" / "transcripts" / "angry-client.fail.txt"
    done = subprocess.run([sys.executable, "-m", "coach", "play", "angry-client", "--transcript", str(path),
                           "--check", "--no-color"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # the run fails, as its header expects
    assert "NOT PASSED" in done.stdout and "expectations: all met" in done.stdout
    assert "[[" in done.stdout, "flagged words are marked in plain text"
    assert "Rewrites worth keeping:" in done.stdout and "Where a model answer would have helped:" in done.stdout


def test_scenarios_lists_id_title_difficulty_languages(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scenarios")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "title", "difficulty", "languages"]
    ids = [line.split()[0] for line in lines[1:]]
    assert {"angry-client", "delay-notice", "small-order", "unknown-answer", "other-department", "out-of-stock",
            "uncertain-refund", "missed-deadline"} <= set(ids)
    angry = next(line for line in lines if line.startswith("angry-client"))
    assert "The coffee machine that broke twice" in angry and "medium" in angry
    code, out, _ = run(capsys, "scenarios", "--format", "json")
    rows = json.loads(out)["scenarios"]
    assert {"id", "title", "difficulty", "languages", "pass_score"} <= set(rows[0])
    assert "en" in next(row for row in rows if row["id"] == "angry-client")["languages"]


def test_korean_titles_line_up_in_terminal_columns(capsys: pytest.CaptureFixture[str]) -> None:
    from coach.cli.play import columns

    code, out, _ = run(capsys, "scenarios", "--lang", "ko")
    lines = out.splitlines()
    assert code == 0 and len(lines) > 2
    difficulty = re.compile(r"\b(difficulty|easy|medium|hard)\b")
    starts = {columns(line[: difficulty.search(line).start()]) for line in lines}
    assert len(starts) == 1  # the difficulty column starts at the same terminal column on every line


@pytest.mark.parametrize(("argv", "message"), [
    (["play", "angri-client"], "unknown scenario 'angri-client' (did you mean 'angry-client'?)"),
    (["play", "angry-client", "--transcript", "no/such/file.txt"], "no such transcript file"),
    (["play", "angry-client", "--format", "json"], "--format json and --check go with --transcript FILE"),
    (["play", "angry-client", "--lang", "xx"], "invalid choice: 'xx'"),
    (["play", "angry-client", "--seed", "many"], "invalid int value: 'many'"),
    (["play", "angry-client", "--scenarios", "no/such/folder"], "no/such/folder: no such scenario folder"),
])
def test_input_errors_are_one_clear_line_and_exit_2(argv: list[str], message: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe\x00broken", "not UTF-8 text"),
    (b"# expect-scor: 80\n\nHello", "unknown header 'expect-scor' (did you mean 'expect-score'?)"),
    (b"# expect-score: lots\n\nHello", "expect-score is a score or a range like 70-100"),
    (b"# scenario: small-order\n\nHello", "is a transcript of 'small-order', not 'angry-client'"),
])
def test_broken_transcripts_are_input_errors(tmp_path: Path, content: bytes, message: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    code, _, err = run(capsys, "play", "angry-client", "--transcript", str(path))
    assert code == 2 and message in err and "Traceback" not in err


def test_bad_replies_in_a_transcript_are_shown_and_not_counted(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.txt"
    path.write_text("😀😀😀\n\n" + "very long " * 400 + "\n\nJe suis désolé, je vais vérifier votre commande.\n",
                    encoding="utf-8")
    code, out, _ = run(capsys, "play", "angry-client", "--transcript", str(path), "--no-color")
    assert code == 1
    assert out.count("✗ not counted") == 3
    assert "looks like French" in out and "turns 0" in out
    assert "unfinished: the customer is still waiting" in out


def test_the_terminal_game_with_commands(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    replies = ["/help", "/hint", "/hint", "Calm down, it's not our fault.", "/retry", "/nonsense",
               "I'm so sorry, Mr Hart, I completely understand how frustrating this is. I'll take care of it myself.",
               "/quit"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(replies) + "\n"))
    code, out, _ = run(capsys, "play", "angry-client", "--seed", "4")
    assert code == 0
    assert "A good outcome:" in out and "Daniel Hart" in out and "mood" in out
    assert "commands: /hint" in out
    assert "hint (−5 points):" in out and "hint (already paid for):" in out
    assert "[[Calm down]]" in out and "dismissive" in out and "→ " in out
    assert "turn 1 undone; answer again" in out
    assert "unknown command /nonsense" in out
    assert "✓ no risky phrasing" in out and "checklist:" in out
    assert "you gave up" in out and "NOT PASSED" in out
    assert "retries 1" in out and "hints 1" in out


def test_end_of_input_gives_up_cleanly(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(capsys, "play", "small-order", "--seed", "1")
    assert code == 0 and "you gave up" in out and "Traceback" not in err


def test_json_replay_carries_every_turn(capsys: pytest.CaptureFixture[str]) -> None:
    path = shipped("scenarios") / "en" / "transcripts" / "small-order.pass.txt"
    _, out, _ = run(capsys, "play", "small-order", "--transcript", str(path), "--format", "json")
    data = json.loads(out)
    kinds = [e["kind"] for e in data["events"]]
    assert kinds == ["answered", "retry", "answered", "answered"]
    first = data["events"][0]
    assert first["findings"][0]["category"] == "belittling_small_order" and first["findings"][0]["rewrites"]
    assert {"mood_before", "mood_after", "mood_changes", "checklist", "customer_line", "moves"} <= set(first)
    assert data["report"]["retries"] == 1 and data["report"]["version"] == 1


def test_a_missing_translation_is_named(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from coach.paths import shipped

    (tmp_path / "en").mkdir()
    shutil.copy(shipped("scenarios") / "en" / "angry-client.yaml", tmp_path / "en")
    monkeypatch.setenv("COACH_SCENARIOS", str(tmp_path))
    code, _, err = run(capsys, "play", "angry-client", "--lang", "ko")
    assert code == 2
    assert "scenario 'angry-client' has no 'ko' version; it is written in en" in err
