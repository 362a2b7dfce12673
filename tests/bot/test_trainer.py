"""Trainers and access control, offline: stats, export, reload, YAML uploads, invites, allow-lists."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bothelpers import DATA, Harness, make_settings, start_harness, stop_harness

from coach.bot import lintjob
from coach.bot.i18n import text

TRAINER = 900
SCENARIO = "sc:en:late-parcel"


@pytest.fixture
async def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    async def lint_here(phrasebook_dirs, scenario_dirs, timeout=0):
        return lintjob.lint_all(phrasebook_dirs, scenario_dirs)  # same lint, without a child process

    monkeypatch.setattr(lintjob, "lint_in_child", lint_here)
    harness = await start_harness(make_settings(tmp_path, trainers=frozenset({TRAINER})))
    try:
        yield harness
    finally:
        await stop_harness(harness)


async def play(harness: Harness, user_id: int, *replies: str) -> None:
    person = harness.person(user_id)
    await person.press(SCENARIO)
    for reply in replies:
        await person.say(reply)


def document(person, name: str, data: bytes) -> dict:
    file_id = f"doc-{name}"
    person.request.files[file_id] = data
    return {"document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name,
                         "file_size": len(data), "mime_type": "application/x-yaml"}}


async def test_trainer_commands_refuse_non_trainers_politely(bot: Harness) -> None:
    learner = bot.person(1, "ko")
    for command in ("/stats", "/export", "/reload", "/invite"):
        assert await learner.say(command) == [text("ko", "access.trainer_only")]
    assert not bot.request.sent("sendDocument")


async def test_stats_shows_flagged_rules_pass_rates_and_the_hardest_node_with_a_chart(bot: Harness) -> None:
    trainer = bot.person(TRAINER)
    [empty] = await trainer.say("/stats")
    assert text("en", "stats.empty") in empty
    await play(bot, 1, "Please calm down.", "Calm down, it's not our fault.")
    await play(bot, 2, "I'm so sorry the lamp is late, I understand how annoying that is.",
               "I'll check with the courier and call you back today; it will be with you tomorrow by 3 pm.")
    await play(bot, 3, "That's not my job, calm down.")
    [report] = await trainer.say("/stats")
    assert "Learners: 3 · role-plays: 3 · drafts checked: 0" in report
    assert "<b>Most-flagged categories</b>\n• Dismissive tone: 3" in report
    assert "• <code>dismissive.calm-down</code>: 3" in report
    assert "• The late parcel: 33% (1 of 3 finished; 3 started)" in report
    assert "hardest step: <code>opening</code>, flagged in 67% of replies" in report
    [chart] = bot.request.sent("sendPhoto")
    [(name, png, _)] = chart["_files"].values()
    assert name == "stats.png" and png.startswith(b"\x89PNG")


async def test_export_sends_attempts_and_findings_as_csv_documents(bot: Harness) -> None:
    await play(bot, 1, "Please calm down.")
    await bot.person(1).say("/check I promise it will arrive today.")
    await bot.person(TRAINER).say("/export")
    attempts, findings = bot.request.sent("sendDocument")
    [(name, data, _)] = attempts["_files"].values()
    assert name.startswith("attempts-") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["scenario"] == "late-parcel" and rows[0]["status"] == "active" and rows[0]["turns"] == "1"
    [(name, data, _)] = findings["_files"].values()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["source"], r["rule"], r["node"]) for r in rows] == [
        ("turn", "dismissive.calm-down", "opening"), ("draft", "overpromise.promise", "")]


async def test_invite_codes_make_trainers_and_learners(tmp_path: Path) -> None:
    harness = await start_harness(make_settings(tmp_path, trainers=frozenset({TRAINER}), invite_only=True))
    try:
        trainer, stranger, newcomer = harness.person(TRAINER), harness.person(2, "da"), harness.person(3)
        assert await stranger.say("/start") == [text("da", "access.denied")]
        assert await stranger.say("Calm down.") == [text("da", "access.denied")]
        [invite] = await trainer.say("/invite learner")
        code = invite.split("<code>")[1].split("</code>")[0]
        assert await stranger.say(f"/join {code.lower()}") == [text("da", "join.learner")]
        [greeting] = await stranger.say("/start")
        assert greeting.startswith("Hej")
        assert await stranger.say("/stats") == [text("da", "access.trainer_only")]

        [invite] = await trainer.say("/invite")
        code = invite.split("<code>")[1].split("</code>")[0]
        assert await newcomer.say(f"/join {code}") == [text("en", "join.trainer")]
        assert any(m == "setMyCommands" for m, _ in harness.request.calls)  # the trainer menu for their chat
        [stats] = await newcomer.say("/stats")
        assert stats.startswith("📊")
        assert await harness.person(4).say(f"/join {code}") == [text("en", "join.bad")]  # single use
        assert await harness.person(4).say("/join") == [text("en", "join.usage")]
    finally:
        await stop_harness(harness)


async def test_allow_list_lets_listed_learners_in_and_refuses_others(tmp_path: Path) -> None:
    harness = await start_harness(make_settings(tmp_path, allowed=frozenset({5})))
    try:
        [hello] = await harness.person(5).say("/start")
        assert hello.startswith("Hello")
        assert await harness.person(6, "hi").say("/scenarios") == [text("hi", "access.denied")]
        assert await harness.person(6, "hi").press(SCENARIO) == [text("hi", "access.denied")]
    finally:
        await stop_harness(harness)


BROKEN_PHRASEBOOK = b"""lang: en
rules:
  - id: overpromise.certainly
    category: overpromse
    severity: warning
    patterns: [certainly arrive]
    message: Certainty you may not have.
    rewrites: [It should arrive by Friday; I'll confirm tomorrow.]
    examples:
      flag: [It will certainly arrive., They certainly arrive today.]
      pass: [It should arrive Friday., I'll confirm tomorrow.]
"""


async def test_an_uploaded_phrasebook_with_errors_is_refused_with_line_numbers(bot: Harness) -> None:
    trainer = bot.person(TRAINER)
    checking, result = await trainer.send(**document(trainer, "extra.yaml", BROKEN_PHRASEBOOK))
    assert checking == "Checking extra.yaml…"
    assert result.startswith("❌ extra.yaml was not installed.")
    assert "extra.yaml:4:15: unknown category 'overpromse' (did you mean 'overpromise'?)" in result
    assert not (bot.service.settings.data_dir / "phrasebooks" / "en" / "extra.yaml").exists()
    [not_yaml] = await trainer.send(**document(trainer, "notes.txt", b"hello"))
    assert not_yaml == text("en", "upload.not_yaml")
    [bad_yaml] = await trainer.send(**document(trainer, "x.yaml", b"lang: en\nrules: [\n"))
    assert bad_yaml.startswith("The file isn't valid YAML: x.yaml:3:1:")


async def test_an_uploaded_scenario_is_installed_without_a_restart(bot: Harness) -> None:
    source = (DATA / "scenarios" / "en" / "late-parcel.yaml").read_text(encoding="utf-8")
    upload = source.replace("id: late-parcel", "id: late-parcel-2").replace("title: The late parcel",
                                                                          "title: The late parcel, again")
    trainer = bot.person(TRAINER)
    _, installed = await trainer.send(**document(trainer, "whatever-name.yml", upload.encode()))
    assert installed.startswith("✅ whatever-name.yml is installed (scenario, en)")
    assert (bot.service.settings.data_dir / "scenarios" / "en" / "late-parcel-2.yaml").exists()
    await bot.person(1).say("/scenarios")
    assert "The late parcel, again · easy · new" in str(bot.request.sent()[-1]["reply_markup"])
    learner = bot.person(1)
    assert await learner.send(**document(learner, "a.yaml", upload.encode())) == [text("en", "unsupported.media")]


async def test_reload_reports_problems_and_keeps_the_last_good_set(bot: Harness) -> None:
    trainer = bot.person(TRAINER)
    broken = bot.service.settings.data_dir / "scenarios" / "en" / "broken.yaml"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("id: broken\nlang: en\ntitle: Broken\n", encoding="utf-8")
    started, result = await trainer.say("/reload")
    assert started == text("en", "reload.started")
    assert result.startswith("❌ Nothing was changed")
    assert "broken.yaml" in result
    [listing] = await bot.person(1).say("/scenarios")  # still served
    assert listing == "Choose a role-play:"
    broken.unlink()
    started, result = await trainer.say("/reload")
    assert result.startswith("✅ Reloaded: 9 rules in 1 language(s), 1 scenario(s).")


async def test_the_lint_runs_in_a_child_process(tmp_path: Path) -> None:
    report = await lintjob.__dict__["lint_in_child"](  # the real one (the fixture above is not used here)
        [DATA / "phrasebooks"], [DATA / "scenarios"])
    assert report.errors == () and report.rules == 9 and report.scenarios == 1
    bad = tmp_path / "scenarios" / "en"
    bad.mkdir(parents=True)
    (bad / "oops.yaml").write_text("id: oops\nlang: en\n", encoding="utf-8")
    report = await lintjob.lint_in_child([DATA / "phrasebooks"], [tmp_path / "scenarios"])
    assert report.errors and all(p.path.endswith("oops.yaml") for p in report.errors)
