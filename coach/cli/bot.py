"""`coach bot`: run the Telegram bot (long polling by default, or a webhook).

Every problem found before the bot goes online (no token, a database that cannot be written, broken
phrasebooks or scenarios) is one clear message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from coach.errors import CoachError

DEFAULT_DB = "coach.db"
DEFAULT_DATA = "coach-data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--token-file", type=Path, metavar="FILE",
                        help="read the bot token from FILE (default: the TELEGRAM_BOT_TOKEN variable)")
    parser.add_argument("--db", metavar="PATH", help=f"SQLite database (default: $COACH_DB or {DEFAULT_DB})")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help=f"where trainers' uploads are kept (default: $COACH_DATA or {DEFAULT_DATA})")
    parser.add_argument("--base-url", metavar="URL",
                        help="Bot API server, e.g. http://localhost:8081 for a local server or an emulator")
    parser.add_argument("--webhook-url", metavar="URL", help="serve a webhook at this public HTTPS URL "
                        "instead of long polling")
    parser.add_argument("--listen", default="0.0.0.0", metavar="ADDR", help="webhook: address to listen on")
    parser.add_argument("--port", type=int, default=8443, help="webhook: port to listen on (default: 8443)")
    parser.add_argument("--secret-token-file", type=Path, metavar="FILE",
                        help="webhook: the secret Telegram sends back (default: $COACH_WEBHOOK_SECRET, "
                        "or a random one)")
    parser.add_argument("--trainer", type=int, action="append", default=[], metavar="USER_ID",
                        help="Telegram user id of a trainer (repeatable; also $COACH_TRAINERS, comma-separated)")
    parser.add_argument("--allow", type=int, action="append", default=[], metavar="USER_ID",
                        help="learner allowed to use the bot (repeatable; also $COACH_ALLOWED); with an "
                        "allow-list, others need an invite code")
    parser.add_argument("--invite-only", action="store_true",
                        help="learners need an invite code (/join CODE) unless they are on the allow-list")
    parser.add_argument("--phrasebooks", type=Path, action="append", default=[], metavar="DIR",
                        help="extra phrasebook folder on top of the shipped ones (repeatable)")
    parser.add_argument("--scenarios", type=Path, action="append", default=[], metavar="DIR",
                        help="extra scenario folder on top of the shipped ones (repeatable)")
    parser.add_argument("--remind-after", type=float, default=0, metavar="MINUTES",
                        help="one reminder after MINUTES of silence in a role-play (default: never)")
    parser.add_argument("--poll-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="long-polling timeout (default: 10)")
    parser.add_argument("--max-rate", type=float, default=30.0, metavar="N",
                        help="messages per second the bot sends overall (default: 30, Telegram's limit; "
                        "0 = no limit, for a local Bot API server)")
    parser.add_argument("--transport", choices=("stream", "httpx"), default="stream",
                        help="HTTP client for the Bot API: the bot's lean one (default) or PTB's httpx "
                        "(used anyway when HTTPS_PROXY/ALL_PROXY is set)")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))


def read_token(args: argparse.Namespace) -> str:
    if args.token_file is not None:
        try:
            token = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CoachError(f"{args.token_file}: cannot read the token file: {exc.strerror or exc}") from None
        if not token:
            raise CoachError(f"{args.token_file}: the token file is empty")
    else:
        token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise CoachError("no bot token: set TELEGRAM_BOT_TOKEN or pass --token-file FILE "
                             "(ask @BotFather for a token)")
    if ":" not in token or not token.split(":", 1)[0].isdigit():
        raise CoachError("the bot token does not look like one from @BotFather (digits, a colon, then letters)")
    return token


def _ids(values: list[int], variable: str) -> frozenset[int]:
    ids = set(values)
    for part in os.environ.get(variable, "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise CoachError(f"{variable}: '{part}' is not a Telegram user id (a number)")
        ids.add(int(part))
    return frozenset(ids)


def build_settings(args: argparse.Namespace, token: str):
    from coach.bot.settings import BotSettings, Webhook
    from coach.config import find_config
    from coach.paths import shipped

    config = find_config()
    db = Path(args.db or os.environ.get("COACH_DB") or DEFAULT_DB)
    data_dir = Path(args.data_dir or os.environ.get("COACH_DATA") or DEFAULT_DATA)
    phrasebooks = (shipped("phrasebooks"), *config.phrasebooks, *args.phrasebooks)
    scenarios = (shipped("scenarios"), *config.scenarios, *args.scenarios)
    for folder in (*phrasebooks, *scenarios):
        if not folder.is_dir():
            raise CoachError(f"{folder}: folder not found")
    webhook = None
    if args.webhook_url:
        url = urlparse(args.webhook_url)
        if url.scheme not in ("https", "http") or not url.netloc:
            raise CoachError(f"--webhook-url must be a full URL such as https://bot.example.com/coach, "
                             f"not '{args.webhook_url}'")
        webhook = Webhook(args.webhook_url, args.listen, args.port, _secret(args), url.path.lstrip("/"))
    return BotSettings(
        token=token, db=db, data_dir=data_dir, phrasebook_dirs=phrasebooks, scenario_dirs=scenarios,
        base_url=args.base_url, webhook=webhook, trainers=_ids(args.trainer, "COACH_TRAINERS"),
        allowed=_ids(args.allow, "COACH_ALLOWED"), invite_only=args.invite_only,
        disabled_rules=config.disable, nudge_after=max(0.0, args.remind_after) * 60,
        poll_timeout=args.poll_timeout, max_rate=max(0.0, args.max_rate), transport=args.transport,
    )


def _secret(args: argparse.Namespace) -> str:
    import secrets

    if args.secret_token_file is not None:
        try:
            secret = args.secret_token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CoachError(f"{args.secret_token_file}: cannot read: {exc.strerror or exc}") from None
    else:
        secret = os.environ.get("COACH_WEBHOOK_SECRET", "").strip() or secrets.token_urlsafe(32)
    if not secret or len(secret) > 256 or not all(c.isalnum() or c in "_-" for c in secret):
        raise CoachError("the webhook secret must be 1–256 characters: letters, digits, _ and -")
    return secret


def run(args: argparse.Namespace) -> int:
    import logging

    token = read_token(args)
    from coach.bot.logs import setup_logging

    redactor = setup_logging(token, getattr(logging, args.log_level))
    settings = build_settings(args, token)
    if settings.webhook is not None:
        redactor.secrets = (*redactor.secrets, settings.webhook.secret)

    from telegram import Update

    from coach.bot.app import build_application
    from coach.bot.service import CoachService
    from coach.store import Store

    log = logging.getLogger("coach.bot")
    store = Store.open(settings.db)
    service = CoachService(settings, store)
    try:
        outcome = service.load_content()
        if not outcome.ok:
            raise CoachError("the phrasebooks or scenarios have problems (fix them or run `coach lint`):",
                             tuple(p for p in outcome.problems if p.severity == "error"))
        if not outcome.rules:
            raise CoachError("no phrasebook rules were found; check the phrasebook folders")
        log.info("loaded %d rules in %s and %d scenarios; database %s (schema v%d)", outcome.rules,
                 ", ".join(outcome.languages), outcome.scenarios, settings.db, store.schema_version)
        application = build_application(service)
        if settings.webhook is not None:
            hook = settings.webhook
            log.info("serving a webhook on %s:%d for %s", hook.listen, hook.port, hook.url)
            application.run_webhook(listen=hook.listen, port=hook.port, url_path=hook.path, webhook_url=hook.url,
                                    secret_token=hook.secret, allowed_updates=Update.ALL_TYPES)
        else:
            log.info("long polling%s", f" against {settings.base_url}" if settings.base_url else "")
            application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=int(settings.poll_timeout),
                                    bootstrap_retries=-1)
    except CoachError:
        raise
    except Exception as exc:
        from telegram.error import InvalidToken, TelegramError

        if isinstance(exc, InvalidToken):
            raise CoachError("Telegram rejected the bot token (InvalidToken); check it with @BotFather") from None
        if isinstance(exc, TelegramError):
            raise CoachError(f"cannot start the bot: {redactor.redact(str(exc))}") from None
        raise
    finally:
        service.shutdown()
    print("coach: bot stopped", file=sys.stderr)
    return 0
