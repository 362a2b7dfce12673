"""What the bot is told at start: token, transport, storage, content folders, who may do what."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str  # the public HTTPS address Telegram posts to
    listen: str = "0.0.0.0"
    port: int = 8443
    secret: str = ""  # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token
    path: str = ""  # the local URL path (taken from `url` when empty)


@dataclass(frozen=True, slots=True)
class BotSettings:
    token: str
    db: Path
    data_dir: Path  # trainer uploads: data_dir/phrasebooks/<lang>/, data_dir/scenarios/<lang>/
    phrasebook_dirs: tuple[Path, ...] = ()  # shipped + configured, before data_dir's
    scenario_dirs: tuple[Path, ...] = ()
    base_url: str | None = None  # the Bot API server (an emulator in tests); None = Telegram's
    webhook: Webhook | None = None
    trainers: frozenset[int] = frozenset()
    allowed: frozenset[int] = frozenset()  # learners allowed without an invite
    invite_only: bool = False  # learners need an invite code (or the allow-list)
    disabled_rules: frozenset[str] = frozenset()
    nudge_after: float = 0.0  # seconds of silence in a role-play before one friendly reminder; 0 = never
    poll_timeout: float = 10.0
    max_concurrent: int = 256
    transport: str = "stream"  # stream (coach.bot.transport) | httpx (PTB's default)
    max_rate: float = 30.0  # messages per second the bot sends overall (Telegram's limit); 0 = unlimited
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def restricted(self) -> bool:
        """Whether learners need to be on the allow-list or invited."""
        return self.invite_only or bool(self.allowed)

    @property
    def all_phrasebook_dirs(self) -> tuple[Path, ...]:
        return (*self.phrasebook_dirs, self.data_dir / "phrasebooks")

    @property
    def all_scenario_dirs(self) -> tuple[Path, ...]:
        return (*self.scenario_dirs, self.data_dir / "scenarios")

    def api_base_url(self) -> str | None:
        """`--base-url` as PTB wants it: the server root plus `/bot` (the token is appended)."""
        if not self.base_url:
            return None
        base = self.base_url.rstrip("/")
        return base if base.endswith("/bot") else f"{base}/bot"
