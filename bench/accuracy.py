"""Precision and recall per language and per category on the labelled replies in tests/data/accuracy/,
or per move on those in tests/data/moves/ (--moves).

    python bench/accuracy.py [--moves] [--lang ko] [--verbose] [--markdown]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coach.checker import Checker
from coach.evaluate import categories, evaluate, load_labelled, moves
from coach.language import LANGUAGES
from coach.paths import shipped

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, action="append")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mistake")
    parser.add_argument("--markdown", action="store_true", help="print README tables")
    parser.add_argument("--moves", action="store_true", help="score the moves a reply shows, not its risks")
    args = parser.parse_args()
    data = DATA / ("moves" if args.moves else "accuracy")
    label = "move" if args.moves else "category"
    langs = args.lang or [lang for lang in LANGUAGES if (data / f"{lang}.yaml").exists()]
    checker = Checker.lazy([shipped("phrasebooks")])
    evaluations = []
    for lang in langs:
        _, replies = load_labelled(data / f"{lang}.yaml")
        evaluations.append(evaluate(checker, lang, replies, moves if args.moves else categories))
    if args.markdown:
        print(f"| language | replies | {'no move' if args.moves else 'clean'} | precision | recall |")
        print("|---|---:|---:|---:|---:|")
        for e in evaluations:
            print(f"| {e.lang} | {e.replies} | {e.clean} | {e.overall.precision:.2f} | {e.overall.recall:.2f} |")
        print()
        labels = sorted({c for e in evaluations for c in e.by_category})
        print(f"| {label} | " + " | ".join(e.lang for e in evaluations) + " |")
        print("|---|" + "---:|" * len(evaluations))
        for category in labels:
            cells = []
            for e in evaluations:
                s = e.by_category.get(category)
                cells.append(f"{s.precision:.2f} / {s.recall:.2f}" if s else "–")
            print(f"| {category} | " + " | ".join(cells) + " |")
        return 0
    for e in evaluations:
        none = "with no move" if args.moves else "clean"
        print(f"{e.lang}: {e.replies} replies ({e.clean} {none})  precision {e.overall.precision:.3f}  "
              f"recall {e.overall.recall:.3f}")
        for category, s in sorted(e.by_category.items()):
            print(f"    {category:<24} precision {s.precision:.2f}  recall {s.recall:.2f}  "
                  f"(tp {s.tp}, fp {s.fp}, fn {s.fn})")
        if args.verbose:
            for mistake in e.mistakes:
                print(f"    - {mistake}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
