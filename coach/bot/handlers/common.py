"""What every handler shares: who is asking (and in which language), access checks, sending with retries."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from coach.bot.i18n import pick_language, text
from coach.bot.service import CoachService
from coach.store import User

log = logging.getLogger("coach.bot")

SEND_ATTEMPTS = 3
BACKOFF = (0.5, 1.5)


@dataclass(frozen=True, slots=True)
class Who:
    """The person behind an update, as the handlers need them."""

    user: User
    lang: str  # the language the bot speaks to them
    trainer: bool

    @property
    def id(self) -> int:
        return self.user.user_id


def service(context: ContextTypes.DEFAULT_TYPE) -> CoachService:
    return context.application.bot_data["service"]


def ui_language(user: User) -> str:
    return user.lang or pick_language(user.tg_lang)


def is_trainer(context: ContextTypes.DEFAULT_TYPE, user: User) -> bool:
    return user.trainer or user.user_id in service(context).settings.trainers


def may_learn(context: ContextTypes.DEFAULT_TYPE, user: User) -> bool:
    settings = service(context).settings
    if not settings.restricted:
        return True
    return user.learner or user.trainer or user.user_id in settings.allowed or user.user_id in settings.trainers


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Who], Awaitable[Any]]


async def identify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who | None:
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        return None
    svc = service(context)
    user = await svc.call(svc.store.touch_user, tg_user.id, tg_user.first_name or "", tg_user.language_code)
    return Who(user, ui_language(user), is_trainer(context, user))


def learner(handler: Handler) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]:
    """For everything a learner does: identifies the user and refuses politely without access."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        who = await identify(update, context)
        if who is None:
            return None
        if not (who.trainer or may_learn(context, who.user)):
            if update.callback_query is not None:
                await answer(update)
            await send(update, context, text(who.lang, "access.denied"))
            return None
        return await handler(update, context, who)

    return wrapper


def trainer(handler: Handler) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]:
    """Trainer commands: anyone else is told, politely, that the command is for trainers."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        who = await identify(update, context)
        if who is None:
            return None
        if not who.trainer:
            await send(update, context, text(who.lang, "access.trainer_only"))
            return None
        return await handler(update, context, who)

    return wrapper


def anyone(handler: Handler) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]:
    """Open to everyone (/join, /lang, /help): still identifies the user for their language."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Any:
        who = await identify(update, context)
        if who is None:
            return None
        return await handler(update, context, who)

    return wrapper


async def retrying(call: Callable[[], Awaitable[Any]], what: str) -> Any:
    """Run a Bot API call; network errors and timeouts are retried with a short backoff.

    RetryAfter (flood control) is waited out by the AIORateLimiter first; if it still comes back
    here it is waited out once more. The last failure is raised for the error handler to report.
    """
    for attempt in range(SEND_ATTEMPTS):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            wait = getattr(exc, "_retry_after", None)  # a timedelta; the public attribute warns in PTB 22
            delay = wait.total_seconds() if isinstance(wait, timedelta) else float(wait or 1)
            log.warning("%s: flood control, waiting %.1f s", what, delay)
            await asyncio.sleep(min(delay, 60.0) + 0.1)
        except (BadRequest, Forbidden):
            raise
        except (TimedOut, NetworkError) as exc:
            if attempt == SEND_ATTEMPTS - 1:
                raise
            log.warning("%s failed (%s); retrying", what, exc)
            await asyncio.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
    return None  # pragma: no cover


async def send(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str, **kwargs: Any) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await retrying(lambda: context.bot.send_message(chat.id, message, **kwargs), "sendMessage")


async def send_all(update: Update, context: ContextTypes.DEFAULT_TYPE, messages: list[str],
                   **last_kwargs: Any) -> None:
    """Several messages in order; keyword arguments (a keyboard) go with the last one."""
    for index, message in enumerate(messages):
        kwargs = last_kwargs if index == len(messages) - 1 else {}
        await send(update, context, message, **kwargs)


async def answer(update: Update, message: str | None = None) -> None:
    """Answer a callback query (always, so the button stops spinning); failures are only logged."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(message)
    except (NetworkError, BadRequest) as exc:
        log.info("answerCallbackQuery failed: %s", exc)


async def drop_keyboard(update: Update) -> None:
    """Remove the buttons from the message a pressed button belongs to (best effort)."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    try:
        await query.edit_message_reply_markup(None)
    except (NetworkError, BadRequest) as exc:
        log.debug("could not remove a keyboard: %s", exc)
