"""Role-plays for the bot: the scenario engine's public API joined to the store.

The only bot module that imports `coach.scenario`. Every method is synchronous and runs on the
service's core thread; each turn's record and the engine state it produced are written in one
transaction, so a restart at any moment resumes exactly where the learner was.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from coach.bot.service import CoachService, finding_rows
from coach.errors import CoachError
from coach.scenario.engine import ANSWERED, OVER, REJECTED, Engine, TurnResult
from coach.scenario.model import Scenario
from coach.scenario.scoring import FinalReport, checklist_progress
from coach.scenario.state import State, state_from_json, state_to_json
from coach.store import Session, StaleSession

__all__ = [
    "ANSWERED",
    "OVER",
    "REJECTED",
    "Current",
    "Ended",
    "HintOutcome",
    "NoRolePlay",
    "Played",
    "RetryOutcome",
    "RolePlays",
    "Started",
]


class NoRolePlay(Exception):
    """The user has no role-play (or not the one a button belongs to)."""


@dataclass(frozen=True, slots=True)
class Started:
    scenario: Scenario
    state: State
    session: Session
    replaced: str | None  # the title of an unfinished role-play this one replaced


@dataclass(frozen=True, slots=True)
class Ended:
    """A role-play that cannot go on because its scenario changed or disappeared in a reload."""

    scenario_id: str


@dataclass(frozen=True, slots=True)
class Played:
    scenario: Scenario
    result: TurnResult
    session: Session | None  # None when the turn ended the role-play
    report: FinalReport | None  # set when it ended


@dataclass(frozen=True, slots=True)
class RetryOutcome:
    scenario: Scenario
    state: State
    undone: bool


@dataclass(frozen=True, slots=True)
class HintOutcome:
    scenario: Scenario
    text: str | None
    cost: int
    repeated: bool


@dataclass(frozen=True, slots=True)
class Current:
    scenario: Scenario
    state: State
    session: Session


class RolePlays:
    def __init__(self, service: CoachService) -> None:
        self.service = service

    @property
    def store(self):
        return self.service.store

    def engine(self, scenario: Scenario) -> Engine:
        return Engine(scenario, self.service.checker)

    # -- choosing -------------------------------------------------------------------------------

    def available(self, lang: str) -> list[Scenario]:
        """Scenarios in the learner's language; all of them when none is written in it."""
        scenario_set = self.service.scenarios
        mine = scenario_set.in_language(lang)
        if mine:
            return mine
        return [s for _, s in sorted(scenario_set.scenarios.items())]

    def find(self, token: str) -> Scenario | None:
        """The scenario a keyboard token names ("sc:en:angry-client" or a hashed "sc#…")."""
        from coach.bot.render import scenario_token

        for scenario in self.service.scenarios.scenarios.values():
            if scenario_token(scenario.id, scenario.lang) == token:
                return scenario
        return None

    def next_after(self, token: str, ui_lang: str) -> Scenario | None:
        scenarios = self.available(ui_lang)
        current = self.find(token)
        if current is not None and current.lang != ui_lang:
            scenarios = self.service.scenarios.in_language(current.lang) or scenarios
        if not scenarios:
            return None
        keys = [s.key for s in scenarios]
        if current is None or current.key not in keys:
            return scenarios[0]
        return scenarios[(keys.index(current.key) + 1) % len(scenarios)]

    def best_scores(self, user_id: int) -> dict[str, int]:
        return self.store.best_scores(user_id)

    # -- playing --------------------------------------------------------------------------------

    def start(self, user_id: int, scenario: Scenario, seed: int | None = None) -> Started:
        replaced = None
        old = self.store.session(user_id)
        if old is not None:
            previous = self.service.scenarios.scenarios.get((old.scenario, old.lang))
            replaced = previous.title if previous is not None else old.scenario
        state = self.engine(scenario).start(seed if seed is not None else secrets.randbelow(2**31))
        session = self.store.start_attempt(user_id, scenario.id, scenario.lang, state_to_json(state))
        return Started(scenario, state, session, replaced)

    def current(self, user_id: int) -> Current | Ended | None:
        session = self.store.session(user_id)
        if session is None:
            return None
        scenario = self.service.scenarios.scenarios.get((session.scenario, session.lang))
        try:
            if scenario is None:
                raise CoachError(f"scenario '{session.scenario}' is gone")
            state = state_from_json(session.state)
            self.engine(scenario)._own(state)  # a scenario that changed under the game is refused
        except CoachError:
            self.store.abandon(user_id)
            return Ended(session.scenario)
        return Current(scenario, state, session)

    def turn(self, user_id: int, reply: str) -> Played | Ended | None:
        """Play the learner's reply. None when there is no role-play."""
        found = self.current(user_id)
        if not isinstance(found, Current):
            return found
        engine = self.engine(found.scenario)
        result = engine.turn(found.state, reply)
        if result.kind == REJECTED:
            return Played(found.scenario, result, found.session, None)
        if result.kind == OVER:  # a finished game that was never closed (should not happen): close it now
            report = engine.report(result.state)
            self.store.finish_attempt(found.session, report.score, report.passed)
            return Played(found.scenario, result, None, report)
        report = engine.report(result.state) if result.ended else None
        ok = not result.findings and not result.missed
        finish = (report.score, report.passed) if report is not None else None
        try:
            _, session = self.store.record_turn(found.session, found.state.node, reply, ok, result.mood_after,
                                                finding_rows(result), state_to_json(result.state), finish)
        except StaleSession:
            raise NoRolePlay() from None
        return Played(found.scenario, result, session, report)

    def retry(self, user_id: int, attempt: int, turns: int) -> RetryOutcome:
        """Undo the turn a card belongs to (only the latest one can be undone)."""
        found = self._mine(user_id, attempt)
        if len(found.state.turns) != turns or not found.state.turns:
            raise NoRolePlay()
        retried = self.engine(found.scenario).retry(found.state)
        if retried.undone is None:
            raise NoRolePlay()
        last = self.store.last_turn(found.session.attempt_id)
        try:
            if last is not None:
                self.store.undo_turn(found.session, last.id, state_to_json(retried.state))
            else:
                self.store.update_state(found.session, state_to_json(retried.state))
        except StaleSession:
            raise NoRolePlay() from None
        return RetryOutcome(found.scenario, retried.state, True)

    def hint(self, user_id: int, attempt: int) -> HintOutcome:
        found = self._mine(user_id, attempt)
        hint = self.engine(found.scenario).hint(found.state)
        if hint.cost or hint.state != found.state:
            try:
                self.store.update_state(found.session, state_to_json(hint.state), hint=bool(hint.cost))
            except StaleSession:
                raise NoRolePlay() from None
        return HintOutcome(found.scenario, hint.text, hint.cost, hint.repeated)

    def end(self, user_id: int, attempt: int | None = None) -> tuple[Scenario, FinalReport]:
        """Give up: the final card of the game so far (scored as not passed)."""
        found = self._mine(user_id, attempt)
        engine = self.engine(found.scenario)
        state = engine.give_up(found.state)
        report = engine.report(state)
        try:
            self.store.finish_attempt(found.session, report.score, report.passed, status="finished")
        except StaleSession:
            raise NoRolePlay() from None
        return found.scenario, report

    def checklist(self, scenario: Scenario, state: State) -> tuple:
        return checklist_progress(scenario, state)

    def _mine(self, user_id: int, attempt: int | None) -> Current:
        found = self.current(user_id)
        if not isinstance(found, Current) or (attempt is not None and found.session.attempt_id != attempt):
            raise NoRolePlay()
        return found
