"""How long one scenario turn takes (screening + check + engine), per language, and how long loading takes.

    python bench/turn_speed.py [--lang ko] [--turns 400]

For every language with a phrasebook, replies are played against that language's scenarios; a
language without scenarios yet plays the English `angry-client` relabelled to it (the engine's work
does not depend on the words, the checker's does). Replies come from the language's own phrasebook
examples and rewrites (plus, for English, the golden transcripts), so they are real sentences of the
right length. The first turn of each language (pipeline loading) is reported apart.

Targets (docs): p99 ≤ 15 ms for en, ≤ 40 ms for ko; loading every scenario and phrasebook ≤ 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from coach.checker import Checker
from coach.language import LANGUAGES
from coach.paths import shipped
from coach.phrasebook.loader import load_phrasebooks
from coach.phrasebook.model import Phrasebook
from coach.scenario.engine import Engine
from coach.scenario.loader import load_scenarios
from coach.scenario.transcript import read_transcript

TARGET_P99_MS = {"en": 15.0, "ko": 40.0}
TARGET_LOAD_S = 3.0
STAND_IN = "angry-client"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, action="append", help="only these languages")
    parser.add_argument("--turns", type=int, default=400, help="timed turns per language (default 400)")
    args = parser.parse_args()

    began = time.perf_counter()
    library = load_phrasebooks([shipped("phrasebooks")])
    phrasebooks_s = time.perf_counter() - began
    began = time.perf_counter()
    scenarios = load_scenarios([shipped("scenarios")])
    scenarios_s = time.perf_counter() - began
    checker = Checker(library)
    langs = [lang for lang in (args.lang or LANGUAGES) if library.books.get(lang) and library.books[lang].rules]

    print(f"loading: phrasebooks {phrasebooks_s:.2f} s ({len(library.files)} files, "
          f"{sum(len(b.rules) for b in library.books.values())} rules), scenarios {scenarios_s:.2f} s "
          f"({len(scenarios.scenarios)} scenarios); total {phrasebooks_s + scenarios_s:.2f} s "
          f"{_verdict(phrasebooks_s + scenarios_s <= TARGET_LOAD_S)} (target ≤ {TARGET_LOAD_S:g} s)")
    print()
    print(f"{'':<37}{'─ one turn (all of it) ─':^26} {'─ check alone ─':^19}")
    print(f"{'lang':<5} {'scenarios':>9} {'replies':>7} {'first turn':>11} {'p50':>8} {'p99':>8} {'max':>8} "
          f"{'p50':>10} {'p99':>8}  target (turn p99)")
    for lang in langs:
        played = scenarios.in_language(lang) or [replace(scenarios.get(STAND_IN, "en"), lang=lang)]
        replies = _replies(library.books[lang], lang)
        engines = [Engine(s, checker) for s in played]
        began = time.perf_counter()
        engines[0].turn(engines[0].start(0), replies[0])  # loads the language's pipeline and compiles its rules
        first_ms = (time.perf_counter() - began) * 1000
        timings, checks = [], []
        for i in range(args.turns):
            engine = engines[i % len(engines)]
            state = engine.start(i)
            began = time.perf_counter()
            engine.turn(state, replies[(2 * i) % len(replies)])
            timings.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()  # the checker alone, on a reply it has not seen either
            checker.check(replies[(2 * i + 1) % len(replies)], lang)
            checks.append((time.perf_counter() - began) * 1000)
        p50, p99 = _p50(timings), _p99(timings)
        target = TARGET_P99_MS.get(lang)
        verdict = f"{_verdict(p99 <= target)} (p99 ≤ {target:g} ms)" if target else "–"
        stand_in = "" if scenarios.in_language(lang) else "*"
        print(f"{lang:<5} {len(played):>8}{stand_in or ' '} {len(replies):>7} {first_ms:>8.0f} ms {p50:>5.1f} ms "
              f"{p99:>5.1f} ms {max(timings):>5.1f} ms {_p50(checks):>7.1f} ms {_p99(checks):>5.1f} ms  {verdict}")
    if any(not scenarios.in_language(lang) for lang in langs):
        print(f"\n* no scenarios in this language yet: played '{STAND_IN}' relabelled to it")
    return 0


def _replies(book: Phrasebook, lang: str) -> list[str]:
    texts: list[str] = []
    for rule in book.rules:
        texts.extend(rule.flag_examples)
        texts.extend(rule.pass_examples)
        texts.extend(r.text for r in rule.rewrites)
    for move in book.moves:
        texts.extend(move.show_examples)
    if lang == "en":
        for path in sorted(Path(shipped("scenarios"), "en", "transcripts").glob("*.txt")):
            texts.extend(r for r in read_transcript(path).replies if not r.startswith("/"))
    return sorted(set(texts)) or ["Hello."]


def _p50(values: list[float]) -> float:
    return statistics.median(values)


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 100 else max(values)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


if __name__ == "__main__":
    sys.exit(main())
