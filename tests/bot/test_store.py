"""The SQLite store: schema and migrations, one transaction per turn, invites, progress and stats."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from coach.errors import CoachError
from coach.store import MIGRATIONS, SCHEMA_VERSION, FindingRow, StaleSession, Store

CALM = FindingRow("dismissive.calm-down", "dismissive", "error", "calm down")


def test_a_new_database_is_migrated_to_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "coach.db")
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    db = sqlite3.connect(tmp_path / "coach.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "attempts", "turns", "findings", "sessions", "invites", "drafts"} <= tables
    store.close()
    Store.open(tmp_path / "coach.db").close()  # opening again migrates nothing and loses nothing


def test_databases_that_cannot_be_used_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(CoachError, match="cannot use the database"):
        Store.open(tmp_path / "file" / "coach.db")
    with pytest.raises(CoachError, match="does not exist"):
        Store.open(tmp_path / "missing" / "coach.db")
    with pytest.raises(CoachError, match="is a folder"):
        Store.open(tmp_path)
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(CoachError, match="cannot use the database"):
        Store.open(tmp_path / "junk.db")
    newer = sqlite3.connect(tmp_path / "newer.db")
    newer.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer.close()
    with pytest.raises(CoachError, match="newer than this coach understands"):
        Store.open(tmp_path / "newer.db")


def test_a_turn_and_the_state_it_produced_are_one_transaction(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "coach.db")
    session = store.start_attempt(1, "late-parcel", "en", '{"turn": 0}')
    turn_id, after = store.record_turn(session, "opening", "Calm down.", False, 60, [CALM], '{"turn": 1}')
    assert after is not None and after.state == '{"turn": 1}' and after.version == session.version + 1
    with pytest.raises(StaleSession):  # the old session value (an old button) cannot write again
        store.record_turn(session, "opening", "Again", True, 50, [], '{"turn": 2}')

    rows = [CALM, FindingRow("x", "y", "error", object())]  # type: ignore[arg-type]  # the 2nd cannot be stored
    with pytest.raises(sqlite3.Error):
        store.record_turn(after, "plan", "Calm down!", False, 70, rows, '{"turn": 2}')
    current = store.session(1)
    assert current is not None and current.state == '{"turn": 1}'  # nothing of the failed turn remains
    assert [t.id for t in store.turns(session.attempt_id)] == [turn_id]
    assert store.stats().rules == (("dismissive.calm-down", 1),)


def test_undo_finish_and_abandon(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "coach.db")
    session = store.start_attempt(1, "late-parcel", "en", "s0")
    turn_id, session = store.record_turn(session, "opening", "Calm down.", False, 60, [CALM], "s1")
    assert store.last_turn(session.attempt_id).state_before == "s0"
    session = store.undo_turn(session, turn_id, "s0")
    assert store.turns(session.attempt_id) == [] and session.state == "s0"
    _, done = store.record_turn(session, "opening", "I'm sorry.", True, 40, [], "s2", finish=(90, True))
    assert done is None and store.session(1) is None
    assert store.best_scores(1) == {"late-parcel": 90}
    store.start_attempt(1, "late-parcel", "en", "t0")
    replaced = store.start_attempt(1, "late-parcel", "en", "u0")  # a new game closes the unfinished one
    assert store.abandon(1) == "late-parcel" and store.abandon(1) is None
    progress = store.progress(1)
    [row] = progress.scenarios
    assert (row.attempts, row.finished, row.best, row.last, row.passed) == (3, 1, 90, 90, True)
    assert progress.categories == (("dismissive", 1),)  # an undone turn still shows what tripped them
    assert [p.score for p in progress.history] == [90]
    assert replaced.attempt_id == 3


def test_invites_are_single_or_multi_use_and_expire(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "coach.db")
    code = store.create_invite("trainer", 1, uses=1, ttl_seconds=60)
    assert len(code) == 8 and code.isalnum()
    assert store.redeem_invite(code.lower(), 2) == "trainer"
    assert store.redeem_invite(code, 3) is None
    assert store.get_user(2).trainer and store.trainers() == [2]
    many = store.create_invite("learner", 1, uses=2, ttl_seconds=60)
    assert store.redeem_invite(many, 4) == store.redeem_invite(many, 5) == "learner"
    assert store.redeem_invite(many, 6) is None
    old = store.create_invite("learner", 1, uses=5, ttl_seconds=-1)
    assert store.redeem_invite(old, 7) is None
    store.maintenance()
    assert store.redeem_invite("NOPE2345", 8) is None


def test_stats_and_csv_exports(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "coach.db")
    for user, ok, finish in ((1, False, (40, False)), (2, True, (95, True)), (3, False, None)):
        session = store.start_attempt(user, "late-parcel", "en", "s")
        store.record_turn(session, "opening", "x", ok, 50, [] if ok else [CALM], "s", finish=finish)
    store.record_draft(4, "en", 20, [FindingRow("overpromise.promise", "overpromise", "warning", "I promise")])
    stats = store.stats()
    assert (stats.learners, stats.attempts, stats.drafts) == (4, 3, 1)
    assert stats.categories[0] == ("dismissive", 2)
    [scenario] = stats.scenarios
    assert (scenario.attempts, scenario.finished, scenario.passed) == (3, 2, 1)
    assert scenario.hardest_node == "opening" and round(scenario.hardest_rate, 2) == 0.67
    attempts = store.export_attempts_csv().decode("utf-8-sig").splitlines()
    assert attempts[0].startswith("attempt,user_id,name,scenario") and len(attempts) == 4
    findings = store.export_findings_csv().decode("utf-8-sig").splitlines()
    assert len(findings) == 4 and findings[-1].split(",")[2] == "draft"
