"""What a learner does: the menu, role-plays with a card per reply, draft checks, progress."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from coach.bot import render
from coach.bot.handlers.common import (
    Who,
    answer,
    anyone,
    drop_keyboard,
    learner,
    retrying,
    send,
    send_all,
    service,
)
from coach.bot.i18n import NATIVE_NAMES, text
from coach.bot.roleplay import OVER, REJECTED, Current, Ended, NoRolePlay, Played, RolePlays
from coach.bot.service import draw
from coach.language import LANGUAGES

log = logging.getLogger("coach.bot")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def roleplays(context: ContextTypes.DEFAULT_TYPE) -> RolePlays:
    return context.application.bot_data["roleplays"]


# -- menu, help, language, stop ------------------------------------------------------------------


@learner
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    svc = service(context)
    await svc.call(svc.store.set_reminders, who.id, True)
    name = render.e(update.effective_user.first_name or "") if update.effective_user else ""
    lines = [text(who.lang, "start.greeting", name=name), "", text(who.lang, "start.about")]
    current = await svc.call(roleplays(context).current, who.id)
    if isinstance(current, Current):
        lines += ["", text(who.lang, "start.resume", title=render.e(current.scenario.title))]
    lines += ["", text(who.lang, "menu.title")]
    await send(update, context, "\n".join(lines), reply_markup=render.menu_keyboard(who.lang))
    if isinstance(current, Current):
        await send_customer_line(update, context, who, current)


@anyone
async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    message = text(who.lang, "help.learner")
    if who.trainer:
        message += "\n\n" + text(who.lang, "help.trainer")
    await send(update, context, message)


@anyone
async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    args = context.args or []
    if args and args[0].lower() in LANGUAGES:
        await set_language(update, context, who, args[0].lower())
        return
    await send(update, context, text(who.lang, "lang.choose"), reply_markup=render.language_keyboard(who.lang))


async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who, lang: str) -> None:
    svc = service(context)
    await svc.call(svc.store.set_lang, who.id, lang)
    await send(update, context, text(lang, "lang.set", language=NATIVE_NAMES[lang]),
               reply_markup=render.menu_keyboard(lang))


@learner
async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    svc = service(context)
    ended = await svc.call(svc.store.abandon, who.id)
    await svc.call(svc.store.set_reminders, who.id, False)
    key = "stop.ended" if ended else "stop.idle"
    await send(update, context, text(who.lang, key))


# -- scenarios and role-play -----------------------------------------------------------------------


@learner
async def scenarios_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    await show_scenarios(update, context, who)


async def show_scenarios(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    svc = service(context)
    plays = roleplays(context)
    available = await svc.call(plays.available, who.lang)
    if not available:
        await send(update, context, text(who.lang, "scenarios.none"))
        return
    best = await svc.call(plays.best_scores, who.id)
    await send(update, context, text(who.lang, "scenarios.title"),
               reply_markup=render.scenario_keyboard(who.lang, available, best))


async def send_customer_line(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who, current: Current) -> None:
    turns = len(current.state.turns)
    await send(update, context, render.customer_line(current.scenario.persona.name, current.state.line),
               reply_markup=render.roleplay_keyboard(who.lang, current.session.attempt_id, turns, turns > 0))


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who, scenario) -> None:
    svc = service(context)
    started = await svc.call(roleplays(context).start, who.id, scenario)
    if started.replaced:
        await send(update, context, text(who.lang, "roleplay.replaced", title=render.e(started.replaced)))
    # the brief and the customer's first line go in one message (one message less against the flood limit)
    opening = render.brief_message(who.lang, scenario) + "\n\n" + \
        render.customer_line(scenario.persona.name, started.state.line)
    await send_all(update, context, render.split_message(opening),
                   reply_markup=render.roleplay_keyboard(who.lang, started.session.attempt_id, 0, False))


@learner
async def on_scenario_button(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    query = update.callback_query
    data = query.data or ""
    svc = service(context)
    plays = roleplays(context)
    if data.startswith("nx"):
        scenario = await svc.call(plays.next_after, "sc" + data[2:], who.lang)
    else:
        scenario = await svc.call(plays.find, data)
    await answer(update)
    if scenario is None:
        await send(update, context, text(who.lang, "scenarios.gone"))
        await show_scenarios(update, context, who)
        return
    await begin(update, context, who, scenario)  # the list (or final card) keeps its buttons: no extra edit


async def play_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who, reply: str) -> bool:
    """Play the text as a role-play reply; False when the learner has no role-play going."""
    svc = service(context)
    try:
        played = await svc.call(roleplays(context).turn, who.id, reply)
    except NoRolePlay:
        played = None
    if played is None:
        return False
    if isinstance(played, Ended):
        await send(update, context, text(who.lang, "roleplay.changed"))
        await show_scenarios(update, context, who)
        return True
    await show_played(update, context, who, played)
    return True


async def show_played(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who, played: Played) -> None:
    result = played.result
    scenario = played.scenario
    if result.kind == REJECTED:
        await send(update, context, rejection_text(who.lang, result.rejection, scenario.lang))
        return
    if result.kind == OVER and played.report is not None:  # the game had already ended: the final card
        await send_final(update, context, who, scenario, played.report)
        return
    card = render.feedback_card(who.lang, result.reply, result.findings, result.moves, result.checklist,
                                result.missed, result.mood_after, scenario.persona.name, result.customer_line)
    if played.report is not None:  # the reply that ended it: its feedback and the final card, one message
        await send_final(update, context, who, scenario, played.report, before=card)
    else:
        keyboard = render.roleplay_keyboard(who.lang, played.session.attempt_id, len(result.state.turns))
        await send_all(update, context, render.split_message(card), reply_markup=keyboard)


async def send_final(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who, scenario, report,
                     before: str = "") -> None:
    """The final card, after `before` (the last reply's feedback) in the same message when it fits:
    every learner action gets one message, which is what Telegram's send limit counts."""
    parts = render.joined(before, render.final_card(who.lang, report, scenario.title))
    await send_all(update, context, parts, reply_markup=render.final_keyboard(who.lang, scenario.id, scenario.lang))


def rejection_text(lang: str, rejection, scenario_lang: str) -> str:
    reason = rejection.reason if rejection is not None else "empty"
    if reason == "too_long":
        return text(lang, "reject.too_long", length=rejection.length, limit=rejection.limit)
    if reason == "wrong_language":
        return text(lang, "reject.wrong_language", language=NATIVE_NAMES.get(scenario_lang, scenario_lang))
    if reason == "no_words":
        return text(lang, "reject.no_words")
    return text(lang, "reject.empty")


@learner
async def on_roleplay_button(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    query = update.callback_query
    try:
        _, action, attempt_text, turns_text = (query.data or "").split(":")
        attempt, turns = int(attempt_text), int(turns_text)
    except ValueError:
        await answer(update)
        return
    svc = service(context)
    plays = roleplays(context)
    try:
        if action == "r":
            outcome = await svc.call(plays.retry, who.id, attempt, turns)
            await answer(update, text(who.lang, "retry.toast"))
            await drop_keyboard(update)
            left = len(outcome.state.turns)
            await send(update, context, text(who.lang, "retry.done") + "\n\n"
                       + render.customer_line(outcome.scenario.persona.name, outcome.state.line),
                       reply_markup=render.roleplay_keyboard(who.lang, attempt, left, left > 0))
        elif action == "h":
            hint = await svc.call(plays.hint, who.id, attempt)
            await answer(update)
            if hint.text is None:
                await send(update, context, text(who.lang, "hint.none"))
            else:
                cost = text(who.lang, "hint.cost", points=hint.cost) if hint.cost else ""
                await send(update, context, text(who.lang, "hint.text", hint=render.e(hint.text)) + cost)
        elif action == "e":
            scenario, report = await svc.call(plays.end, who.id, attempt)
            await answer(update)
            await drop_keyboard(update)
            await send_final(update, context, who, scenario, report)
        else:
            await answer(update)
    except NoRolePlay:
        await answer(update, text(who.lang, "button.stale"))


# -- drafts ----------------------------------------------------------------------------------------


async def check_draft(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who, draft: str) -> None:
    if not _LETTER.search(draft):
        await send(update, context, text(who.lang, "draft.no_words"))
        return
    svc = service(context)
    report = await svc.call(svc.check_draft, who.id, draft, who.lang)
    if report.lang is None:
        languages = ", ".join(NATIVE_NAMES[lang] for lang in svc.checker.languages)
        await send(update, context, text(who.lang, "draft.other_language", languages=languages))
        return
    from coach.bot.drafts import rewrite_draft

    rewritten, _ = rewrite_draft(draft, report.findings) if report.findings else (draft, 0)
    await send_all(update, context, render.draft_messages(who.lang, draft, report, rewritten))


@learner
async def check_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    message = update.effective_message
    body = ""
    if message is not None and message.text:
        parts = message.text.split(maxsplit=1)
        body = parts[1] if len(parts) > 1 else ""
    if not body.strip():
        await send(update, context, text(who.lang, "check.prompt"))
        return
    await check_draft(update, context, who, body)


@learner
async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    """Plain text: a reply in the learner's role-play, or else a draft to check."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if await play_turn(update, context, who, message.text):
        return
    await check_draft(update, context, who, message.text)


@learner
async def on_forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    """A forwarded message is someone's draft (never a role-play reply): check it."""
    message = update.effective_message
    body = (message.text or message.caption or "") if message is not None else ""
    if not body.strip():
        await send(update, context, text(who.lang, "unsupported.media"))
        return
    await check_draft(update, context, who, body)


# -- progress --------------------------------------------------------------------------------------


@learner
async def progress_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    await show_progress(update, context, who)


async def show_progress(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    svc = service(context)
    progress = await svc.call(svc.store.progress, who.id)
    scenario_set = svc.scenarios
    titles: dict[str, str] = {}
    pass_scores: dict[str, int] = {}
    for (scenario_id, lang), scenario in scenario_set.scenarios.items():
        if scenario_id not in titles or lang == who.lang:
            titles[scenario_id] = scenario.title
            pass_scores[scenario_id] = scenario.pass_score
    await send(update, context, render.progress_text(who.lang, progress, titles))
    if progress.history:
        texts = {key: (text(who.lang, f"chart.{key}"), text("en", f"chart.{key}"))
                 for key in ("title", "score", "attempt")}
        points = [(p.when, p.scenario, p.score) for p in progress.history]
        played = {p.scenario for p in progress.history}
        png = await asyncio.to_thread(draw, "progress_chart", points, titles,
                             {k: v for k, v in pass_scores.items() if k in played}, texts)
        chat = update.effective_chat
        await retrying(lambda: context.bot.send_photo(chat.id, InputFile(png, filename="progress.png"),
                                                      caption=text(who.lang, "progress.chart")), "sendPhoto")


# -- menu buttons and the language keyboard --------------------------------------------------------


@anyone
async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    lang = (update.callback_query.data or "")[5:]
    await answer(update)
    if lang in LANGUAGES:
        await drop_keyboard(update)
        await set_language(update, context, who, lang)


@learner
async def on_menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    action = (update.callback_query.data or "")[2:]
    await answer(update)
    if action == "scen":
        await show_scenarios(update, context, who)
    elif action == "check":
        await send(update, context, text(who.lang, "check.prompt"))
    elif action == "prog":
        await show_progress(update, context, who)
    elif action == "lang":
        await send(update, context, text(who.lang, "lang.choose"), reply_markup=render.language_keyboard(who.lang))
    elif action == "help":
        message = text(who.lang, "help.learner")
        if who.trainer:
            message += "\n\n" + text(who.lang, "help.trainer")
        await send(update, context, message)


# -- everything else -------------------------------------------------------------------------------


@anyone
async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    await send(update, context, text(who.lang, "unsupported.edited"))


@anyone
async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    await send(update, context, text(who.lang, "unsupported.media"))


@anyone
async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    await send(update, context, text(who.lang, "unsupported.command"))


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from an older version of the bot, or from a message long gone: just stop the spinner."""
    await answer(update)


@anyone
async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    await send(update, context, text(who.lang, "unsupported.group"))
