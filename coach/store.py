"""Persistence for the bot: users, role-play attempts and turns, findings, invites, sessions (SQLite).

One file, WAL mode, schema versioned with `PRAGMA user_version` and applied by ordered migrations.
A role-play turn and the engine state it produced are written in one transaction, so a process
killed at any moment leaves either the turn with its state or neither.

The store is synchronous; the bot calls it from one worker thread (see `coach.bot.service`).
"""

from __future__ import annotations

import csv
import io
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError

# Each entry moves the schema from version i to i + 1. Never edit a shipped entry: add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,
        first_name  TEXT NOT NULL DEFAULT '',
        tg_lang     TEXT,                        -- Telegram's language_code, as sent
        lang        TEXT,                        -- chosen with /lang; NULL follows tg_lang
        trainer     INTEGER NOT NULL DEFAULT 0,  -- joined as a trainer with an invite code
        learner     INTEGER NOT NULL DEFAULT 0,  -- joined as a learner with an invite code
        reminders   INTEGER NOT NULL DEFAULT 1,
        created_at  REAL NOT NULL,
        seen_at     REAL NOT NULL
    );
    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL REFERENCES users(user_id),
        scenario    TEXT NOT NULL,
        lang        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'active',  -- active | finished | abandoned
        score       INTEGER,
        passed      INTEGER,
        hints       INTEGER NOT NULL DEFAULT 0,
        started_at  REAL NOT NULL,
        finished_at REAL
    );
    CREATE INDEX attempts_user ON attempts(user_id, scenario);
    CREATE INDEX attempts_scenario ON attempts(scenario, status);
    CREATE TABLE turns (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        attempt_id   INTEGER NOT NULL REFERENCES attempts(id),
        node         TEXT NOT NULL,
        text         TEXT NOT NULL,
        ok           INTEGER NOT NULL,           -- 1 when nothing at warning level or above was flagged
        mood         REAL,
        state_before TEXT NOT NULL,              -- engine state before the turn (for Try again)
        undone       INTEGER NOT NULL DEFAULT 0,
        created_at   REAL NOT NULL
    );
    CREATE INDEX turns_attempt ON turns(attempt_id);
    CREATE TABLE findings (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL,
        turn_id     INTEGER REFERENCES turns(id),  -- NULL for a draft check
        source      TEXT NOT NULL,                 -- turn | draft
        lang        TEXT NOT NULL,
        rule        TEXT NOT NULL,
        category    TEXT NOT NULL,
        severity    TEXT NOT NULL,
        matched     TEXT NOT NULL,
        created_at  REAL NOT NULL
    );
    CREATE INDEX findings_user ON findings(user_id);
    CREATE TABLE sessions (
        user_id     INTEGER PRIMARY KEY REFERENCES users(user_id),
        attempt_id  INTEGER NOT NULL REFERENCES attempts(id),
        state       TEXT NOT NULL,               -- the scenario engine's state, as JSON
        version     INTEGER NOT NULL DEFAULT 0,  -- bumped on every change; buttons carry it
        updated_at  REAL NOT NULL,
        nudged      INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE invites (
        code        TEXT PRIMARY KEY,
        role        TEXT NOT NULL,               -- trainer | learner
        created_by  INTEGER NOT NULL,
        uses_left   INTEGER NOT NULL,
        created_at  REAL NOT NULL,
        expires_at  REAL NOT NULL
    );
    CREATE TABLE drafts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL,
        lang        TEXT NOT NULL,
        chars       INTEGER NOT NULL,
        findings    INTEGER NOT NULL,
        created_at  REAL NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
SEEN_EVERY = 300.0  # seconds between writes of an unchanged user's seen_at
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from a screen


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    first_name: str
    tg_lang: str | None
    lang: str | None
    trainer: bool
    learner: bool
    reminders: bool


@dataclass(frozen=True, slots=True)
class Session:
    user_id: int
    attempt_id: int
    scenario: str
    lang: str
    state: str
    version: int
    updated_at: float


@dataclass(frozen=True, slots=True)
class TurnRow:
    id: int
    node: str
    text: str
    ok: bool
    mood: float | None
    state_before: str


@dataclass(frozen=True, slots=True)
class FindingRow:
    rule: str
    category: str
    severity: str
    matched: str


@dataclass(frozen=True, slots=True)
class ScenarioProgress:
    scenario: str
    attempts: int
    finished: int
    best: int | None
    last: int | None
    passed: bool


@dataclass(frozen=True, slots=True)
class ScorePoint:
    when: float
    scenario: str
    score: int


@dataclass(frozen=True, slots=True)
class Progress:
    scenarios: tuple[ScenarioProgress, ...]
    categories: tuple[tuple[str, int], ...]  # most frequent first
    history: tuple[ScorePoint, ...]  # finished attempts, oldest first
    drafts: int


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    scenario: str
    attempts: int
    finished: int
    passed: int
    average: float | None
    hardest_node: str | None  # the node with the most flagged turns (then the highest share)
    hardest_rate: float  # the share of turns at that node that were flagged


@dataclass(frozen=True, slots=True)
class Stats:
    learners: int
    attempts: int
    drafts: int
    rules: tuple[tuple[str, int], ...]
    categories: tuple[tuple[str, int], ...]
    scenarios: tuple[ScenarioStats, ...]


class StaleSession(Exception):
    """The session changed since the caller read it (an old button, or a second message racing)."""


class Store:
    """A SQLite store; safe to share between threads (one connection, one lock)."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self._users: dict[int, tuple[User, float]] = {}  # touch_user's memory: user → when last written
        self.path = path

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating and migrating) the database; CoachError when it cannot be used."""
        where = str(path)
        if where != ":memory:":
            file = Path(where)
            if file.is_dir():
                raise CoachError(f"{where}: is a folder; --db needs a file path")
            if not file.parent.exists():
                raise CoachError(f"{where}: the folder {file.parent} does not exist")
        try:
            db = sqlite3.connect(where, timeout=10, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            if where != ":memory:":
                mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise CoachError(f"{where}: cannot switch the database to WAL mode (got {mode})")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            store = cls(db, where)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise CoachError(f"{where}: cannot use the database: {exc}") from None
        return store

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CoachError(f"{self.path}: the database has schema version {version}, newer than this "
                             f"coach understands ({SCHEMA_VERSION}); upgrade phrase-coach")
        for number in range(version, SCHEMA_VERSION):
            with self._transaction() as db:
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={number + 1}")
        # Probe that we can write (a read-only file or folder shows up here, not at the first turn).
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS _probe(x)")
            db.execute("DROP TABLE _probe")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def maintenance(self) -> None:
        """Drop expired invites and checkpoint the WAL (run now and then from the job queue)."""
        with self._transaction() as db:
            db.execute("DELETE FROM invites WHERE expires_at < ? OR uses_left <= 0", (time.time(),))
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    # -- users ---------------------------------------------------------------------------------

    def touch_user(self, user_id: int, first_name: str = "", tg_lang: str | None = None) -> User:
        """The user, created or updated. Every update calls this, so an unchanged user seen within
        the last few minutes is answered from memory instead of a write."""
        now = time.time()
        cached = self._users.get(user_id)
        if cached is not None:
            user, written = cached
            if user.first_name == (first_name or "") and (tg_lang is None or user.tg_lang == tg_lang) \
                    and now - written < SEEN_EVERY:
                return user
        with self._transaction() as db:
            db.execute(
                "INSERT INTO users(user_id, first_name, tg_lang, created_at, seen_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET first_name=excluded.first_name, "
                "tg_lang=COALESCE(excluded.tg_lang, users.tg_lang), seen_at=excluded.seen_at",
                (user_id, first_name or "", tg_lang, now, now),
            )
            row = db.execute("SELECT * FROM users WHERE user_id=?", (user_id,)).fetchone()
        user = _user(row)
        self._users[user_id] = (user, now)
        return user

    def get_user(self, user_id: int) -> User | None:
        rows = self._query("SELECT * FROM users WHERE user_id=?", (user_id,))
        return _user(rows[0]) if rows else None

    def set_lang(self, user_id: int, lang: str | None) -> None:
        self._users.pop(user_id, None)
        with self._transaction() as db:
            db.execute("UPDATE users SET lang=? WHERE user_id=?", (lang, user_id))

    def set_reminders(self, user_id: int, on: bool) -> None:
        self._users.pop(user_id, None)
        with self._transaction() as db:
            db.execute("UPDATE users SET reminders=? WHERE user_id=?", (int(on), user_id))

    def trainers(self) -> list[int]:
        return [r[0] for r in self._query("SELECT user_id FROM users WHERE trainer=1 ORDER BY user_id")]

    # -- invites -------------------------------------------------------------------------------

    def create_invite(self, role: str, created_by: int, uses: int, ttl_seconds: float) -> str:
        if role not in ("trainer", "learner"):
            raise ValueError(f"unknown role {role!r}")
        now = time.time()
        with self._transaction() as db:
            while True:
                code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
                if db.execute("SELECT 1 FROM invites WHERE code=?", (code,)).fetchone() is None:
                    break
            db.execute("INSERT INTO invites VALUES (?, ?, ?, ?, ?, ?)",
                       (code, role, created_by, uses, now, now + ttl_seconds))
        return code

    def redeem_invite(self, code: str, user_id: int) -> str | None:
        """The role the code grants (and grant it), or None when it is unknown, used up or expired."""
        code = code.strip().upper()
        self._users.pop(user_id, None)
        with self._transaction() as db:
            row = db.execute("SELECT role, uses_left, expires_at FROM invites WHERE code=?", (code,)).fetchone()
            if row is None or row["uses_left"] <= 0 or row["expires_at"] < time.time():
                return None
            db.execute("UPDATE invites SET uses_left=uses_left-1 WHERE code=?", (code,))
            now = time.time()
            db.execute("INSERT OR IGNORE INTO users(user_id, created_at, seen_at) VALUES (?, ?, ?)",
                       (user_id, now, now))
            column = "trainer" if row["role"] == "trainer" else "learner"
            db.execute(f"UPDATE users SET {column}=1 WHERE user_id=?", (user_id,))
            return str(row["role"])

    # -- role-play sessions --------------------------------------------------------------------

    def start_attempt(self, user_id: int, scenario: str, lang: str, state: str) -> Session:
        """A new attempt and its session; an unfinished attempt of the same user is marked abandoned."""
        now = time.time()
        with self._transaction() as db:
            _ensure_user(db, user_id, now)
            previous = db.execute("SELECT attempt_id FROM sessions WHERE user_id=?", (user_id,)).fetchone()
            if previous is not None:
                db.execute("UPDATE attempts SET status='abandoned', finished_at=? WHERE id=? AND status='active'",
                           (now, previous[0]))
            cursor = db.execute("INSERT INTO attempts(user_id, scenario, lang, started_at) VALUES (?, ?, ?, ?)",
                                (user_id, scenario, lang, now))
            attempt_id = int(cursor.lastrowid or 0)
            db.execute(
                "INSERT INTO sessions(user_id, attempt_id, state, version, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET attempt_id=excluded.attempt_id, state=excluded.state, "
                "version=sessions.version+1, updated_at=excluded.updated_at, nudged=0",
                (user_id, attempt_id, state, 0, now),
            )
            return _session(db.execute(_SESSION_SQL, (user_id,)).fetchone())

    def session(self, user_id: int) -> Session | None:
        rows = self._query(_SESSION_SQL, (user_id,))
        return _session(rows[0]) if rows else None

    def record_turn(self, session: Session, node: str, text: str, ok: bool, mood: float | None,
                    findings: Iterable[FindingRow], state: str,
                    finish: tuple[int, bool] | None = None) -> tuple[int, Session | None]:
        """Store a turn, its findings and the engine's new state in one transaction.

        With `finish=(score, passed)` the turn ended the role-play: the attempt is closed and the
        session removed in the same transaction (the returned session is then None).
        Raises StaleSession if the session changed since `session` was read.
        """
        now = time.time()
        with self._transaction() as db:
            self._check_version(db, session)
            cursor = db.execute(
                "INSERT INTO turns(attempt_id, node, text, ok, mood, state_before, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session.attempt_id, node, text, int(ok), mood, session.state, now),
            )
            turn_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO findings(user_id, turn_id, source, lang, rule, category, severity, matched, created_at) "
                "VALUES (?, ?, 'turn', ?, ?, ?, ?, ?, ?)",
                [(session.user_id, turn_id, session.lang, f.rule, f.category, f.severity, f.matched, now)
                 for f in findings],
            )
            if finish is not None:
                db.execute("UPDATE attempts SET status='finished', score=?, passed=?, finished_at=? WHERE id=?",
                           (finish[0], int(finish[1]), now, session.attempt_id))
                db.execute("DELETE FROM sessions WHERE user_id=?", (session.user_id,))
                return turn_id, None
            db.execute("UPDATE sessions SET state=?, version=version+1, updated_at=?, nudged=0 "
                       "WHERE user_id=?", (state, now, session.user_id))
            return turn_id, _session(db.execute(_SESSION_SQL, (session.user_id,)).fetchone())

    def last_turn(self, attempt_id: int) -> TurnRow | None:
        rows = self._query("SELECT * FROM turns WHERE attempt_id=? AND undone=0 ORDER BY id DESC LIMIT 1",
                           (attempt_id,))
        return _turn(rows[0]) if rows else None

    def turns(self, attempt_id: int) -> list[TurnRow]:
        """The attempt's turns that stand (not undone), in order."""
        rows = self._query("SELECT * FROM turns WHERE attempt_id=? AND undone=0 ORDER BY id", (attempt_id,))
        return [_turn(r) for r in rows]

    def undo_turn(self, session: Session, turn_id: int, state: str) -> Session:
        """Mark the turn undone and put the session back to `state` (Try again)."""
        with self._transaction() as db:
            self._check_version(db, session)
            db.execute("UPDATE turns SET undone=1 WHERE id=? AND attempt_id=?", (turn_id, session.attempt_id))
            db.execute("UPDATE sessions SET state=?, version=version+1, updated_at=? WHERE user_id=?",
                       (state, time.time(), session.user_id))
            return _session(db.execute(_SESSION_SQL, (session.user_id,)).fetchone())

    def update_state(self, session: Session, state: str, hint: bool = False) -> Session:
        with self._transaction() as db:
            self._check_version(db, session)
            db.execute("UPDATE sessions SET state=?, version=version+1, updated_at=? WHERE user_id=?",
                       (state, time.time(), session.user_id))
            if hint:
                db.execute("UPDATE attempts SET hints=hints+1 WHERE id=?", (session.attempt_id,))
            return _session(db.execute(_SESSION_SQL, (session.user_id,)).fetchone())

    def finish_attempt(self, session: Session, score: int, passed: bool, status: str = "finished") -> None:
        """Close the attempt with its score and end the session (same transaction)."""
        with self._transaction() as db:
            self._check_version(db, session)
            db.execute("UPDATE attempts SET status=?, score=?, passed=?, finished_at=? WHERE id=?",
                       (status, score, int(passed), time.time(), session.attempt_id))
            db.execute("DELETE FROM sessions WHERE user_id=?", (session.user_id,))

    def abandon(self, user_id: int) -> str | None:
        """End the user's role-play without a score; the scenario id it was, or None."""
        with self._transaction() as db:
            row = db.execute(_SESSION_SQL, (user_id,)).fetchone()
            if row is None:
                return None
            db.execute("UPDATE attempts SET status='abandoned', finished_at=? WHERE id=?",
                       (time.time(), row["attempt_id"]))
            db.execute("DELETE FROM sessions WHERE user_id=?", (user_id,))
            return str(row["scenario"])

    @staticmethod
    def _check_version(db: sqlite3.Connection, session: Session) -> None:
        row = db.execute("SELECT attempt_id, version FROM sessions WHERE user_id=?", (session.user_id,)).fetchone()
        if row is None or row[0] != session.attempt_id or row[1] != session.version:
            raise StaleSession(session.user_id)

    def idle_sessions(self, idle_seconds: float) -> list[Session]:
        """Sessions untouched for `idle_seconds`, not yet nudged, of users who want reminders."""
        rows = self._query(
            "SELECT s.*, a.scenario, a.lang FROM sessions s JOIN attempts a ON a.id=s.attempt_id "
            "JOIN users u ON u.user_id=s.user_id WHERE s.nudged=0 AND u.reminders=1 AND s.updated_at < ?",
            (time.time() - idle_seconds,),
        )
        return [_session(r) for r in rows]

    def mark_nudged(self, user_id: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE sessions SET nudged=1 WHERE user_id=?", (user_id,))

    # -- drafts --------------------------------------------------------------------------------

    def record_draft(self, user_id: int, lang: str, chars: int, findings: Iterable[FindingRow]) -> None:
        findings = list(findings)
        now = time.time()
        with self._transaction() as db:
            db.execute("INSERT INTO drafts(user_id, lang, chars, findings, created_at) VALUES (?, ?, ?, ?, ?)",
                       (user_id, lang, chars, len(findings), now))
            db.executemany(
                "INSERT INTO findings(user_id, turn_id, source, lang, rule, category, severity, matched, created_at) "
                "VALUES (?, NULL, 'draft', ?, ?, ?, ?, ?, ?)",
                [(user_id, lang, f.rule, f.category, f.severity, f.matched, now) for f in findings],
            )

    # -- reading back --------------------------------------------------------------------------

    def best_scores(self, user_id: int) -> dict[str, int]:
        rows = self._query("SELECT scenario, MAX(score) FROM attempts WHERE user_id=? AND status='finished' "
                           "GROUP BY scenario", (user_id,))
        return {r[0]: int(r[1]) for r in rows if r[1] is not None}

    def progress(self, user_id: int) -> Progress:
        rows = self._query(
            "SELECT scenario, COUNT(*) AS attempts, SUM(status='finished') AS finished, "
            "MAX(CASE WHEN status='finished' THEN score END) AS best, MAX(COALESCE(passed, 0)) AS passed "
            "FROM attempts WHERE user_id=? GROUP BY scenario ORDER BY MIN(started_at)", (user_id,))
        last = {r[0]: r[1] for r in self._query(
            "SELECT scenario, score FROM attempts a WHERE user_id=? AND status='finished' AND finished_at = "
            "(SELECT MAX(finished_at) FROM attempts b WHERE b.user_id=a.user_id AND b.scenario=a.scenario "
            "AND b.status='finished')", (user_id,))}
        scenarios = tuple(
            ScenarioProgress(r["scenario"], int(r["attempts"]), int(r["finished"] or 0),
                             None if r["best"] is None else int(r["best"]), last.get(r["scenario"]),
                             bool(r["passed"]))
            for r in rows
        )
        categories = tuple((r[0], int(r[1])) for r in self._query(
            "SELECT category, COUNT(*) AS n FROM findings WHERE user_id=? GROUP BY category "
            "ORDER BY n DESC, category LIMIT 5", (user_id,)))
        history = tuple(ScorePoint(float(r[0]), r[1], int(r[2])) for r in self._query(
            "SELECT finished_at, scenario, score FROM attempts WHERE user_id=? AND status='finished' "
            "ORDER BY finished_at", (user_id,)))
        drafts = int(self._query("SELECT COUNT(*) FROM drafts WHERE user_id=?", (user_id,))[0][0])
        return Progress(scenarios, categories, history, drafts)

    def stats(self, limit: int = 8) -> Stats:
        rules = tuple((r[0], int(r[1])) for r in self._query(
            "SELECT rule, COUNT(*) AS n FROM findings GROUP BY rule ORDER BY n DESC, rule LIMIT ?", (limit,)))
        categories = tuple((r[0], int(r[1])) for r in self._query(
            "SELECT category, COUNT(*) AS n FROM findings GROUP BY category ORDER BY n DESC, category LIMIT ?",
            (limit,)))
        per_scenario = self._query(
            "SELECT scenario, COUNT(*) AS attempts, SUM(status='finished') AS finished, "
            "SUM(status='finished' AND passed=1) AS passed, AVG(CASE WHEN status='finished' THEN score END) AS avg "
            "FROM attempts GROUP BY scenario ORDER BY scenario")
        nodes: dict[str, tuple[str, float, int]] = {}
        for r in self._query(
            "SELECT a.scenario, t.node, COUNT(*) AS n, SUM(1 - t.ok) AS flagged FROM turns t "
            "JOIN attempts a ON a.id=t.attempt_id GROUP BY a.scenario, t.node"
        ):
            flagged = int(r["flagged"] or 0)
            if not flagged:
                continue
            rate = flagged / int(r["n"])
            best = nodes.get(r["scenario"])
            if best is None or (flagged, rate) > (best[2], best[1]):
                nodes[r["scenario"]] = (r["node"], rate, flagged)
        scenarios = tuple(
            ScenarioStats(r["scenario"], int(r["attempts"]), int(r["finished"] or 0), int(r["passed"] or 0),
                          None if r["avg"] is None else float(r["avg"]),
                          nodes.get(r["scenario"], (None, 0.0, 0))[0], nodes.get(r["scenario"], (None, 0.0, 0))[1])
            for r in per_scenario
        )
        learners = int(self._query("SELECT COUNT(DISTINCT user_id) FROM (SELECT user_id FROM attempts "
                                   "UNION SELECT user_id FROM drafts)")[0][0])
        attempts = int(self._query("SELECT COUNT(*) FROM attempts")[0][0])
        drafts = int(self._query("SELECT COUNT(*) FROM drafts")[0][0])
        return Stats(learners, attempts, drafts, rules, categories, scenarios)

    def export_attempts_csv(self) -> bytes:
        rows = self._query(
            "SELECT a.id, a.user_id, u.first_name, a.scenario, a.lang, a.status, a.score, a.passed, a.hints, "
            "datetime(a.started_at, 'unixepoch') AS started, datetime(a.finished_at, 'unixepoch') AS finished, "
            "(SELECT COUNT(*) FROM turns t WHERE t.attempt_id=a.id AND t.undone=0) AS turns, "
            "(SELECT COUNT(*) FROM turns t WHERE t.attempt_id=a.id AND t.undone=1) AS retries "
            "FROM attempts a LEFT JOIN users u ON u.user_id=a.user_id ORDER BY a.id")
        header = ("attempt", "user_id", "name", "scenario", "lang", "status", "score", "passed", "hints",
                  "started_utc", "finished_utc", "turns", "retries")
        return _csv(header, rows)

    def export_findings_csv(self) -> bytes:
        rows = self._query(
            "SELECT f.id, f.user_id, f.source, a.scenario, t.node, f.lang, f.rule, f.category, f.severity, "
            "f.matched, t.undone, datetime(f.created_at, 'unixepoch') AS created "
            "FROM findings f LEFT JOIN turns t ON t.id=f.turn_id LEFT JOIN attempts a ON a.id=t.attempt_id "
            "ORDER BY f.id")
        header = ("finding", "user_id", "source", "scenario", "node", "lang", "rule", "category", "severity",
                  "matched", "undone", "created_utc")
        return _csv(header, rows)


_SESSION_SQL = ("SELECT s.*, a.scenario, a.lang FROM sessions s JOIN attempts a ON a.id=s.attempt_id "
                "WHERE s.user_id=?")


def _ensure_user(db: sqlite3.Connection, user_id: int, now: float) -> None:
    db.execute("INSERT OR IGNORE INTO users(user_id, created_at, seen_at) VALUES (?, ?, ?)", (user_id, now, now))


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside our SQL text)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _user(row: sqlite3.Row) -> User:
    return User(int(row["user_id"]), row["first_name"] or "", row["tg_lang"], row["lang"], bool(row["trainer"]),
                bool(row["learner"]), bool(row["reminders"]))


def _session(row: sqlite3.Row) -> Session:
    return Session(int(row["user_id"]), int(row["attempt_id"]), row["scenario"], row["lang"], row["state"],
                   int(row["version"]), float(row["updated_at"]))


def _turn(row: sqlite3.Row) -> TurnRow:
    return TurnRow(int(row["id"]), row["node"], row["text"], bool(row["ok"]),
                   None if row["mood"] is None else float(row["mood"]), row["state_before"])


def _csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: spreadsheet apps then read UTF-8 correctly
