"""The lean Bot API transport against small real HTTP servers on localhost."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from coach.bot.transport import StreamRequest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return head[0], headers, body


def answer(body: dict, extra: str = "") -> bytes:
    data = json.dumps(body).encode()
    return f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n{extra}\r\n".encode() \
        + data


@pytest.fixture
async def server() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    servers: list[asyncio.AbstractServer] = []

    async def start(handler: Handler) -> str:
        srv = await asyncio.start_server(handler, "127.0.0.1", 0)
        servers.append(srv)
        return f"http://127.0.0.1:{srv.sockets[0].getsockname()[1]}"

    yield start
    for srv in servers:
        srv.close()


def data(**fields: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in fields.items()])


async def test_posts_a_form_and_reuses_the_connection(server) -> None:
    seen: list[tuple[str, dict, bytes]] = []
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while not reader.at_eof():
            try:
                seen.append(await read_request(reader))
            except asyncio.IncompleteReadError:
                break
            writer.write(answer({"ok": True, "result": {"n": len(seen)}}))
            await writer.drain()

    base = await server(handler)
    request = StreamRequest()
    await request.initialize()
    try:
        for _ in range(3):
            result = await request.post(f"{base}/bot1:x/sendMessage", data(chat_id=5, text="hé & co",
                                                                            reply_markup={"a": 1}))
        assert result == {"n": 3}
        assert connections == 1
        line, headers, body = seen[0]
        assert line == "POST /bot1:x/sendMessage HTTP/1.1"
        assert headers["content-type"] == "application/x-www-form-urlencoded"
        assert body == b"chat_id=5&text=h%C3%A9+%26+co&reply_markup=%7B%22a%22%3A+1%7D"
    finally:
        await request.shutdown()


async def test_multipart_uploads_chunked_answers_and_a_closed_idle_connection(server) -> None:
    bodies: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _, headers, body = await read_request(reader)
        bodies.append(headers.get("content-type", "").encode() + b"\n" + body)
        payload = json.dumps({"ok": True, "result": True}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     + f"{len(payload[:5]):x}\r\n".encode() + payload[:5] + b"\r\n"
                     + f"{len(payload[5:]):x}\r\n".encode() + payload[5:] + b"\r\n0\r\n\r\n")
        await writer.drain()
        writer.close()  # one request per connection: the next call must notice and reconnect

    base = await server(handler)
    request = StreamRequest()
    await request.initialize()
    try:
        photo = InputFile(b"\x89PNG fake", filename="chart.png")
        assert await request.post(f"{base}/bot1:x/sendPhoto", data(chat_id=7, photo=photo, caption="Scores")) is True
        await asyncio.sleep(0.05)
        assert await request.post(f"{base}/bot1:x/getMe") is True
        first = bodies[0]
        assert first.startswith(b"multipart/form-data; boundary=")
        assert b'name="caption"\r\n\r\nScores\r\n' in first
        assert b'filename="chart.png"' in first and b"\x89PNG fake" in first
    finally:
        await request.shutdown()


async def test_timeouts_and_connection_failures_become_ptb_errors(server) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    base = await server(silent)
    request = StreamRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"{base}/bot1:x/getMe")
        with pytest.raises(NetworkError):
            await request.post("http://127.0.0.1:9/bot1:x/getMe")  # nothing listens on port 9
    finally:
        await request.shutdown()


async def test_http_errors_reach_ptb_as_telegram_errors(server) -> None:
    async def flood(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        body = json.dumps({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                           "parameters": {"retry_after": 3}}).encode()
        writer.write(f"HTTP/1.1 429 Too Many Requests\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        await writer.drain()

    from telegram.error import RetryAfter

    base = await server(flood)
    request = StreamRequest()
    await request.initialize()
    try:
        with pytest.raises(RetryAfter):
            await request.post(f"{base}/bot1:x/sendMessage", data(chat_id=1, text="x"))
    finally:
        await request.shutdown()
