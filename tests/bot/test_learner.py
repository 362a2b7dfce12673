"""A learner's side of the bot, offline: real handlers, engine, checker and SQLite; fake network only."""

from __future__ import annotations

import asyncio
import json

from bothelpers import Harness, buttons, keyboard, start_harness, stop_harness
from telegram.error import NetworkError, RetryAfter, TimedOut

from coach.bot.handlers import common
from coach.bot.i18n import text

SCENARIO = "sc:en:late-parcel"
FLAGGED = "Please calm down, I promise it will come soon."
GOOD_OPENING = "I'm so sorry the lamp is late, I understand how annoying that is."
GOOD_PLAN = "I'll check with the courier and call you back today; it will be with you tomorrow by 3 pm."


async def test_start_greets_in_the_users_language_with_three_lines_and_the_menu(harness: Harness) -> None:
    [english] = await harness.person(1, "en-GB", "Ada").say("/start")
    assert english.startswith("Hello, Ada!")
    assert len(text("en", "start.about").splitlines()) == 3
    assert buttons(harness.request.sent()[-1]) == {
        "🎭 Role-plays": "m:scen", "✍️ Check a draft": "m:check", "📈 My progress": "m:prog",
        "🌐 Language": "m:lang", "❓ Help": "m:help"}
    for code, start in (("ko", "Ada님, 안녕하세요"), ("id", "Halo, Ada"), ("da", "Hej Ada"), ("tr", "Merhaba Ada"),
                        ("hi", "नमस्ते Ada"), ("pt-BR", "Hello, Ada")):
        [reply] = await harness.person(hash(code) % 10_000 + 10, code, "Ada").say("/start")
        assert reply.startswith(start), (code, reply)


async def test_lang_changes_the_language_for_good(harness: Harness) -> None:
    ada = harness.person(2, "en")
    await ada.say("/lang")
    assert "lang:ko" in buttons(ada.last()).values()
    [done] = await ada.press("lang:ko")
    assert done == text("ko", "lang.set", language="한국어")
    [helped] = await ada.say("/help")
    assert helped.startswith("<b>이렇게 도와드릴 수 있습니다</b>")
    await ada.say("/lang tr")
    assert (await ada.say("/help"))[0].startswith("<b>Size nasıl yardımcı olabilirim</b>")


async def test_a_whole_role_play_with_a_flagged_reply_try_again_hint_and_the_final_card(harness: Harness) -> None:
    ada = harness.person(3)
    [listing] = await ada.say("/scenarios")
    assert listing == "Choose a role-play:"
    assert buttons(ada.last()) == {"The late parcel · easy · new": SCENARIO}

    [opening] = await ada.press(SCENARIO)  # the brief, then the customer's first line
    assert opening.startswith("🎭 <b>The late parcel</b> · easy") and "Pass mark: 60" in opening
    assert opening.endswith("\n\n🗣 <b>Mia Berg</b>: Hello, my lamp was supposed to arrive days ago. Where is it?")
    assert set(buttons(ada.last())) == {"💡 Hint", "⏹ End"}  # nothing to undo yet

    [card] = await ada.say(FLAGGED)  # ONE card: findings, moves, mood, then the next line
    assert card.startswith("⚠️ <b>Worth rephrasing: 3</b>")
    assert "“Please <b><u>calm down</u></b>, I promise it will come soon.”" in card
    assert "<i>Dismissive tone</i> — Telling an upset customer to calm down makes them angrier." in card
    assert "💬 Instead: “I can hear how frustrating this is, and I want to sort it out.”" in card
    assert "○ Still missing: apology, empathy, a clear timeframe, next step" in card
    assert "Customer's mood: 😡 ▰▰▰▰▰ furious" in card
    assert card.endswith("🗣 <b>Mia Berg</b>: That doesn't help me at all. When will I get my lamp?")
    controls = buttons(ada.last())
    assert controls == {"↩️ Try again": "rp:r:1:1", "💡 Hint": "rp:h:1:1", "⏹ End": "rp:e:1:1"}

    [hint] = await ada.press(controls["💡 Hint"])
    assert hint == "💡 <b>Hint:</b> Apologise and give her a concrete time. <i>(this hint costs 5 points)</i>"

    [undone] = await ada.press(controls["↩️ Try again"])
    assert undone.startswith("↩️ Your last reply has been undone.") and "Where is it?" in undone
    assert any(m == "editMessageReplyMarkup" for m, _ in harness.request.calls)  # the old card lost its buttons
    [stale] = [p for m, p in harness.request.calls if m == "answerCallbackQuery"][-1:]
    assert stale.get("text") == "Turn undone"
    await ada.press(controls["↩️ Try again"])  # the same button again: it belongs to an earlier step
    assert [p for m, p in harness.request.calls if m == "answerCallbackQuery"][-1]["text"] == \
        "That button belongs to an earlier step."

    [card] = await ada.say(GOOD_OPENING)
    assert card.startswith("✅ <b>Well phrased</b>")
    assert "✓ Shown so far: <b>apology</b>, <b>empathy</b>" in card
    [closing] = await ada.say(GOOD_PLAN)  # one message: the last reply's feedback, then the final card
    card, final = closing.split("\n\n🏁 ", 1)
    assert card.startswith("✅ <b>Well phrased</b>") and "Customer's mood" in card
    assert final.startswith("<b>The late parcel</b>: ")
    assert "passed ✅" in final and "<b>What went well</b>" in final
    assert "The conversation ended well" in final
    assert set(buttons(ada.last())) == {"🔁 Play again", "➡️ Next scenario"}

    [listing] = await ada.say("/scenarios")
    assert "best" in next(iter(buttons(ada.last())))


async def test_final_card_lists_rewrites_and_model_answers_when_turns_went_wrong(harness: Harness) -> None:
    ada = harness.person(4)
    await ada.press(SCENARIO)
    await ada.say("That's not my job.")
    [closing] = await ada.say("Calm down, it's not our fault, we'll see.")
    card, final = closing.split("\n\n🏁 ", 1)
    assert "Worth rephrasing" in card
    assert "not passed yet" in final
    assert "<b>Three rewrites worth keeping</b>" in final
    assert "“Calm down” → “I can hear how frustrating this is, and I want to sort it out.”" in final
    assert "<b>Model answers for the steps to revisit</b>" in final
    assert "💬 You could say: “I'm sorry your lamp hasn't arrived yet; I understand how annoying the wait is.”" \
        in final
    assert buttons(ada.last())["➡️ Next scenario"] == "nx:en:late-parcel"
    [opening] = await ada.press("nx:en:late-parcel")  # the only scenario: next is itself
    assert "The late parcel" in opening and "Mia Berg" in opening


async def test_end_button_gives_the_final_card_at_once(harness: Harness) -> None:
    ada = harness.person(5)
    await ada.press(SCENARIO)
    await ada.say(GOOD_OPENING)
    [final] = await ada.press(buttons(ada.last())["⏹ End"])
    assert "You ended the role-play early." in final and "not passed yet" in final
    [draft] = await ada.say("Thanks for waiting.")  # no role-play now: text is a draft again
    assert draft == text("en", "draft.clean")


async def test_restart_mid_scenario_continues_where_the_learner_was(settings) -> None:
    first = await start_harness(settings)
    ada = first.person(6)
    await ada.press(SCENARIO)
    await ada.say(GOOD_OPENING)
    await stop_harness(first)  # the process goes away; the SQLite file stays

    second = await start_harness(settings)
    try:
        ada = second.person(6)
        [menu, line] = await ada.say("/start")
        assert "You're in the middle of “The late parcel”" in menu
        assert line == "🗣 <b>Mia Berg</b>: Thank you. So when can I expect it?"
        [closing] = await ada.say(GOOD_PLAN)
        card, final = closing.split("\n\n🏁 ", 1)
        assert "Shown so far: apology, empathy" in card and "passed ✅" in final
    finally:
        await stop_harness(second)


async def test_learners_never_see_each_others_state(harness: Harness) -> None:
    ada, bo = harness.person(7), harness.person(8, first_name="Bo")
    await ada.press(SCENARIO)
    await ada.say(FLAGGED)
    [bo_draft] = await bo.say(GOOD_OPENING)  # Bo has no role-play: his text is a draft
    assert bo_draft == text("en", "draft.clean")
    assert all(int(p["chat_id"]) in (7, 8) for p in harness.request.sent())
    await bo.press(SCENARIO)
    [bo_card] = await bo.say(GOOD_OPENING)
    [ada_card] = await ada.say("I'm sorry, it will be with you tomorrow by 3 pm.")  # it ends her role-play
    assert "Thank you. So when can I expect it?" in bo_card
    assert "Delivery arranged" not in bo_card and "Great, tomorrow by three" in ada_card
    ada_calls = [p for p in harness.request.sent() if int(p["chat_id"]) == 7]
    assert not any("Bo" in p["text"] for p in ada_calls)
    # Ada's old Try again button cannot undo Bo's turn
    await bo.press("rp:r:1:1")
    assert [p for m, p in harness.request.calls if m == "answerCallbackQuery"][-1]["text"] == \
        "That button belongs to an earlier step."


async def test_drafts_get_findings_and_a_rewritten_version_ready_to_copy(harness: Harness) -> None:
    ada = harness.person(9)
    [reply] = await ada.say("/check That's not my job. Calm down, we'll see.")
    assert reply.startswith("⚠️ <b>Worth rephrasing: 3</b>")
    assert "✍️ <b>A rewritten version, ready to copy:</b>\n<pre>" in reply
    rewritten = reply.split("<pre>")[1].split("</pre>")[0]
    assert "not my job" not in rewritten and "Calm down" not in rewritten
    assert "I can hear how frustrating this is" in rewritten  # one sentence, two findings: the worst one's rewrite
    [prompt] = await ada.say("/check")
    assert prompt == text("en", "check.prompt")
    [forwarded] = await ada.send(text="Calm down please.", forward_origin={
        "type": "hidden_user", "sender_user_name": "A colleague", "date": 1_700_000_000})
    assert "Dismissive tone" in forwarded


async def test_a_forwarded_message_during_a_role_play_is_a_draft_not_a_reply(harness: Harness) -> None:
    ada = harness.person(10)
    await ada.press(SCENARIO)
    [checked] = await ada.send(text="Calm down please.", forward_origin={
        "type": "hidden_user", "sender_user_name": "A colleague", "date": 1_700_000_000})
    assert checked.startswith("⚠️") and "Mia Berg" not in checked
    [card] = await ada.say(GOOD_OPENING)  # the role-play is where it was
    assert "Thank you. So when can I expect it?" in card


async def test_odd_input_gets_a_short_friendly_answer_in_the_users_language(harness: Harness) -> None:
    ada = harness.person(11, "id")
    sticker = {"file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512, "is_animated": False,
               "is_video": False, "type": "regular"}
    assert await ada.send(sticker=sticker) == [text("id", "unsupported.media")]
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]
    assert await ada.send(photo=photo) == [text("id", "unsupported.media")]
    assert await ada.send(voice={"file_id": "v1", "file_unique_id": "v1", "duration": 3}) == \
        [text("id", "unsupported.media")]
    assert await ada.edit("Calm down.") == [text("id", "unsupported.edited")]
    assert await ada.say("🙂🙂🙂") == [text("id", "draft.no_words")]
    assert await ada.say("/frobnicate") == [text("id", "unsupported.command")]
    [other] = await ada.say("Bonjour, je vous remercie de votre patience, nous cherchons votre colis.")
    assert other == text("id", "draft.other_language", languages="English")


async def test_odd_input_inside_a_role_play(harness: Harness) -> None:
    ada = harness.person(12)
    await ada.press(SCENARIO)
    assert await ada.say("👍👍") == [text("en", "reject.no_words")]
    [foreign] = await ada.say("Es tut mir sehr leid, wir schicken Ihnen morgen eine neue Lampe.")
    assert foreign == text("en", "reject.wrong_language", language="English")
    [too_long] = await ada.say("I am sorry. " * 300)
    assert too_long.startswith("Your reply is 3,600 characters long") or "3600" in too_long
    [card] = await ada.say(GOOD_OPENING)  # none of it counted as a turn
    assert "Thank you. So when can I expect it?" in card


async def test_a_4000_character_draft_is_answered_in_messages_telegram_accepts(harness: Harness) -> None:
    ada = harness.person(13)
    draft = ("We'll see what we can do. Calm down, I promise it will come soon. " * 70)[:4000]
    replies = await ada.say(draft)
    assert len(replies) >= 2
    assert all(len(r) <= 4096 for r in replies)
    assert "… and " in replies[0]  # findings beyond the first few are counted, not listed
    copy = "".join(r for r in replies if "<pre>" in r)
    assert copy.count("<pre>") == copy.count("</pre>") >= 1


async def test_progress_shows_scores_categories_and_a_png_chart(harness: Harness) -> None:
    ada = harness.person(14)
    [empty] = await ada.say("/progress")
    assert text("en", "progress.none") in empty and not harness.request.sent("sendPhoto")
    await ada.press(SCENARIO)
    await ada.say(FLAGGED)
    await ada.press("rp:e:1:1")
    await ada.press(SCENARIO)
    await ada.say(GOOD_OPENING)
    await ada.say(GOOD_PLAN)
    [report] = await ada.say("/progress")
    assert "• The late parcel: 2 attempt(s), best 100, last 100 ✅" in report
    assert "<b>What you trip on most</b>" in report and "Dismissive tone: 1" in report
    [photo] = harness.request.sent("sendPhoto")
    assert photo["caption"] == "Your scores over time"
    [(name, data, mime)] = photo["_files"].values()
    assert name == "progress.png" and mime == "image/png" and data[:8] == b"\x89PNG\r\n\x1a\n"


async def test_stop_ends_the_role_play_and_start_brings_back_the_menu(harness: Harness) -> None:
    ada = harness.person(15)
    await ada.press(SCENARIO)
    [stopped] = await ada.say("/stop")
    assert stopped == text("en", "stop.ended")
    [checked] = await ada.say(GOOD_OPENING)  # no role-play any more
    assert checked == text("en", "draft.clean")
    [stopped] = await ada.say("/stop")
    assert stopped == text("en", "stop.idle")


async def test_an_unexpected_error_is_logged_and_the_user_gets_an_apology(harness: Harness, monkeypatch,
                                                                         caplog) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(harness.service, "check_draft", broken)
    ada = harness.person(16, "tr")
    assert await ada.say("Hello there, how can I help?") == [text("tr", "error.generic")]
    assert "boom" in caplog.text
    monkeypatch.undo()
    assert await ada.say("Thanks for waiting.") == [text("en", "draft.clean").replace(
        text("en", "draft.clean"), text("tr", "draft.clean"))]  # and the bot goes on


async def test_network_errors_and_flood_limits_are_retried(harness: Harness, monkeypatch) -> None:
    monkeypatch.setattr(common, "BACKOFF", (0.0, 0.0))
    ada = harness.person(17)
    harness.request.fail["sendMessage"] = [NetworkError("connection reset"), TimedOut(),
                                           RetryAfter(0)]  # type: ignore[list-item]
    [reply] = await ada.say("Thanks for waiting.")
    assert reply == text("en", "draft.clean")  # delivered on the fourth try (rate limiter + our retries)
    harness.request.fail["sendMessage"] = [NetworkError("down")] * 20
    assert await ada.say("Thanks for waiting.") == []  # given up and reported; the bot goes on
    harness.request.fail.clear()
    assert await ada.say("Thanks for waiting.") == [text("en", "draft.clean")]


async def test_group_chats_are_pointed_to_a_private_chat(harness: Harness) -> None:
    ada = harness.person(18)
    message = ada._message(text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    message["chat"] = {"id": -100, "type": "group", "title": "Team"}
    await ada._process({"message": message})
    assert harness.request.sent()[-1]["text"] == text("en", "unsupported.group")


async def test_scenario_keyboard_button_data_fit_telegrams_limit(harness: Harness) -> None:
    ada = harness.person(19)
    await ada.say("/scenarios")
    for row in keyboard(ada.last()):
        for button in row:
            assert len(button["callback_data"].encode()) <= 64
    assert json.dumps(ada.last()["reply_markup"])


async def test_a_role_play_left_waiting_gets_one_friendly_reminder(tmp_path) -> None:
    from types import SimpleNamespace

    from bothelpers import make_settings

    from coach.bot import app as app_module

    harness = await start_harness(make_settings(tmp_path, nudge_after=0.01))
    try:
        ada, bo = harness.person(20, "da"), harness.person(21)
        await ada.press(SCENARIO)
        await bo.press(SCENARIO)
        await bo.say("/stop")  # Bo wants no reminders
        await asyncio.sleep(0.05)
        context = SimpleNamespace(application=harness.app, bot=harness.app.bot)
        before = len(harness.request.sent())
        await app_module._nudge(context)
        [reminder] = harness.request.sent()[before:]
        assert int(reminder["chat_id"]) == 20
        assert reminder["text"].startswith(text("da", "nudge", title="The late parcel"))
        assert "Where is it?" in reminder["text"]
        await app_module._nudge(context)  # only once
        assert len(harness.request.sent()) == before + 1
    finally:
        await stop_harness(harness)


async def test_webhook_mode_accepts_telegrams_posts_with_the_secret_only(tmp_path) -> None:
    import httpx
    from bothelpers import make_settings
    from emulator import free_port

    harness = await start_harness(make_settings(tmp_path))
    port = free_port()
    updater = harness.app.updater
    try:
        await harness.app.start()
        await updater.start_webhook(listen="127.0.0.1", port=port, url_path="coach",
                                    webhook_url="https://bot.example.com/coach", secret_token="s3cret")
        assert ("setWebhook", {"url": "https://bot.example.com/coach", "secret_token": "s3cret"}) in [
            (m, {k: p[k] for k in ("url", "secret_token") if k in p}) for m, p in harness.request.calls]
        update = {"update_id": 1, "message": {"message_id": 1, "date": 1_700_000_000, "text": "/help",
                  "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                  "from": {"id": 40, "is_bot": False, "first_name": "W"}, "chat": {"id": 40, "type": "private"}}}
        async with httpx.AsyncClient() as client:
            refused = await client.post(f"http://127.0.0.1:{port}/coach", json=update)
            assert refused.status_code == 403
            accepted = await client.post(f"http://127.0.0.1:{port}/coach", json=update,
                                         headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"})
            assert accepted.status_code == 200
        for _ in range(100):
            if harness.request.sent():
                break
            await asyncio.sleep(0.02)
        assert harness.request.sent()[-1]["text"] == text("en", "help.learner")
    finally:
        await updater.stop()
        await harness.app.stop()
        await stop_harness(harness)
