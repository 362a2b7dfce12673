"""Fixtures for the bot tests (helpers live in bothelpers.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bothelpers import Harness, make_settings, start_harness, stop_harness

from coach.bot.settings import BotSettings


@pytest.fixture
def settings(tmp_path: Path) -> BotSettings:
    return make_settings(tmp_path)


@pytest.fixture
async def harness(settings: BotSettings) -> AsyncIterator[Harness]:
    h = await start_harness(settings)
    try:
        yield h
    finally:
        await stop_harness(h)
