"""Memory of a long-running checker on an open vocabulary (what a bot meets over months).

    python bench/growth.py [--texts 500000] [--lang en]

Checks short replies that each carry three words never seen before (order numbers, references),
and prints the process's RSS growth every tenth of the run. Every cache on the way (spaCy's
strings, the coach's per-word and per-chunk tables, the lemma and typo caches) is bounded, so the
growth must level off instead of rising with the number of texts. The count of Python's live
memory blocks tells a leak of objects (it rises) from the allocator's fragmentation (it does not).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from coach.checker import Checker
from coach.language import LANGUAGES
from coach.paths import shipped

REPLIES = {
    "en": "Hi, your order #{0} ships today; ref {1}zq. I promise it arrives by {2}.",
    "ko": "고객님, 주문 번호 {0}번은 오늘 출고됩니다. 참조 {1}zq, {2}일까지 꼭 도착하도록 약속드립니다.",
    "id": "Halo Bapak, pesanan #{0} dikirim hari ini; ref {1}zq. Saya janji tiba tanggal {2}.",
    "da": "Hej, din ordre #{0} sendes i dag; ref {1}zq. Jeg lover, den er fremme den {2}.",
    "tr": "Merhaba, #{0} numaralı siparişiniz bugün kargoda; ref {1}zq. Söz veriyorum, {2} tarihinde gelir.",
    "hi": "नमस्ते, आपका ऑर्डर #{0} आज भेजा जाएगा; संदर्भ {1}zq. मैं वादा करता हूँ कि यह {2} तक पहुँचेगा।",
}


def rss_mb() -> float:
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=500_000)
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    args = parser.parse_args()
    checker = Checker.from_paths([shipped("phrasebooks")], langs=[args.lang])
    rng = random.Random(1)
    template = REPLIES[args.lang]
    checker.check(template.format(1, 2, 3), args.lang)
    base = rss_mb()
    step = max(1, args.texts // 10)
    print(f"{'texts':>8} {'new words':>10} {'RSS growth':>11} {'Python blocks':>14}")
    for n in range(1, args.texts + 1):
        checker.check(template.format(rng.randrange(10**9), f"{rng.randrange(10**9):x}", rng.randrange(10**6)),
                      args.lang)
        if n % step == 0:
            print(f"{n:>8} {3 * n:>10} {rss_mb() - base:>8.0f} MB {sys.getallocatedblocks():>14,}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
