"""Where the shipped phrasebooks and scenarios live."""

from __future__ import annotations

import os
from pathlib import Path

from coach.errors import CoachError

_REPO = Path(__file__).resolve().parent.parent


def shipped(kind: str) -> Path:
    """The shipped `phrasebooks/` or `scenarios/` folder (COACH_PHRASEBOOKS / COACH_SCENARIOS override it)."""
    override = os.environ.get(f"COACH_{kind.upper()}")
    folder = Path(override) if override else _REPO / kind
    if not folder.is_dir():
        raise CoachError(
            f"the shipped {kind} are not at {folder}; install phrase-coach from its checkout "
            f"(pip install -e .) or set COACH_{kind.upper()} to the folder"
        )
    return folder
