"""Speed and memory of `coach check`: emails/s per language (1 process and --jobs 2), cold start,
peak RSS with all six languages loaded, and the cost of 10× more rules.

    python bench/speed.py [--count 2000] [--lang en] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import drafts

from coach.batch import check_documents
from coach.checker import Checker
from coach.language import LANGUAGES
from coach.paths import shipped
from coach.phrasebook.loader import load_phrasebooks
from coach.phrasebook.model import Pattern, Phrasebook, Rule, Source


class _Doc:
    def __init__(self, text: str) -> None:
        self.text = text


def throughput(checker: Checker, lang: str | None, texts: list[str], runs: int = 3) -> float:
    """Emails/s, the best of `runs` passes: on a shared 2-core machine a single pass (half a second for
    Korean) can lose a tenth to another process, which made the 10× rules ratio swing by ±0.2."""
    for text in texts[:50]:  # warm up: pipeline, dictionaries, typo cache
        checker.check(text, lang)
    best = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        for _ in checker.check_many(texts, lang):  # as `coach check` does: Korean batches go to Kiwi's threads
            pass
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best


def parallel_throughput(lang: str, texts: list[str], jobs: int) -> float:
    docs = [_Doc(t) for t in texts]
    start = time.perf_counter()
    check_documents(docs, [shipped("phrasebooks")], (), lang, jobs)
    return len(texts) / (time.perf_counter() - start)


def cold_start(lang: str, runs: int = 5) -> float:
    """Median wall time of a fresh `coach check one.txt` process (caches warm, as on a second run)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.txt"
        path.write_text(drafts(lang, 1)[0], encoding="utf-8")
        times = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "coach", "check", str(path)], capture_output=True, check=False)
            times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def peak_rss_all_languages() -> float:
    """Peak RSS (MB) of a process that loads all six languages and checks one draft in each.

    Read from VmHWM, not getrusage: a child's ru_maxrss starts at its parent's RSS when it was spawned
    (Linux carries the high-water mark across the exec), so it would report this bench's own size."""
    code = (
        "import resource\n"
        "from coach.checker import Checker\nfrom coach.paths import shipped\n"
        "import sys; sys.path.insert(0, 'bench')\nfrom corpus import drafts\n"
        "c = Checker.from_paths([shipped('phrasebooks')])\n"
        "for lang in c.languages:\n    c.check(drafts(lang, 1)[0], None)\n"
        "try:\n"
        "    status = open('/proc/self/status').read()\n"
        "    print(int(status.split('VmHWM:')[1].split()[0]) / 1024)\n"
        "except (OSError, IndexError):\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    return float(out.stdout.strip().splitlines()[-1])


def scaled_rules(lang: str, factor: int) -> Checker:
    """The language's phrasebook plus (factor-1)× as many synthetic rules with other phrases."""
    library = load_phrasebooks([shipped("phrasebooks")], [lang])
    book = library.books[lang]
    rng = random.Random(1)
    words = sorted({w.strip(".,!?").lower() for t in drafts(lang, 300, seed=99) for w in t.split() if len(w) > 3})
    extra = []
    for i in range(len(book.rules) * (factor - 1)):
        phrase = " ".join(rng.sample(words, 2)) + f" zz{i}"  # realistic first words, never a full match
        extra.append(Rule(f"synthetic.{i}", lang, "rude", "suggestion", (Pattern(phrase, Source("", 0, 0)),),
                          "synthetic", (), (), ()))
    library.books[lang] = Phrasebook(lang, book.rules + tuple(extra), book.moves, book.context)
    return Checker(library)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--lang", choices=LANGUAGES, action="append")
    args = parser.parse_args()
    checker = Checker.from_paths([shipped("phrasebooks")])
    langs = args.lang or list(checker.languages)
    print(f"{'lang':<5} {'rules':>5} {'emails/s':>9} {'auto-detect':>12} {'--jobs 2':>9} {'10x rules':>10}")
    for lang in langs:
        count = args.count if lang != "ko" else max(200, args.count // 4)
        texts = drafts(lang, count)
        one = throughput(checker, lang, texts)
        auto = throughput(checker, None, texts)
        two = parallel_throughput(lang, texts * 2, 2)
        big = scaled_rules(lang, 10)
        big_rate = throughput(big, lang, texts)
        rules = len(checker.library.books[lang].rules)
        print(f"{lang:<5} {rules:>5} {one:>9.0f} {auto:>12.0f} {two:>9.0f} {one / big_rate:>9.2f}x", flush=True)
    print(f"cold start `coach check one.txt` (en): {cold_start('en'):.2f} s")
    print(f"peak RSS, all six languages loaded: {peak_rss_all_languages():.0f} MB")
    print(f"this process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
          f"(cpus: {os.cpu_count()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
