"""`coach bot` at start: clear messages and exit code 2 for what a person can fix; the token never logged."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from coach.bot.logs import RedactToken, setup_logging
from coach.cli.main import main

DATA = Path(__file__).parent / "data"
TOKEN = "987654:AAH-cliTestTokenThatMustNeverBeLogged_q"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COACH_PHRASEBOOKS", str(DATA / "phrasebooks"))
    monkeypatch.setenv("COACH_SCENARIOS", str(DATA / "scenarios"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("COACH_DB", raising=False)
    monkeypatch.delenv("COACH_TRAINERS", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["bot", *args])
    return code, capsys.readouterr().err


def test_a_missing_token_is_one_clear_line_and_exit_code_2(env: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "coach", "bot"], capture_output=True, text=True, cwd=env,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == ("coach: no bot token: set TELEGRAM_BOT_TOKEN or pass --token-file FILE "
                                     "(ask @BotFather for a token)")


def test_token_file_and_token_shape(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--token-file", str(env / "nope.txt"))
    assert code == 2 and "cannot read the token file" in err
    (env / "token.txt").write_text("not-a-token\n")
    code, err = run(capsys, "--token-file", str(env / "token.txt"))
    assert code == 2 and "does not look like one from @BotFather" in err


def test_an_unwritable_database_path_is_a_clear_error(env: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    (env / "a-file").write_text("x")
    code, err = run(capsys, "--db", str(env / "a-file" / "coach.db"))
    assert code == 2 and "cannot use the database" in err and "Traceback" not in err
    monkeypatch.setenv("COACH_DB", str(env / "no" / "such" / "coach.db"))
    code, err = run(capsys)
    assert code == 2 and "does not exist" in err
    assert TOKEN not in err


def test_a_broken_phrasebook_at_start_is_reported_with_its_place(env: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    extra = env / "extra" / "en"
    extra.mkdir(parents=True)
    (extra / "bad.yaml").write_text("lang: en\nrules:\n  - id: x\n    category: nonsense\n", encoding="utf-8")
    code, err = run(capsys, "--phrasebooks", str(env / "extra"))
    assert code == 2
    assert "the phrasebooks or scenarios have problems" in err
    assert "bad.yaml:4:15: unknown category 'nonsense'" in err
    code, err = run(capsys, "--trainer", "12", "--webhook-url", "ftp://x")
    assert code == 2 and "--webhook-url must be a full URL" in err
    monkeypatch.setenv("COACH_TRAINERS", "12,abc")
    code, err = run(capsys)
    assert code == 2 and "'abc' is not a Telegram user id" in err


def test_the_token_never_reaches_the_log() -> None:
    stream = io.StringIO()
    setup_logging(TOKEN, stream=stream)
    try:
        logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
        logging.getLogger("telegram.ext.Updater").error("oops %s", {"url": f"/bot{TOKEN}/sendMessage"})
        try:
            raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
        except ConnectionError:
            logging.getLogger("coach.bot").exception("network trouble")
        logging.getLogger("x").info("another bot's token 1234567:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef_-12")
        logging.getLogger("httpx").info("an info line from httpx is not logged at all: %s", TOKEN)
    finally:
        logging.getLogger().handlers.clear()
    out = stream.getvalue()
    assert TOKEN not in out and TOKEN.split(":")[1] not in out and "ABCDEFGHIJ" not in out
    assert out.count("<token>") == 4 and "ConnectionError" in out and "an info line" not in out


def test_the_filter_survives_odd_records() -> None:
    redactor = RedactToken(TOKEN)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d apples", ("not a number",), None)
    assert redactor.filter(record) and record.args is None
