"""Checking many texts, in one process or several (--jobs), in input order."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from coach.checker import Checker, Report

_WORKER: Checker | None = None
CHUNK = 64


def check_documents(documents: Sequence, phrasebook_dirs: Sequence[Path], disabled: Iterable[str],
                    lang: str | None, jobs: int = 1,
                    progress: Callable[[int], None] | None = None) -> list[Report]:
    """Reports for `documents` (anything with a .text), checked with the phrasebooks in `phrasebook_dirs`."""
    texts = [d.text for d in documents]
    if jobs == 1 or len(texts) < 2 * CHUNK:
        checker = Checker.lazy(phrasebook_dirs, disabled)
        reports = []
        for i, report in enumerate(checker.check_many(texts, lang), start=1):
            reports.append(report)
            if progress and (i % 16 == 0 or i == len(texts)):
                progress(i)
        return reports
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    reports = []
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(list(phrasebook_dirs), list(disabled))) as pool:
        for chunk_reports in pool.map(_check_chunk, chunks, [lang] * len(chunks)):
            reports.extend(chunk_reports)
            if progress:
                progress(len(reports))
    return reports


def _init_worker(phrasebook_dirs: list[Path], disabled: list[str]) -> None:
    global _WORKER
    _WORKER = Checker.lazy(phrasebook_dirs, disabled)


def _check_chunk(texts: list[str], lang: str | None) -> list[Report]:
    assert _WORKER is not None
    return list(_WORKER.check_many(texts, lang))
