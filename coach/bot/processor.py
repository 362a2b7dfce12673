"""Concurrent updates, in order per user.

Many learners are served at once, but one learner's updates run one after another, in the order
Telegram sent them: a quick second reply cannot overtake the first, and two updates of one user
never touch that user's role-play at the same time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once; updates of the same user (or chat) strictly in sequence."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: dict[object, int] = {}  # how many updates of the key are running or waiting

    @staticmethod
    def key(update: object) -> object:
        if isinstance(update, Update):
            if update.effective_user is not None:
                return ("user", update.effective_user.id)
            if update.effective_chat is not None:
                return ("chat", update.effective_chat.id)
        return ("other", id(update))

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self.key(update)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # nobody else waits for this user: forget the lock
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
