"""The bot's link to the core: phrasebooks, scenarios and the store, used from one worker thread.

Handlers are async; the core and SQLite are synchronous. Every core or store call goes through
`CoachService.call`, which runs it on a single dedicated thread: the event loop stays free for
network I/O, SQLite has one writer, and the spaCy pipelines are never used by two threads at once.

Content (phrasebooks and scenarios) is swapped in whole: a reload that finds any error keeps the
last good set, so learners never meet a half-loaded coach.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from coach.bot.settings import BotSettings
from coach.checker import Checker, Report
from coach.errors import CoachError, Problem
from coach.language.detect import detect_language
from coach.phrasebook.loader import load_phrasebooks
from coach.store import FindingRow, Store

log = logging.getLogger(__name__)
T = TypeVar("T")

WARM_UP = {
    "en": "Hello, I promise it will arrive soon.",
    "ko": "안녕하세요, 곧 도착할 것을 약속드립니다.",
    "id": "Halo, saya janji akan segera sampai.",
    "da": "Hej, jeg lover, at den kommer snart.",
    "tr": "Merhaba, yakında geleceğine söz veriyorum.",
    "hi": "नमस्ते, मैं वादा करता हूँ कि यह जल्द पहुँचेगा।",
}


@dataclass(frozen=True, slots=True)
class Content:
    """One consistent set of what the coach knows: the checker and the scenarios."""

    checker: Checker
    scenarios: Any  # coach.scenario.loader.ScenarioSet
    warnings: tuple[Problem, ...] = ()

    @property
    def rule_count(self) -> int:
        return sum(len(book.rules) for book in self.checker.library.books.values())


@dataclass(frozen=True, slots=True)
class LoadOutcome:
    ok: bool
    problems: tuple[Problem, ...]
    rules: int
    languages: tuple[str, ...]
    scenarios: int


def finding_rows(report: Report) -> list[FindingRow]:
    return [FindingRow(f.rule, f.category, f.severity, f.matched) for f in report.findings]


class CoachService:
    """Owns the store and the current content; runs core work on its own thread."""

    def __init__(self, settings: BotSettings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-core")
        self._content: Content | None = None
        self._swap = threading.Lock()

    # -- running work ---------------------------------------------------------------------------

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run `fn(*args, **kwargs)` on the core thread and wait for it without blocking the loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=False)
        self.store.close()

    # -- content --------------------------------------------------------------------------------

    @property
    def content(self) -> Content:
        if self._content is None:
            raise CoachError("the coach has not loaded its phrasebooks yet")
        return self._content

    @property
    def checker(self) -> Checker:
        return self.content.checker

    @property
    def scenarios(self) -> Any:
        return self.content.scenarios

    def load_content(self) -> LoadOutcome:
        """Load phrasebooks and scenarios; on any error keep what is loaded now (if anything)."""
        settings = self.settings
        for folder in (settings.data_dir / "phrasebooks", settings.data_dir / "scenarios"):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CoachError(f"{folder}: cannot create the data folder: {exc.strerror or exc}") from None
        library = load_phrasebooks(list(settings.all_phrasebook_dirs))
        problems = list(library.problems)
        scenario_set = _load_scenarios(settings.all_scenario_dirs)
        problems.extend(scenario_set.problems)
        errors = [p for p in problems if p.severity == "error"]
        rules = sum(len(b.rules) for b in library.books.values())
        languages = tuple(lang for lang in ("en", "ko", "id", "da", "tr", "hi") if lang in library.books)
        if errors:
            return LoadOutcome(False, tuple(problems), rules, languages, len(scenario_set.scenarios))
        checker = Checker(library, settings.disabled_rules)
        with self._swap:
            self._content = Content(checker, scenario_set, tuple(problems))
        return LoadOutcome(True, tuple(problems), rules, languages, len(scenario_set.scenarios))

    def warm_up(self) -> None:
        """Compile every loaded language once, so the first learner does not wait for it."""
        checker = self.checker
        detect_language("Hello, where is my order? It was due on Monday.")  # loads the language identifier
        for lang in checker.languages:
            try:
                checker.check(WARM_UP.get(lang, "Hello"), lang)
            except CoachError as exc:  # pragma: no cover - reported, not fatal
                log.warning("warm-up for %s failed: %s", lang, exc)

    # -- drafts ---------------------------------------------------------------------------------

    def check_draft(self, user_id: int, text: str, default_lang: str | None) -> Report:
        """Check a draft in whichever of the loaded languages it is written; record what was found."""
        checker = self.checker
        detection = detect_language(text, default_lang)
        if detection.lang is None or detection.lang not in checker.languages:
            return Report(None, detection=detection)
        report = dataclasses.replace(checker.check(text, detection.lang), detection=detection)
        if report.lang is not None:
            self.store.record_draft(user_id, report.lang, len(text), finding_rows(report))
        return report


def draw(chart: str, *args: Any) -> bytes:
    """A PNG from coach.bot.charts (imported here, on the calling thread: matplotlib loads slowly)."""
    from coach.bot import charts

    return getattr(charts, chart)(*args)


def _load_scenarios(paths: tuple[Path, ...]) -> Any:
    from coach.scenario.loader import load_scenarios

    return load_scenarios([p for p in paths if p.exists()])


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What /reload or an upload did: the lint's problems, and whether new content is now served."""

    applied: bool
    problems: tuple[Problem, ...]
    load: LoadOutcome | None = None
    installed: Path | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


async def reload_content(service: CoachService) -> ReloadOutcome:
    """Lint everything in a child process; only a clean lint swaps the new content in."""
    from coach.bot.lintjob import lint_in_child

    settings = service.settings
    lint = await lint_in_child(list(settings.all_phrasebook_dirs), list(settings.all_scenario_dirs))
    if lint.errors:
        return ReloadOutcome(False, lint.problems)
    load = await service.call(service.load_content)
    if load.ok:
        await service.call(service.warm_up)
    return ReloadOutcome(load.ok, lint.problems + tuple(p for p in load.problems if p not in lint.problems), load)


async def install_upload(service: CoachService, upload: Any) -> ReloadOutcome:
    """Lint an uploaded file with everything already loaded; install it and reload only when clean."""
    from coach.bot.lintjob import lint_in_child
    from coach.bot.uploads import install, shown_problems, stage

    settings = service.settings
    staging = stage(upload, settings.data_dir)
    try:
        phrasebook_dirs = [*settings.phrasebook_dirs,
                           staging.folder if upload.kind == "phrasebooks" else settings.data_dir / "phrasebooks"]
        scenario_dirs = [*settings.scenario_dirs,
                         staging.folder if upload.kind == "scenarios" else settings.data_dir / "scenarios"]
        lint = await lint_in_child(phrasebook_dirs, scenario_dirs)
        problems = tuple(shown_problems(lint.problems, staging, upload))
    finally:
        staging.remove()
    if any(p.severity == "error" for p in problems):
        return ReloadOutcome(False, problems)
    target = settings.data_dir / upload.relative
    previous = target.read_bytes() if target.exists() else None
    installed = install(upload, settings.data_dir)
    load = await service.call(service.load_content)
    if not load.ok:  # the lint passed but loading did not: put the folder back as it was
        if previous is None:
            installed.unlink(missing_ok=True)
        else:
            installed.write_bytes(previous)
        return ReloadOutcome(False, problems + load.problems, load)
    await service.call(service.warm_up)
    return ReloadOutcome(True, problems, load, installed)
