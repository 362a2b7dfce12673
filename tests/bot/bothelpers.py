"""Helpers for the offline bot tests: the real Application and handlers, with the network to Telegram replaced.

`RecordingRequest` is a PTB `BaseRequest` that answers every Bot API call from memory and records
it; updates are built as real `Update` objects with `Update.de_json`. Everything else is real: the
phrasebook and scenario YAML under tests/bot/data, the checker, the engine, and a SQLite file.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from coach.bot.app import build_application
from coach.bot.service import CoachService
from coach.bot.settings import BotSettings
from coach.store import Store

DATA = Path(__file__).parent / "data"
TOKEN = "123456:TEST-token-for-offline-tests-0123456789"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Coach", "username": "coach_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


class RecordingRequest(BaseRequest):
    """Answers Bot API calls without a network and remembers them, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self.fail: dict[str, list[Exception]] = {}  # method → errors to raise first (one per call)
        self._ids = itertools.count(1000)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         **_: Any) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download
            file_path = url.rsplit("/", 1)[-1]
            return 200, self.files.get(file_path, b"")
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.multipart_data:
            params["_files"] = {k: v for k, v in request_data.multipart_data.items()}  # name → (filename, bytes, mime)
        if self.fail.get(name):
            raise self.fail[name].pop(0)
        self.calls.append((name, params))
        if name == "getMe":
            result: Any = BOT_USER
        elif name in ("sendMessage", "sendPhoto", "sendDocument"):
            result = {"message_id": next(self._ids), "date": int(time.time()),
                      "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                      "from": BOT_USER, "text": params.get("text", params.get("caption", ""))}
        elif name == "getFile":
            file_id = params["file_id"]
            result = {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files.get(file_id, b"")),
                      "file_path": file_id}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- reading back -------------------------------------------------------------------------

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]

    def texts(self) -> list[str]:
        return [p["text"] for p in self.sent()]

    def clear(self) -> None:
        self.calls.clear()


def keyboard(params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = params.get("reply_markup")
    if markup is None:
        return []
    if isinstance(markup, str):
        markup = json.loads(markup)
    if hasattr(markup, "to_dict"):
        markup = markup.to_dict()
    return markup.get("inline_keyboard", [])


def buttons(params: dict[str, Any]) -> dict[str, str]:
    """Button text → callback_data of a sent message."""
    return {b["text"]: b["callback_data"] for row in keyboard(params) for b in row if "callback_data" in b}


@dataclass
class Person:
    """A Telegram user talking to the bot in a private chat."""

    bot: Any
    request: RecordingRequest
    user_id: int
    language_code: str | None = "en"
    first_name: str = "Ada"
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def _user(self) -> dict[str, Any]:
        user = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self._ids), "date": int(time.time()), "from": self._user(),
                "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name}, **fields}

    async def _process(self, data: dict[str, Any]) -> None:
        data = {"update_id": next(_update_ids), **data}
        await self.bot.process_update(Update.de_json(data, self.bot.bot))

    async def say(self, text: str, **extra: Any) -> list[str]:
        """Send a text (commands get their entity) and return the texts the bot sent back."""
        before = len(self.request.calls)
        fields: dict[str, Any] = {"text": text, **extra}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self._process({"message": self._message(**fields)})
        return [p["text"] for m, p in self.request.calls[before:] if m == "sendMessage"]

    async def send(self, **fields: Any) -> list[str]:
        """Send any other kind of message (sticker, photo, document …)."""
        before = len(self.request.calls)
        await self._process({"message": self._message(**fields)})
        return [p["text"] for m, p in self.request.calls[before:] if m == "sendMessage"]

    async def edit(self, text: str) -> list[str]:
        before = len(self.request.calls)
        message = self._message(text=text, edit_date=int(time.time()))
        await self._process({"edited_message": message})
        return [p["text"] for m, p in self.request.calls[before:] if m == "sendMessage"]

    async def press(self, data: str) -> list[str]:
        """Press an inline button with this callback_data."""
        before = len(self.request.calls)
        message = {"message_id": 1, "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": self.user_id, "type": "private"}, "text": "…"}
        query = {"id": str(next(_update_ids)), "from": self._user(), "chat_instance": str(self.user_id),
                 "message": message, "data": data}
        await self._process({"callback_query": query})
        return [p["text"] for m, p in self.request.calls[before:] if m == "sendMessage"]

    def last(self, method: str = "sendMessage") -> dict[str, Any]:
        mine = [p for m, p in self.request.calls if m == method and int(p.get("chat_id", 0)) == self.user_id]
        return mine[-1]


_update_ids = itertools.count(1)


def make_settings(tmp_path: Path, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "token": TOKEN,
        "db": tmp_path / "coach.db",
        "data_dir": tmp_path / "data",
        "phrasebook_dirs": (DATA / "phrasebooks",),
        "scenario_dirs": (DATA / "scenarios",),
    }
    values.update(overrides)
    return BotSettings(**values)


@dataclass
class Harness:
    app: Any
    request: RecordingRequest
    service: CoachService

    def person(self, user_id: int = 1001, language_code: str | None = "en", first_name: str = "Ada") -> Person:
        return Person(self.app, self.request, user_id, language_code, first_name)


async def start_harness(settings: BotSettings) -> Harness:
    store = Store.open(settings.db)
    service = CoachService(settings, store)
    outcome = service.load_content()
    assert outcome.ok, outcome.problems
    request = RecordingRequest()
    app = build_application(service, request=request, get_updates_request=RecordingRequest())
    await app.initialize()
    return Harness(app, request, service)


async def stop_harness(harness: Harness) -> None:
    await harness.app.shutdown()
    harness.service.shutdown()
