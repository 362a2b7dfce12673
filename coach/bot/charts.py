"""PNG charts for /progress and /stats (matplotlib, Agg backend, no display needed).

Labels are in the user's language when the installed fonts can draw them; otherwise (Hangul or
Devanagari on a machine with only DejaVu fonts) the chart falls back to the English label, so a
chart never shows empty boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache

import matplotlib

matplotlib.use("Agg")

# Charts are drawn on a thread of their own (asyncio.to_thread), never on the core thread: they do not
# touch the checker or the store, and each one uses its own Figure (no pyplot state is shared).

FONTS = ["DejaVu Sans", "Noto Sans", "Noto Sans CJK KR", "Noto Sans KR", "Noto Sans Devanagari", "Nanum Gothic",
         "Lohit Devanagari"]
PASS_COLOUR, FAIL_COLOUR, LINE_COLOUR = "#2e7d32", "#c62828", "#1565c0"


@cache
def _glyphs() -> frozenset[int]:
    """Code points some installed font in FONTS can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    points: set[int] = set()
    for entry in font_manager.fontManager.ttflist:
        if entry.name in FONTS:
            try:
                points.update(FT2Font(entry.fname).get_charmap())
            except (OSError, RuntimeError):  # pragma: no cover - an unreadable font file
                continue
    return frozenset(points)


def drawable(label: str) -> bool:
    glyphs = _glyphs()
    return all(ord(ch) in glyphs or ch.isspace() for ch in label)


def label(localized: str, fallback: str) -> str:
    return localized if drawable(localized) else fallback


def _figure(width: float = 7.0, height: float = 3.6):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110)
    figure.set_layout_engine("constrained")
    return figure


def _png(figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def progress_chart(points: Sequence[tuple[float, str, int]], titles: dict[str, str], pass_scores: dict[str, int],
                   texts: dict[str, tuple[str, str]]) -> bytes:
    """Scores over time, one line per scenario; `points` are (unix time, scenario, score), oldest first.

    `texts` maps 'title', 'score', 'attempt' to (localized, English) pairs.
    """
    figure = _figure()
    axes = figure.add_subplot()
    by_scenario: dict[str, list[tuple[int, int]]] = {}
    for index, (_, scenario, score) in enumerate(points, start=1):
        by_scenario.setdefault(scenario, []).append((index, score))
    for scenario, series in by_scenario.items():
        xs, ys = zip(*series, strict=True)
        axes.plot(xs, ys, marker="o", label=label(titles.get(scenario, scenario), scenario))
    for score in sorted(set(pass_scores.values())):
        axes.axhline(score, color=PASS_COLOUR, linestyle="--", linewidth=0.8, alpha=0.6)
    axes.set_ylim(0, 100)
    axes.set_xlim(0.5, max(len(points), 1) + 0.5)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel(label(*texts["score"]))
    axes.set_xlabel(label(*texts["attempt"]))
    if points:
        first = datetime.fromtimestamp(points[0][0], UTC).strftime("%Y-%m-%d")
        last = datetime.fromtimestamp(points[-1][0], UTC).strftime("%Y-%m-%d")
        axes.set_title(f"{label(*texts['title'])} ({first} – {last})" if first != last
                       else f"{label(*texts['title'])} ({first})")
    axes.grid(alpha=0.3)
    if by_scenario:
        axes.legend(loc="lower right", fontsize="small")
    return _png(figure)


def stats_chart(categories: Sequence[tuple[str, int]], category_labels: dict[str, str],
                pass_rates: Sequence[tuple[str, str, float]], texts: dict[str, tuple[str, str]]) -> bytes:
    """Two panels: the most-flagged categories, and the pass rate per scenario ((title, id, rate) each)."""
    figure = _figure(8.0, 4.0)
    left, right = figure.subplots(1, 2)
    names = [label(category_labels.get(c, c), c) for c, _ in categories][::-1]
    counts = [n for _, n in categories][::-1]
    left.barh(names, counts, color=FAIL_COLOUR)
    left.set_title(label(*texts["categories"]))
    left.xaxis.get_major_locator().set_params(integer=True)
    scenario_names = [label(title, scenario_id) for title, scenario_id, _ in pass_rates][::-1]
    rates = [100 * rate for _, _, rate in pass_rates][::-1]
    right.barh(scenario_names, rates, color=PASS_COLOUR)
    right.set_xlim(0, 100)
    right.set_title(label(*texts["pass_rate"]))
    for axes in (left, right):
        axes.tick_params(axis="y", labelsize="small")
        axes.grid(axis="x", alpha=0.3)
    return _png(figure)
