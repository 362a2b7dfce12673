"""`coach lint` finds every kind of phrasebook problem and points at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.cli.main import main

GOOD_RULE = """\
  - id: dismissive.calm-down
    category: dismissive
    severity: error
    patterns: [calm down]
    message: It makes people angrier.
    rewrites: ["I can hear how frustrating this is."]
    examples:
      flag: [Please calm down., Calm down now.]
      pass: [The sea is calm., I understand.]
"""


def lint(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    folder = tmp_path / "en"
    folder.mkdir(exist_ok=True)
    (folder / "book.yaml").write_text(text, encoding="utf-8")
    code = main(["lint", str(tmp_path)])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_clean_phrasebook_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lint(tmp_path, "lang: en\nrules:\n" + GOOD_RULE, capsys)
    assert code == 0, out
    assert "1 files, 1 rules, 0 moves, 5 examples checked: 0 errors" in out


def test_broken_yaml_points_at_the_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = lint(tmp_path, "lang: en\nrules:\n  - id: x\n    patterns: [calm down\n", capsys)
    assert code == 1
    assert "en/book.yaml:5:1: invalid YAML" in out


def test_unknown_keys_categories_and_conditions_get_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "lang: en\nrules:\n" + GOOD_RULE.replace("category: dismissive", "category: dismisive").replace(
        "    message:", "    unless: [negatd]\n    mesage: x\n    message:")
    code, out = lint(tmp_path, text, capsys)
    assert code == 1
    assert "book.yaml:4:15: unknown category 'dismisive' (did you mean 'dismissive'?)" in out
    assert "unknown condition 'negatd'" in out and "(did you mean 'negated'?)" in out
    assert "book.yaml:8:5: unknown key 'mesage' (did you mean 'message'?)" in out


def test_duplicate_ids_failing_examples_and_flagged_rewrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = GOOD_RULE.replace("[Please calm down., Calm down now.]", "[Please calm down., Relax now.]").replace(
        "[The sea is calm., I understand.]", "[The sea is calm., Just calm down.]").replace(
        '"I can hear how frustrating this is."', '"Calm down, I can hear you."')
    code, out = lint(tmp_path, "lang: en\nrules:\n" + GOOD_RULE + bad, capsys)
    assert code == 1
    assert "duplicate rule id 'dismissive.calm-down'" in out
    folder = tmp_path / "en"
    (folder / "book.yaml").write_text("lang: en\nrules:\n" + bad, encoding="utf-8")
    code = main(["lint", str(tmp_path)])
    out = "".join(capsys.readouterr())
    assert "flag example is not flagged by this rule (flagged: nothing): 'Relax now.'" in out
    assert "pass example is flagged by dismissive.calm-down at 'calm down': 'Just calm down.'" in out
    assert "rewrite is itself flagged by dismissive.calm-down" in out


def test_patterns_that_cannot_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "lang: en\nrules:\n" + GOOD_RULE.replace("patterns: [calm down]", "patterns: [calm down, '...', 'x?']")
    code, out = lint(tmp_path, text, capsys)
    assert code == 1
    assert "pattern '...' has no word that must be present" in out
    assert "pattern 'x?' has no word that must be present" in out


def test_a_pattern_no_flag_example_shows_is_warned_about_on_every_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    text = "lang: en\nrules:\n" + GOOD_RULE.replace("patterns: [calm down]", "patterns: [calm down, settle down]")
    for run in ("compiles the phrasebook", "reads it back from the cache"):
        code, out = lint(tmp_path, text, capsys)
        assert code == 0 and "pattern 'settle down' matches none of the flag examples" in out, run
        assert "pattern 'calm down' matches none" not in out


def test_an_example_yaml_reads_as_a_mapping_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "lang: en\nrules:\n" + GOOD_RULE.replace("[The sea is calm., I understand.]",
                                                     "[The sea is calm., I understand., Note: calm seas today.]")
    code, out = lint(tmp_path, text, capsys)
    assert code == 1
    assert "book.yaml:11:47: a 'pass' example must be text, but YAML read this one as a mapping" in out


def test_odd_encoding_and_wrong_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "latin.yaml").write_bytes("lang: en\nrules: [caf\xe9]\n".encode("cp1252"))
    (folder / "list.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    code = main(["lint", str(tmp_path)])
    out = "".join(capsys.readouterr())
    assert code == 1
    assert "latin.yaml: not UTF-8 text" in out
    assert "list.yaml:1:1: a phrasebook is a mapping" in out
    assert main(["lint", str(tmp_path / "nowhere")]) == 2
