"""Wiring: the PTB Application with its handlers, rate limiter, job queue, error handler and menus."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterable

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from coach.bot import render
from coach.bot.handlers import learner, trainer
from coach.bot.handlers.common import retrying
from coach.bot.i18n import text
from coach.bot.processor import PerUserUpdateProcessor
from coach.bot.roleplay import RolePlays
from coach.bot.service import CoachService
from coach.bot.transport import StreamRequest
from coach.language import LANGUAGES

log = logging.getLogger("coach.bot")

LEARNER_COMMANDS = ("start", "scenarios", "check", "progress", "lang", "help", "stop")
TRAINER_COMMANDS = ("stats", "export", "reload", "invite")
MAINTENANCE_EVERY = 3600.0
NUDGE_EVERY = 60.0


def _skip_missing_sniffio() -> None:
    """Make `import sniffio` fail fast when sniffio is not installed.

    httpcore tries `import sniffio` each time it sets up a lock, i.e. several times per request.
    When sniffio is absent, every failed import walks the whole of sys.path again: measured at
    several milliseconds of CPU per Bot API call, most of the bot's time under load. A None entry
    in sys.modules is Python's documented way to say "this module is not there" without the walk;
    httpcore then takes its own fallback (plain asyncio). An installed sniffio is left alone.
    """
    import importlib.util
    import sys

    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def use_stream_transport(choice: str) -> bool:
    """The lean transport, unless httpx was asked for or a proxy is configured (only httpx does proxies)."""
    import os

    proxied = any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"))
    return choice == "stream" and not proxied


def build_application(service: CoachService, request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None) -> Application:
    """The bot application. `request`s are for tests (a recording fake instead of the network)."""
    _skip_missing_sniffio()
    settings = service.settings
    builder: ApplicationBuilder = (
        Application.builder()
        .token(settings.token)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.max_rate, max_retries=3))
        .concurrent_updates(PerUserUpdateProcessor(settings.max_concurrent))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    base_url = settings.api_base_url()
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.removesuffix("/bot") + "/file/bot")
    lean = use_stream_transport(settings.transport)
    if request is None:
        request = StreamRequest(32, read_timeout=15, write_timeout=15, connect_timeout=10, pool_timeout=10) \
            if lean else HTTPXRequest(connection_pool_size=32, read_timeout=15, write_timeout=15,
                                      connect_timeout=10, pool_timeout=10)
    if get_updates_request is None:
        get_updates_request = StreamRequest(1, read_timeout=settings.poll_timeout + 10, connect_timeout=10) \
            if lean else HTTPXRequest(read_timeout=settings.poll_timeout + 10, connect_timeout=10)
    builder = builder.request(request).get_updates_request(get_updates_request)
    application = builder.build()
    application.bot_data["service"] = service
    application.bot_data["roleplays"] = RolePlays(service)
    add_handlers(application)
    application.add_error_handler(on_error)
    return application


def add_handlers(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    new = filters.UpdateType.MESSAGE  # edited messages get their own answer below
    commands = {
        "start": learner.start, "help": learner.help_command, "lang": learner.lang_command,
        "stop": learner.stop, "scenarios": learner.scenarios_command, "check": learner.check_command,
        "progress": learner.progress_command, "stats": trainer.stats_command, "export": trainer.export_command,
        "reload": trainer.reload_command, "invite": trainer.invite_command, "join": trainer.join_command,
    }
    app.add_handler(MessageHandler(filters.UpdateType.EDITED & private, learner.on_edited))
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=new & private))
    app.add_handler(CommandHandler(("start", "help"), learner.on_group, filters=new & ~private))
    app.add_handler(CallbackQueryHandler(learner.on_menu_button, pattern=r"^m:"))
    app.add_handler(CallbackQueryHandler(learner.on_language_button, pattern=r"^lang:"))
    app.add_handler(CallbackQueryHandler(learner.on_scenario_button, pattern=r"^(sc|nx)[:#]"))
    app.add_handler(CallbackQueryHandler(learner.on_roleplay_button, pattern=r"^rp:"))
    app.add_handler(CallbackQueryHandler(learner.on_unknown_button))
    app.add_handler(MessageHandler(new & private & filters.FORWARDED, learner.on_forwarded))
    app.add_handler(MessageHandler(new & private & filters.Document.ALL, trainer.on_document))
    app.add_handler(MessageHandler(new & private & filters.TEXT & ~filters.COMMAND, learner.on_text))
    app.add_handler(MessageHandler(new & private & filters.COMMAND, learner.on_unknown_command))
    app.add_handler(MessageHandler(new & private, learner.on_media))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception, tell the user briefly that something went wrong, and keep going."""
    error = context.error
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        log.warning("network trouble: %s", error)  # polling hiccups; PTB retries on its own
        return
    where = ""
    if isinstance(update, Update):
        user = update.effective_user
        where = f" (update {update.update_id}, user {user.id if user else '-'})"
    log.error("unexpected error%s", where, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    lang = "en"
    try:
        service: CoachService = context.application.bot_data["service"]
        user_id = update.effective_user.id if update.effective_user else None
        if user_id is not None:
            from coach.bot.handlers.common import ui_language

            user = await service.call(service.store.get_user, user_id)
            if user is not None:
                lang = ui_language(user)
    except Exception:
        pass
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text(lang, "error.generic"))
    except (TelegramError, Exception) as exc:
        log.warning("could not send the apology: %s", exc)


# -- start and stop ------------------------------------------------------------------------------


async def _post_init(app: Application) -> None:
    service: CoachService = app.bot_data["service"]
    if service._content is None:  # tests may load content themselves
        outcome = await service.call(service.load_content)
        if not outcome.ok:
            from coach.errors import CoachError

            raise CoachError("the phrasebooks or scenarios have problems:",
                             tuple(p for p in outcome.problems if p.severity == "error"))
    await service.call(service.warm_up)
    await asyncio.to_thread(_import_charts)  # before going online: importing matplotlib is seconds of GIL
    # Everything loaded so far (pipelines, dictionaries, phrasebooks: a few hundred thousand objects)
    # lives as long as the process. Leaving it to the cyclic GC would make every full collection walk
    # all of it — a pause of a tenth of a second or more in the middle of someone's turn.
    gc.collect()
    gc.freeze()
    if app.job_queue is not None:
        app.job_queue.run_repeating(_maintenance, MAINTENANCE_EVERY, first=MAINTENANCE_EVERY, name="maintenance")
        if service.settings.nudge_after > 0:
            app.job_queue.run_repeating(_nudge, NUDGE_EVERY, first=NUDGE_EVERY, name="nudge")
    app.bot_data["menus"] = asyncio.get_running_loop().create_task(_set_menus(app))


async def _post_shutdown(app: Application) -> None:
    task = app.bot_data.get("menus")
    if task is not None and not task.done():
        task.cancel()


def _import_charts() -> None:
    import matplotlib.figure  # noqa: F401

    from coach.bot import charts  # noqa: F401


async def _set_menus(app: Application) -> None:
    """Command menus per language, and the trainer commands in each configured trainer's chat."""
    service: CoachService = app.bot_data["service"]
    try:
        await set_learner_commands(app.bot)
        trainers = set(service.settings.trainers) | set(await service.call(service.store.trainers))
        await set_trainer_commands(app.bot, sorted(trainers))
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.warning("could not set the command menus: %s", exc)


def _commands(lang: str, names: Iterable[str]) -> list[BotCommand]:
    return [BotCommand(name, text(lang, f"command.{name}")) for name in names]


async def set_learner_commands(bot) -> None:
    await retrying(lambda: bot.set_my_commands(_commands("en", LEARNER_COMMANDS), scope=BotCommandScopeDefault()),
                   "setMyCommands")
    for lang in LANGUAGES:
        await retrying(lambda lang=lang: bot.set_my_commands(_commands(lang, LEARNER_COMMANDS),
                                                             scope=BotCommandScopeDefault(), language_code=lang),
                       "setMyCommands")


async def set_trainer_commands(bot, trainer_ids: Iterable[int]) -> None:
    names = (*LEARNER_COMMANDS, *TRAINER_COMMANDS)
    for trainer_id in trainer_ids:
        scope = BotCommandScopeChat(trainer_id)
        try:
            await retrying(lambda scope=scope: bot.set_my_commands(_commands("en", names), scope=scope),
                           "setMyCommands")
            for lang in LANGUAGES:
                await retrying(lambda lang=lang, scope=scope: bot.set_my_commands(
                    _commands(lang, names), scope=scope, language_code=lang), "setMyCommands")
        except (Forbidden, TelegramError) as exc:  # a trainer who never opened the bot: no chat yet
            log.info("no trainer menu for %s: %s", trainer_id, exc)


async def _maintenance(context: ContextTypes.DEFAULT_TYPE) -> None:
    service: CoachService = context.application.bot_data["service"]
    await service.call(service.store.maintenance)


async def _nudge(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One friendly reminder for a role-play left waiting (users who sent /stop get none)."""
    from coach.bot.handlers.common import ui_language

    service: CoachService = context.application.bot_data["service"]
    roleplays: RolePlays = context.application.bot_data["roleplays"]
    for session in await service.call(service.store.idle_sessions, service.settings.nudge_after):
        user = await service.call(service.store.get_user, session.user_id)
        current = await service.call(roleplays.current, session.user_id)
        await service.call(service.store.mark_nudged, session.user_id)
        if user is None or current is None or not hasattr(current, "state"):
            continue
        lang = ui_language(user)
        message = text(lang, "nudge", title=render.e(current.scenario.title)) + "\n\n" + \
            render.customer_line(current.scenario.persona.name, current.state.line)
        turns = len(current.state.turns)
        try:
            await context.bot.send_message(session.user_id, message, reply_markup=render.roleplay_keyboard(
                lang, session.attempt_id, turns, turns > 0))
        except TelegramError as exc:
            log.info("no reminder for %s: %s", session.user_id, exc)
