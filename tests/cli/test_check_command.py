"""`coach check` end to end on real files: formats, exit codes, inputs of every kind, --fix."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli.main import main

PHRASEBOOKS = Path(__file__).parent.parent / "data" / "phrasebooks"


@pytest.fixture(autouse=True)
def _test_phrasebooks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COACH_PHRASEBOOKS", str(PHRASEBOOKS))
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_text_output_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = write(tmp_path / "draft.txt", "Hello,\nplease calm down. I promise it will come.\n")
    code, out, _ = run(capsys, "--lang", "en", str(draft))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{draft}:2:8  error")
    assert '"calm down"' in lines[0] and "→ I can hear how frustrating this is." in lines[0]
    assert lines[-1].startswith("2 findings (1 error, 1 warning) in 1 of 1 checked text")
    assert run(capsys, "--lang", "en", "--fail-on", "error", str(draft))[0] == 1
    clean = write(tmp_path / "clean.txt", "Thanks for waiting, I'm sorry for the delay.\n")
    code, out, _ = run(capsys, "--lang", "en", str(clean))
    assert code == 0 and out.splitlines()[-1] == "no findings in 1 checked text"
    only_suggestion = write(tmp_path / "s.txt", "It obviously needs a charger.\n")
    assert run(capsys, "--lang", "en", str(only_suggestion))[0] == 0
    assert run(capsys, "--lang", "en", "--fail-on", "suggestion", str(only_suggestion))[0] == 1


def test_json_output_is_versioned_and_spans_are_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Hi,\n\nObviously, we promised. Calm down.\n"
    draft = write(tmp_path / "a.txt", text)
    code, out, _ = run(capsys, "--format", "json", "--lang", "en", str(draft))
    data = json.loads(out)
    assert code == 1 and data["version"] == 1
    findings = data["files"][0]["findings"]
    assert [f["rule"] for f in findings] == ["dismissive.obviously", "overpromise.promise", "dismissive.calm-down"]
    for f in findings:
        assert text[f["start"] : f["end"]] == f["matched"]
    assert findings[0]["rewrites"] == [{"text": "of course", "safe": True}]
    assert data["summary"] == {"texts": 1, "findings": 3, "error": 1, "warning": 1, "suggestion": 1}


def test_sarif_and_github_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = write(tmp_path / "a.txt", "Please calm down.\n")
    _, out, _ = run(capsys, "--format", "sarif", "--lang", "en", str(draft))
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "en/dismissive.calm-down" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (1, 8, 17)
    assert sarif["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "en/dismissive.calm-down"
    _, out, _ = run(capsys, "--format", "github", "--lang", "en", str(draft))
    assert out.startswith(f"::error file={draft},line=1,col=8,endColumn=17,title=dismissive dismissive.calm-down::")


def test_stdin_and_language_detection(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Calm down, I promise it is fine.\n")))
    code, out, _ = run(capsys, "-")
    assert code == 1 and out.startswith("<stdin>:1:1  error")


def test_folders_emails_and_mailboxes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "drafts" / "nested"
    folder.mkdir(parents=True)
    write(folder / "one.md", "# Reply\n\nCalm down.\n")
    write(folder / "ignored.png", "not a draft")
    (folder / "plain.eml").write_bytes(
        b"From: a@example.com\r\nTo: b@example.com\r\nSubject: Re: order\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nI promise it ships today.\r\n\r\n> Calm down?\r\n")
    (folder / "html.eml").write_bytes(
        b"From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><body><p>Hello,</p><p>please <b>calm down</b>.</p>"
        b"<blockquote>I promise nothing</blockquote></body></html>\r\n")
    (folder / "box.mbox").write_bytes(
        b"From a@example.com Mon May  4 10:00:00 2026\nSubject: one\n\nObviously fine.\n\n"
        b"From b@example.com Mon May  4 11:00:00 2026\nSubject: two\n\nNothing to see.\n")
    code, out, _ = run(capsys, "--format", "json", "--lang", "en", str(tmp_path / "drafts"))
    data = json.loads(out)
    found = {Path(f["path"]).name: [x["matched"] for x in f["findings"]] for f in data["files"]}
    assert found == {"box.mbox#1": ["Obviously"], "box.mbox#2": [], "html.eml": ["calm down"],
                     "one.md": ["Calm down"], "plain.eml": ["I promise"]}
    assert code == 1


def test_bad_inputs_are_reported_and_the_rest_still_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "empty.txt", "")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait: please calm down, monsieur.\n".encode("cp1252"))
    (tmp_path / "broken.eml").write_bytes(b"Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nbroken")
    big = tmp_path / "big.txt"
    big.write_text(("All good here, thanks for waiting.\n\n" * 150_000) + "Calm down.\n", encoding="utf-8")
    code, out, err = run(capsys, "--lang", "en", str(tmp_path / "empty.txt"), str(tmp_path / "binary.txt"),
                         str(tmp_path / "latin1.txt"), str(tmp_path / "broken.eml"), str(big),
                         str(tmp_path / "missing.txt"))
    assert code == 2  # the missing path is an input error
    assert "empty.txt: warning: empty file, skipped" in err
    assert "binary.txt: warning: binary file, skipped" in err
    assert "latin1.txt: warning: not UTF-8; read as" in err
    assert "missing.txt: error: no such file or folder" in err
    assert "Traceback" not in err
    assert f"{tmp_path / 'latin1.txt'}:1:22" in out
    assert f"{big}:300001:1" in out


def test_fix_writes_safe_rewrites_and_shows_a_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = write(tmp_path / "reply.txt", "Obviously it needs a charger. Calm down.\n")
    _, out, _ = run(capsys, "--lang", "en", "--fix", "--diff", str(draft))
    fixed = tmp_path / "reply.fixed.txt"
    assert fixed.read_text(encoding="utf-8") == "Of course it needs a charger. Calm down.\n"
    assert "-Obviously it needs" in out and "+Of course it needs" in out
    assert draft.read_text(encoding="utf-8").startswith("Obviously")  # the original is untouched
    run(capsys, "--lang", "en", "--fix", "--out", str(tmp_path / "out"), str(draft))
    assert (tmp_path / "out" / "reply.txt").read_text(encoding="utf-8").startswith("Of course")


def test_jobs_give_the_same_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(300):
        write(tmp_path / f"{i:03d}.txt", "Calm down." if i % 3 == 0 else "Thanks for waiting.")
    _, one, _ = run(capsys, "--format", "json", "--lang", "en", str(tmp_path))
    _, two, _ = run(capsys, "--format", "json", "--lang", "en", "--jobs", "2", str(tmp_path))
    assert json.loads(one) == json.loads(two)
    assert json.loads(one)["summary"]["findings"] == 100


def test_configuration_in_pyproject(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "pyproject.toml", '[tool.coach]\ndisable = ["dismissive.calm-down"]\nlang = "en"\n'
          'fail_on = "error"\n')
    draft = write(tmp_path / "a.txt", "Calm down. I promise.\n")
    code, out, _ = run(capsys, str(draft))
    assert code == 0 and "calm-down" not in out and "I promise" in out
    write(tmp_path / "pyproject.toml", '[tool.coach]\nfail_onn = "error"\n')
    code, _, err = run(capsys, str(draft))
    assert code == 2 and "unknown setting 'fail_onn' (did you mean 'fail_on'?)" in err


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "coach", "check", "--format", "xml", "x.txt"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "invalid choice: 'xml'" in result.stderr and "Traceback" not in result.stderr
