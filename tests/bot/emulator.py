"""The Telegram Bot API emulator (npm `telegram-test-api`) and a bridge in front of it, for e2e tests and bench/load.py.

The real `coach bot` process talks to the bridge as if it were Telegram; the bridge forwards to the
emulator and smooths over the emulator's known quirks, so the bot itself needs no test-only code:

- its getMe lacks `is_bot`                      → added;
- it stamps bot message dates in milliseconds   → converted to seconds;
- it does not know setMyCommands (and other menu methods) → answered `true` here;
- it answers getUpdates at once, ignoring `timeout` → held here until updates arrive (long polling);
- its callback queries lack `chat_instance`     → added;
- it cannot take files (sendPhoto, sendDocument) → answered here, and recorded.

The bridge also records every message the bot sends, per chat and with its arrival time, so a
simulated learner can wait for the bot's answer and measure how long it took. Localhost only.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import tornado.httpserver
import tornado.log
import tornado.web

HOST = "127.0.0.1"
MENU_METHODS = frozenset({"setMyCommands", "deleteMyCommands", "getMyCommands", "setMyDescription",
                          "setMyShortDescription", "setMyName", "setChatMenuButton"})
FILE_METHODS = frozenset({"sendPhoto", "sendDocument"})
MESSAGE_FIELDS = frozenset({"message_id", "date", "chat", "text", "reply_markup", "entities", "caption"})
POLL_STEP = 0.05  # how often a held getUpdates looks at the emulator when nothing woke it


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# -- the emulator process ------------------------------------------------------------------------------


class Emulator:
    """`telegram-test-api` in a node process on a free localhost port."""

    def __init__(self, emulator_dir: Path, port: int | None = None) -> None:
        self.dir = Path(emulator_dir)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        if not (self.dir / "node_modules" / "telegram-test-api").is_dir():
            raise RuntimeError(f"{self.dir}: telegram-test-api is not installed there "
                               "(npm install --prefix DIR telegram-test-api@4)")
        script = ("const S = require('telegram-test-api');"
                  "const s = new S({port: Number(process.env.EMULATOR_PORT), host: '127.0.0.1', storeTimeout: 3600});"
                  "s.start().then(() => console.log('READY'));"
                  "process.on('SIGTERM', () => s.stop().then(() => process.exit(0)));")
        env = {**os.environ, "EMULATOR_PORT": str(self.port)}
        self.process = subprocess.Popen(["node", "-e", script], cwd=self.dir, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if "READY" in line:
                return
            if self.process.poll() is not None:
                break
        err = self.process.stderr.read() if self.process.stderr else ""
        self.stop()
        raise RuntimeError(f"the emulator did not start: {err.strip()[-500:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# -- what the bot sent ---------------------------------------------------------------------------------


@dataclass
class BotMessage:
    method: str  # sendMessage | sendPhoto | sendDocument
    chat_id: int
    text: str
    markup: dict | None
    raw: dict  # the message as the bot got it back (dates fixed)
    at: float  # time.perf_counter() when the bridge saw it
    file_name: str | None = None
    file_size: int = 0
    requested_at: float = 0.0  # when the bot's request reached the bridge (before the emulator answered)

    def buttons(self) -> dict[str, str]:
        if not self.markup:
            return {}
        return {b["text"]: b["callback_data"] for row in self.markup.get("inline_keyboard", []) for b in row
                if "callback_data" in b}


@dataclass
class Counters:
    get_updates: int = 0
    updates_delivered: int = 0
    menu_calls: int = 0
    fixed_dates: int = 0
    fixed_is_bot: int = 0
    fixed_chat_instance: int = 0
    errors: list[str] = field(default_factory=list)
    methods: dict[str, int] = field(default_factory=dict)  # Bot API calls the bot made, by method


# -- a lean HTTP client for localhost ----------------------------------------------------------------


class LocalHTTP:
    """HTTP/1.1 with keep-alive over asyncio streams, for the emulator on localhost only.

    httpx spends a few milliseconds of CPU per request; in a load test of hundreds of learners the
    harness would then compete with the bot it measures. This does the little the harness needs.
    """

    def __init__(self, host: str, port: int, size: int = 128) -> None:
        self.host, self.port = host, port
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(size)

    async def post(self, path: str, body: bytes, content_type: str, timeout: float = 30.0) -> tuple[int, bytes]:
        async with self._slots:
            return await asyncio.wait_for(self._post(path, body, content_type), timeout)

    async def _post(self, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n").encode()
        for attempt in range(2):
            connection = None
            while self._idle and connection is None:  # skip connections the server has closed meanwhile
                reader, writer = self._idle.pop()
                if reader.at_eof() or writer.is_closing():
                    writer.close()
                else:
                    connection = (reader, writer)
            reused = connection is not None and attempt == 0
            reader, writer = connection or await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(head + body)
                await writer.drain()
                status, headers, data = await _read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                writer.close()
                if reused:  # the server closed an idle connection just now: once more, on a fresh one
                    continue
                raise
            if headers.get("connection", "").lower() == "close":
                writer.close()
            else:
                self._idle.append((reader, writer))
            return status, data
        raise ConnectionError(f"cannot reach {self.host}:{self.port}")

    async def post_json(self, path: str, payload: Any) -> tuple[int, bytes]:
        return await self.post(path, json.dumps(payload).encode(), "application/json")

    def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        return status, headers, b"".join(chunks)
    return status, headers, await reader.readexactly(int(headers.get("content-length", "0")))


# -- the bridge ------------------------------------------------------------------------------------


class Bridge:
    """An HTTP server the bot uses as its Bot API; forwards to the emulator, fixes quirks, records."""

    def __init__(self, emulator_url: str, token: str, port: int | None = None) -> None:
        self.emulator_url = emulator_url
        self.token = token
        self.port = port or free_port()
        self.counters = Counters()
        self.outbox: dict[int, asyncio.Queue[BotMessage]] = defaultdict(asyncio.Queue)
        self.menus: list[dict] = []
        self.delivered: dict[int, float] = {}  # chat id → when its latest update went to the bot
        self.forward_ms: list[float] = []  # how long the emulator took to answer a forwarded call
        self._wake = asyncio.Event()
        self._polls: set[asyncio.Event] = set()
        self._ids = itertools.count(10_000_000)
        self._client: LocalHTTP | None = None
        self._server: tornado.httpserver.HTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def start(self) -> None:
        tornado.log.access_log.disabled = True  # its lines would carry the token in the URL
        host, port = self.emulator_url.rsplit("//", 1)[1].split(":")
        self._client = LocalHTTP(host, int(port))
        app = tornado.web.Application([(r"/bot([^/]+)/([A-Za-z]+)", _BotApi, {"bridge": self})])
        self._server = tornado.httpserver.HTTPServer(app, idle_connection_timeout=120)
        self._server.listen(self.port, HOST)

    async def stop(self) -> None:
        self.abort_polls()
        if self._server is not None:
            self._server.stop()
        if self._client is not None:
            self._client.close()

    def wake(self) -> None:
        """A user update was posted: let a held getUpdates look now."""
        self._wake.set()

    def abort_polls(self) -> None:
        """End every held getUpdates without fetching (after killing a bot: its poll must not eat updates)."""
        for event in list(self._polls):
            event.set()

    # -- the user side -------------------------------------------------------------------------

    async def post_user(self, route: str, payload: dict) -> None:
        assert self._client is not None
        status, body = await self._client.post_json(route, {"botToken": self.token, **payload})
        if status >= 400:
            raise RuntimeError(f"the emulator refused {route}: {status} {body[:200]!r}")
        self.wake()

    async def expect(self, chat_id: int, count: int = 1, timeout: float = 15.0) -> list[BotMessage]:
        """The next `count` messages the bot sends to `chat_id` (TimeoutError if they do not come)."""
        queue = self.outbox[chat_id]
        found = []
        deadline = time.monotonic() + timeout
        for _ in range(count):
            found.append(await asyncio.wait_for(queue.get(), max(0.01, deadline - time.monotonic())))
        return found

    def pending(self, chat_id: int) -> int:
        return self.outbox[chat_id].qsize()

    # -- the bot side --------------------------------------------------------------------------

    async def handle(self, handler: tornado.web.RequestHandler, method: str) -> None:
        self.counters.methods[method] = self.counters.methods.get(method, 0) + 1
        if method in MENU_METHODS:
            self.counters.menu_calls += 1
            self.menus.append(_params(handler.request))
            return _reply(handler, True)
        if method in FILE_METHODS:
            return self._file(handler, method)
        if method == "getUpdates":
            return await self._get_updates(handler)
        began = time.perf_counter()
        body = await self._forward(handler, method)
        self.forward_ms.append((time.perf_counter() - began) * 1000)
        if body is None:
            return None
        if method == "getMe" and isinstance(body.get("result"), dict):
            if "is_bot" not in body["result"]:
                self.counters.fixed_is_bot += 1
            body["result"].setdefault("is_bot", True)
        elif method == "sendMessage" and isinstance(body.get("result"), dict):
            # the emulator echoes every request parameter into the message (parse_mode, chat_id,
            # link_preview_options as a JSON string …): keep the fields a real Message has
            message = {k: v for k, v in self._fix_message(body["result"]).items() if k in MESSAGE_FIELDS}
            message["from"] = {"id": 666, "is_bot": True, "first_name": "Coach"}
            body["result"] = message
            markup = message.get("reply_markup")
            self.outbox[int(message["chat"]["id"])].put_nowait(
                BotMessage(method, int(message["chat"]["id"]), message.get("text") or "", markup, message,
                           time.perf_counter(), requested_at=began))
        elif method in ("editMessageReplyMarkup", "editMessageText", "answerCallbackQuery") \
                and body.get("ok") and body.get("result") is None:
            body["result"] = True
        return _reply_raw(handler, body)

    def _fix_message(self, message: dict) -> dict:
        date = message.get("date")
        if isinstance(date, int | float) and date > 10**11:  # milliseconds
            message["date"] = int(date // 1000)
            self.counters.fixed_dates += 1
        return message

    def _file(self, handler: tornado.web.RequestHandler, method: str) -> None:
        request = handler.request
        args = {k: v[0].decode() for k, v in request.body_arguments.items()}
        chat_id = int(args.get("chat_id", "0"))
        field_name = "photo" if method == "sendPhoto" else "document"
        files = request.files.get(field_name) or [f for fs in request.files.values() for f in fs]
        name = files[0].filename if files else None
        size = len(files[0].body) if files else 0
        message = {"message_id": next(self._ids), "date": int(time.time()), "caption": args.get("caption", ""),
                   "chat": {"id": chat_id, "type": "private"},
                   "from": {"id": 666, "is_bot": True, "first_name": "Coach"}}
        self.outbox[chat_id].put_nowait(BotMessage(method, chat_id, args.get("caption", ""), None, message,
                                                   time.perf_counter(), name, size))
        _reply(handler, message)

    async def _get_updates(self, handler: tornado.web.RequestHandler) -> None:
        params = _params(handler.request)
        try:
            timeout = float(params.get("timeout", 0))
        except (TypeError, ValueError):
            timeout = 0.0
        deadline = time.monotonic() + min(timeout, 30.0)
        self.counters.get_updates += 1
        aborted = asyncio.Event()
        handler.aborted = aborted  # type: ignore[attr-defined]  # set by on_connection_close
        self._polls.add(aborted)
        try:
            while True:
                if aborted.is_set():
                    return None
                self._wake.clear()
                body = await self._fetch_updates(handler)
                if body is None:
                    return None
                if body.get("result") or time.monotonic() >= deadline:
                    break
                remaining = deadline - time.monotonic()
                waiter = asyncio.ensure_future(self._wake.wait())
                stopper = asyncio.ensure_future(aborted.wait())
                await asyncio.wait({waiter, stopper}, timeout=min(POLL_STEP * 20, max(0.0, remaining)),
                                   return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                stopper.cancel()
        finally:
            self._polls.discard(aborted)
        for update in body.get("result", []):
            query = update.get("callback_query")
            if query is not None and "chat_instance" not in query:
                query["chat_instance"] = str(query.get("from", {}).get("id", 0))
                self.counters.fixed_chat_instance += 1
            message = update.get("message") or (query or {}).get("message")
            if isinstance(message, dict):
                self._fix_message(message)
        self.counters.updates_delivered += len(body.get("result", []))
        now = time.perf_counter()
        for update in body.get("result", []):
            message = update.get("message") or (update.get("callback_query") or {}).get("message") or {}
            chat = message.get("chat", {}).get("id")
            if chat is not None:
                self.delivered[int(chat)] = now
        if aborted.is_set():  # the bot went away while we fetched: keep nothing from it
            self.counters.errors.append(f"{len(body.get('result', []))} updates fetched for a vanished poll")
        return _reply_raw(handler, body)

    async def _fetch_updates(self, handler: tornado.web.RequestHandler) -> dict | None:
        assert self._client is not None
        try:
            _, body = await self._client.post(f"/bot{self.token}/getUpdates", b"timeout=0",
                                              "application/x-www-form-urlencoded")
            return json.loads(body)
        except (OSError, TimeoutError, ValueError) as exc:
            self.counters.errors.append(f"getUpdates: {exc!r}")
            _reply_raw(handler, {"ok": False, "error_code": 502, "description": f"emulator: {exc!r}"}, 502)
            return None

    async def _forward(self, handler: tornado.web.RequestHandler, method: str) -> dict | None:
        assert self._client is not None
        request = handler.request
        headers = {"Content-Type": request.headers.get("Content-Type", "application/x-www-form-urlencoded")}
        try:
            status, raw = await self._client.post(f"/bot{self.token}/{method}", request.body, headers["Content-Type"])
        except (OSError, TimeoutError) as exc:
            self.counters.errors.append(f"{method}: {exc!r}")
            _reply_raw(handler, {"ok": False, "error_code": 502, "description": f"emulator: {exc!r}"}, 502)
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"ok": False, "error_code": status, "description": raw[:200].decode("utf-8", "replace")}
        if status >= 400 or "ok" not in body:
            self.counters.errors.append(f"{method}: {status} {str(body)[:200]}")
            description = body.get("message") or body.get("description") or "emulator error"
            _reply_raw(handler, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}, 400)
            return None
        return body


class _BotApi(tornado.web.RequestHandler):
    def initialize(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self.aborted: asyncio.Event | None = None

    def check_xsrf_cookie(self) -> None:  # the Bot API has no cookies
        pass

    async def post(self, token: str, method: str) -> None:
        await self.bridge.handle(self, method)

    async def get(self, token: str, method: str) -> None:
        await self.bridge.handle(self, method)

    def on_connection_close(self) -> None:
        if self.aborted is not None:
            self.aborted.set()


def _params(request) -> dict[str, Any]:
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("application/json"):
        try:
            return json.loads(request.body or b"{}")
        except ValueError:
            return {}
    if request.body_arguments:
        return {k: v[0].decode() for k, v in request.body_arguments.items()}
    return {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}


def _reply(handler: tornado.web.RequestHandler, result: Any) -> None:
    _reply_raw(handler, {"ok": True, "result": result})


def _reply_raw(handler: tornado.web.RequestHandler, body: dict, status: int = 200) -> None:
    if handler._finished:
        return
    handler.set_status(status)
    handler.set_header("Content-Type", "application/json")
    handler.finish(json.dumps(body))


# -- a learner ---------------------------------------------------------------------------------------


_message_ids = itertools.count(1)


@dataclass
class Learner:
    bridge: Bridge
    user_id: int
    first_name: str = "Learner"
    language_code: str = "en"

    def _user(self) -> dict:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name,
                "language_code": self.language_code}

    async def say(self, text: str, expect: int = 1, timeout: float = 15.0) -> list[BotMessage]:
        payload: dict[str, Any] = {"from": self._user(), "date": int(time.time()), "text": text,
                                   "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name}}
        if text.startswith("/"):
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.bridge.post_user("/sendMessage", payload)
        return await self.bridge.expect(self.user_id, expect, timeout) if expect else []

    async def press(self, message: BotMessage, label_or_data: str, expect: int = 1,
                    timeout: float = 15.0) -> list[BotMessage]:
        buttons = message.buttons()
        data = buttons.get(label_or_data, label_or_data)
        if data not in buttons.values():
            raise KeyError(f"no button {label_or_data!r} in {sorted(buttons)}")
        raw = dict(message.raw)
        raw.pop("reply_markup", None)
        raw.pop("botToken", None)
        raw.pop("chat_id", None)
        raw["chat"] = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        await self.bridge.post_user("/sendCallback", {"from": self._user(), "message": raw, "data": data})
        return await self.bridge.expect(self.user_id, expect, timeout) if expect else []


# -- the bot process ---------------------------------------------------------------------------------


class BotProcess:
    """`coach bot` as a child process pointed at the bridge."""

    def __init__(self, bridge: Bridge, workdir: Path, token: str, extra_env: dict[str, str] | None = None,
                 args: Sequence[str] = ()) -> None:
        self.bridge = bridge
        self.workdir = workdir
        self.token = token
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, **(extra_env or {})}
        self.args = list(args)
        self.process: subprocess.Popen | None = None
        self.log = workdir / "bot.log"
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.log.open("a", encoding="utf-8")
        log.write(f"--- start {self.starts} ---\n")
        log.flush()
        profile = os.environ.get("COACH_BOT_PROFILE")  # a file: run the bot under cProfile (for bench/load.py)
        python = [sys.executable, "-m", "cProfile", "-o", profile] if profile else [sys.executable]
        command = [*python, "-m", "coach", "bot", "--base-url", self.bridge.url,
                   "--db", str(self.workdir / "coach.db"), "--data-dir", str(self.workdir / "data"),
                   "--poll-timeout", "5", *self.args]
        self.process = subprocess.Popen(command, cwd=self.workdir, env=self.env, stdout=log, stderr=log)
        log.close()

    async def ready(self, timeout: float = 90.0) -> None:
        """Wait until the bot polls for updates (it has loaded everything by then)."""
        seen = self.bridge.counters.get_updates
        deadline = time.monotonic() + timeout
        while self.bridge.counters.get_updates <= seen:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}:\n{self.output()[-2000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not start polling:\n{self.output()[-2000:]}")
            await asyncio.sleep(0.1)

    def kill(self) -> None:
        """kill -9: no cleanup, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.bridge.abort_polls()

    async def stop(self, timeout: float = 20.0) -> int | None:
        """SIGINT and wait (without blocking the loop: the bridge must answer the bot's last calls)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            deadline = time.monotonic() + timeout
            while self.process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self.bridge.abort_polls()
        return self.process.returncode

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def peak_rss_kib(self) -> int:
        """VmHWM of the running bot (Linux), in KiB; 0 when unknown."""
        if self.process is None:
            return 0
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            return 0
        return 0
