"""A lean HTTP/1.1 transport for the Bot API: keep-alive connections over asyncio streams.

PTB's default transport (httpx) spends thousands of Python function calls on each request; under
load that, not the coach, is most of the bot's CPU time. The Bot API needs very little of HTTP: POST
a form (or a multipart upload), read one JSON answer with a Content-Length, reuse the connection.
This does exactly that, over TLS for api.telegram.org, and maps failures onto PTB's errors
(`TimedOut`, `NetworkError`) so retries and the error handler work unchanged.

`coach bot --transport httpx` (or an HTTP(S)_PROXY in the environment) uses PTB's HTTPXRequest instead.
"""

from __future__ import annotations

import asyncio
import ssl
import uuid
from collections import deque
from typing import Any
from urllib.parse import urlencode, urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # "not given": use this transport's own timeout
MAX_HEADER = 64 * 1024
IDLE_SECONDS = 30.0  # close connections unused this long (servers drop idle keep-alive connections too)


class _Connection:
    __slots__ = ("last_used", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, now: float) -> None:
        self.reader, self.writer, self.last_used = reader, writer, now

    def usable(self, now: float) -> bool:
        return not (self.reader.at_eof() or self.writer.is_closing() or now - self.last_used > IDLE_SECONDS)

    def close(self) -> None:
        self.writer.close()


class StreamRequest(BaseRequest):
    """A `BaseRequest` on asyncio streams with a small keep-alive pool per host."""

    def __init__(self, connection_pool_size: int = 16, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0) -> None:
        self._size = connection_pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                          "pool": pool_timeout}
        self._media_write_timeout = media_write_timeout
        self._idle: dict[tuple[str, str, int], deque[_Connection]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._ssl: ssl.SSLContext | None = None
        self._open = False

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        self._slots = asyncio.Semaphore(self._size)
        self._open = True

    async def shutdown(self) -> None:
        self._open = False
        for connections in self._idle.values():
            while connections:
                connections.pop().close()

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            try:
                import certifi  # the same trust store httpx uses, when it is there

                self._ssl = ssl.create_default_context(cafile=certifi.where())
            except ImportError:  # pragma: no cover - system trust store
                self._ssl = ssl.create_default_context()
        return self._ssl

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if not self._open or self._slots is None:
            raise RuntimeError("This StreamRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else {}
        timeouts = {
            "read": self._pick(read_timeout, "read"),
            "write": self._pick(write_timeout, "write", self._media_write_timeout if files else None),
            "connect": self._pick(connect_timeout, "connect"),
            "pool": self._pick(pool_timeout, "pool"),
        }
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise NetworkError(f"unsupported URL for the Bot API: {scheme}://…")
        port = parts.port or (443 if scheme == "https" else 80)
        key = (scheme, parts.hostname, port)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body, content_type = _encode(request_data, files)
        host = parts.hostname if port in (80, 443) else f"{parts.hostname}:{port}"
        head = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"User-Agent: {self.USER_AGENT}",
                "Accept: application/json", "Connection: keep-alive"]
        if body is not None:
            head += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b"")
        try:
            await asyncio.wait_for(self._slots.acquire(), timeouts["pool"])
        except TimeoutError:
            raise TimedOut("Pool timeout: all connections are in use; the request was not sent") from None
        try:
            return await self._exchange(key, request, timeouts, method)
        finally:
            self._slots.release()

    def _pick(self, value: Any, name: str, override: float | None = None) -> float | None:
        if isinstance(value, _DEFAULT):
            return override if override is not None else self._timeouts[name]
        return value

    async def _exchange(self, key: tuple[str, str, int], request: bytes, timeouts: dict[str, float | None],
                        method: str) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        idle = self._idle.setdefault(key, deque())
        for attempt in range(2):
            connection = None
            while idle and connection is None:
                candidate = idle.pop()
                if candidate.usable(loop.time()):
                    connection = candidate
                else:
                    candidate.close()
            reused = connection is not None
            if connection is None:
                connection = await self._connect(key, timeouts["connect"])
            sent = False
            try:
                connection.writer.write(request)
                await asyncio.wait_for(connection.writer.drain(), timeouts["write"])
                sent = True
                status, headers, payload = await asyncio.wait_for(_read_response(connection.reader, method),
                                                                  timeouts["read"])
            except TimeoutError:
                connection.close()
                raise TimedOut() from None
            except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError) as exc:
                connection.close()
                # A kept-alive connection the server had already closed: nothing was read back, so
                # the request was never processed; try once more on a fresh connection.
                if reused and attempt == 0 and (not sent or _nothing_read(exc)):
                    continue
                raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
            except ValueError as exc:  # a response we cannot parse
                connection.close()
                raise NetworkError(f"bad HTTP response: {exc}") from exc
            if headers.get("connection", "").lower() == "close":
                connection.close()
            else:
                connection.last_used = loop.time()
                idle.append(connection)
            return status, payload
        raise NetworkError("the connection was closed by the server")  # pragma: no cover

    async def _connect(self, key: tuple[str, str, int], timeout: float | None) -> _Connection:
        scheme, host, port = key
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=self._ssl_context() if scheme == "https" else None,
                                        limit=MAX_HEADER * 4),
                timeout)
        except TimeoutError:
            raise TimedOut(f"connecting to {host}:{port} timed out") from None
        except (OSError, ssl.SSLError) as exc:
            raise NetworkError(f"cannot connect to {host}:{port}: {exc}") from exc
        return _Connection(reader, writer, asyncio.get_running_loop().time())


def _nothing_read(exc: BaseException) -> bool:
    if isinstance(exc, asyncio.IncompleteReadError):
        return not exc.partial
    return isinstance(exc, ConnectionResetError | BrokenPipeError)


def _encode(request_data: RequestData | None, files: dict) -> tuple[bytes | None, str]:
    if request_data is None:
        return None, ""
    fields = request_data.json_parameters
    if not files:
        return urlencode(fields).encode(), "application/x-www-form-urlencoded"
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, value in fields.items():
        if name in files:
            continue
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'.encode())
        chunks.append(value.encode() + b"\r\n")
    for name, upload in files.items():
        filename, content, mime = (*upload, None)[:3] if isinstance(upload, tuple) else (name, upload, None)
        if hasattr(content, "read"):
            content = content.read()
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"; '
                      f'filename="{_quote(str(filename or name))}"\r\n'
                      f"Content-Type: {mime or 'application/octet-stream'}\r\n\r\n".encode())
        chunks.append(bytes(content) + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")


async def _read_response(reader: asyncio.StreamReader, method: str) -> tuple[int, dict[str, str], bytes]:
    while True:
        raw = await reader.readuntil(b"\r\n\r\n")
        if len(raw) > MAX_HEADER:
            raise ValueError("response headers too large")
        lines = raw.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise ValueError(f"not an HTTP status line: {lines[0][:80]!r}") from None
        if 100 <= status < 200:  # 100 Continue and friends: the real answer follows
            continue
        break
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if method == "HEAD" or status in (204, 304):
        return status, headers, b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                    pass
                return status, headers, bytes(body)
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    if "content-length" in headers:
        return status, headers, await reader.readexactly(int(headers["content-length"]))
    headers["connection"] = "close"  # the body runs until the server closes the connection
    return status, headers, await reader.read()
