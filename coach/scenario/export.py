"""Turn results and final reports as JSON-ready dicts, for `coach play --format json` and for storage."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from coach.scenario.engine import TurnResult
from coach.scenario.scoring import FinalReport
from coach.scenario.state import finding_to_dict

REPORT_VERSION = 1


def turn_to_dict(result: TurnResult) -> dict[str, Any]:
    """Everything in a turn result except the state itself."""
    return {
        "kind": result.kind,
        "turn": result.turn,
        "reply": result.reply,
        "rejection": asdict(result.rejection) if result.rejection else None,
        "findings": [finding_to_dict(f) for f in result.findings],
        "moves": [asdict(m) for m in result.moves],
        "expected": list(result.expected),
        "missed": list(result.missed),
        "checklist": [asdict(c) for c in result.checklist],
        "mood_before": result.mood_before,
        "mood_after": result.mood_after,
        "mood_changes": [asdict(c) for c in result.mood_changes],
        "customer_line": result.customer_line,
        "ended": result.ended,
        "ending": _ending(result.ending),
    }


def report_to_dict(report: FinalReport) -> dict[str, Any]:
    data = asdict(report)
    data["ending"] = _ending(report.ending)
    return {"version": REPORT_VERSION, **data}


def _ending(ending: Any) -> dict[str, Any] | None:
    if ending is None:
        return None
    return {"id": ending.id, "title": ending.title, "good": ending.good}
