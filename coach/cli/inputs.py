"""Turning paths into texts: folders, stdin, .txt/.md, .eml (MIME), .mbox; any encoding, or a clear reason."""

from __future__ import annotations

import email
import email.policy
import html
import mailbox
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".eml", ".mbox")


@dataclass(frozen=True, slots=True)
class Document:
    name: str  # what findings are reported against: a path, "<stdin>", or "box.mbox#3"
    text: str
    path: Path | None = None  # the file --fix may rewrite (plain-text documents only)


@dataclass(frozen=True, slots=True)
class Notice:
    name: str
    message: str
    error: bool  # True: an input error (exit 2); False: a warning, the file is skipped


def collect(paths: list[str]) -> Iterator[Document | Notice]:
    """Every document under the given paths, in order; problems come as notices, never exceptions."""
    for raw in paths:
        if raw == "-":
            yield from _from_bytes("<stdin>", sys.stdin.buffer.read(), None, ".txt")
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not files:
                yield Notice(raw, "no .txt, .md, .eml or .mbox files in this folder", False)
            for file in files:
                yield from _from_file(file)
        elif path.is_file():
            yield from _from_file(path)
        elif path.exists():
            yield Notice(raw, "not a regular file", True)
        else:
            yield Notice(raw, "no such file or folder", True)


def _from_file(path: Path) -> Iterator[Document | Notice]:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Notice(name, f"cannot read: {exc.strerror or exc}", True)
        return
    yield from _from_bytes(name, data, path, path.suffix.lower())


def _from_bytes(name: str, data: bytes, path: Path | None, suffix: str) -> Iterator[Document | Notice]:
    if not data.strip():
        yield Notice(name, "empty file, skipped", False)
        return
    if suffix == ".eml":
        yield from _from_email(name, data)
        return
    if suffix == ".mbox" and path is not None:
        yield from _from_mbox(name, path)
        return
    text, problem = decode(data)
    if text is None:
        yield Notice(name, problem or "cannot decode", False)
        return
    if problem:
        yield Notice(name, problem, False)
    yield Document(name, text, path)


def decode(data: bytes) -> tuple[str | None, str | None]:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else a detected encoding.

    Returns (text, note): note says how it was decoded when that was not UTF-8, or why not (binary).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    if b"\x00" in data[:8192]:  # valid UTF-8 can hold NULs, but no draft does
        return None, "binary file, skipped"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        return None, "not text in any encoding coach recognises, skipped"
    return data.decode(best.encoding, errors="replace"), f"not UTF-8; read as {best.encoding}"


def _from_email(name: str, data: bytes) -> Iterator[Document | Notice]:
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        text = email_text(message)
    except Exception as exc:  # the email package raises many types on malformed MIME
        yield Notice(name, f"malformed email ({type(exc).__name__}), skipped", False)
        return
    if text is None or not text.strip():
        yield Notice(name, "email has no text part, skipped", False)
        return
    yield Document(name, text)


def _from_mbox(name: str, path: Path) -> Iterator[Document | Notice]:
    try:
        box = mailbox.mbox(path, create=False)
        keys = list(box.keys())
    except Exception as exc:
        yield Notice(name, f"cannot read mailbox ({exc}), skipped", False)
        return
    if not keys:
        yield Notice(name, "mailbox has no messages, skipped", False)
    for number, key in enumerate(keys, start=1):
        try:
            message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            text = email_text(message)
        except Exception as exc:
            yield Notice(f"{name}#{number}", f"malformed message ({type(exc).__name__}), skipped", False)
            continue
        if text and text.strip():
            yield Document(f"{name}#{number}", text)
        else:
            yield Notice(f"{name}#{number}", "message has no text part, skipped", False)


def email_text(message: email.message.EmailMessage) -> str | None:
    """The plain-text body, or the HTML body reduced to text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return None
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):  # an unknown or wrong charset: decode what is there
        payload = part.get_payload(decode=True) or b""
        content = decode(payload)[0] or ""
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return content


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "head"):
            self.skip += 1
        if tag == "blockquote":
            self.quote += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.quote:  # quoted replies in HTML mail become "> " lines, skipped like plain-text quotes
            data = "\n".join("> " + line for line in data.split("\n"))
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()
