"""End to end: the real `coach bot` process against the Telegram Bot API emulator (telegram-test-api).

Plays a whole scenario (a flagged reply, Try again, the final card), a draft check and /progress,
and kills the bot with SIGKILL mid-scenario: the restarted bot continues where the learner was.
Needs the emulator: `npm install --prefix .ci/emulator telegram-test-api@4` and
COACH_EMULATOR_DIR=$PWD/.ci/emulator (the CI script does both).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from emulator import BotProcess, Bridge, Emulator, Learner

DATA = Path(__file__).parent / "data"
TOKEN = "424242:AAE-e2eTestTokenThatMustNeverBeLogged_x9"

pytestmark = pytest.mark.skipif(
    not os.environ.get("COACH_EMULATOR_DIR"),
    reason="COACH_EMULATOR_DIR is not set: install the emulator with "
    "`npm install --prefix .ci/emulator telegram-test-api@4` and export COACH_EMULATOR_DIR=$PWD/.ci/emulator",
)


@pytest.fixture
def emulator():
    if shutil.which("node") is None:
        pytest.fail("COACH_EMULATOR_DIR is set but node is not on PATH")
    emu = Emulator(Path(os.environ["COACH_EMULATOR_DIR"]))
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


async def test_whole_scenario_with_retry_restart_draft_and_progress(emulator: Emulator, tmp_path: Path) -> None:
    bridge = Bridge(emulator.url, TOKEN)
    await bridge.start()
    env = {"COACH_PHRASEBOOKS": str(DATA / "phrasebooks"), "COACH_SCENARIOS": str(DATA / "scenarios")}
    bot = BotProcess(bridge, tmp_path, TOKEN, env)
    try:
        bot.start()
        await bot.ready()
        ada = Learner(bridge, 5001, "Ada")

        [menu] = await ada.say("/start")
        assert "Phrase Coach" in menu.text and "Role-plays" in " ".join(menu.buttons())

        [listing] = await ada.say("/scenarios")
        assert "The late parcel · easy · new" in listing.buttons()
        [opening] = await ada.press(listing, "The late parcel · easy · new")
        assert "Your goal" in opening.text and "Mia Berg" in opening.text

        [card] = await ada.say("Please calm down, I promise it will come soon.")
        assert "Worth rephrasing: 3" in card.text and "<b><u>calm down</u></b>" in card.text
        assert "Still missing" in card.text and "Customer's mood" in card.text
        [undone] = await ada.press(card, "↩️ Try again")
        assert "undone" in undone.text and "Where is it?" in undone.text

        [card] = await ada.say("I'm so sorry the lamp is late, I understand how annoying that is.")
        assert "Well phrased" in card.text and "Thank you. So when can I expect it?" in card.text

        # kill -9 in the middle of the role-play, start again: the learner carries on where they were
        bot.kill()
        bot.start()
        await bot.ready()
        [final] = await ada.say(
            "I'll check with the courier and call you back today; it will be with you tomorrow by 3 pm.")
        feedback, verdict = final.text.split("🏁", 1)  # the last reply's feedback, then the final card
        assert "Shown so far: apology, empathy" in feedback
        assert "The late parcel" in verdict and "passed ✅" in verdict
        assert "🔁 Play again" in final.buttons()

        [draft] = await ada.say("That's not my job. Calm down, we'll see.")
        assert "Worth rephrasing" in draft.text and "<pre>" in draft.text

        progress, chart = await ada.say("/progress", expect=2)
        assert "best 100" in progress.text
        assert chart.method == "sendPhoto" and chart.file_name == "progress.png" and chart.file_size > 1000

        assert bridge.pending(ada.user_id) == 0  # nothing lost, nothing extra
        menus = {m.get("language_code") for m in bridge.menus}
        assert menus >= {None, "en", "ko", "id", "da", "tr", "hi"}  # command menus per language
        assert bridge.counters.fixed_is_bot >= 2 and bridge.counters.fixed_dates > 0
        assert bridge.counters.fixed_chat_instance >= 2
        assert bridge.counters.errors == []
    finally:
        code = await bot.stop()
        await bridge.stop()
    log = bot.output()
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "Traceback" not in log, log[-3000:]
    assert code == 0, log[-2000:]
