"""Parts of an email the writer did not write now: quoted replies, reply headers, signatures.

They are blanked out (same length, newlines kept) so every offset still points into the original.
"""

from __future__ import annotations

import re

# "On Mon, 3 May 2026 at 10:00, Ana <ana@x.com> wrote:" and its equivalents in the six languages.
_REPLY_HEADER = re.compile(
    # Headers with a date ("On Mon, 3 May 2026 … wrote:", "Den 3. maj 2026 … skrev …:", …) must hold a
    # digit, so an ordinary sentence such as "Den mail, du skrev om, har jeg svaret på:" is not one.
    r"^(?:(?:On|Den|Pada)\b(?=.*\d).*\b(?:wrote|skrev|menulis)\b.*:|(?=.*\d).*\btarihinde\b.*\byazdı:"
    r"|(?=.*\d).*님이 작성:?|(?=.*\d).*\bने लिखा:?"
    r"|-{2,}\s*(?:Original Message|Forwarded message|Oprindelig meddelelse|Videresendt"
    r"|Pesan Asli|Orijinal İleti|원본 메시지|मूल संदेश).*-*)\s*$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^-- ?$")


def blank_quoted(text: str) -> str:
    """The text with quoted lines ("> …"), reply headers and everything after them, and signatures blanked."""
    if ">" not in text and "--" not in text and not _might_have_header(text):
        return text
    out: list[str] = []
    blank_rest = False
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if not blank_rest and (_SIGNATURE.match(body) or _REPLY_HEADER.match(body)):
            blank_rest = True
        if blank_rest or body.lstrip().startswith(">"):
            out.append(_blank(line))
        else:
            out.append(line)
    return "".join(out)


def _might_have_header(text: str) -> bool:
    return any(word in text for word in ("wrote:", "skrev", "menulis", "yazdı", "작성", "लिखा", "---"))


def _blank(line: str) -> str:
    return "".join(c if c in "\r\n" else " " for c in line)
