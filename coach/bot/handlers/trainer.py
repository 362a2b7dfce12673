"""What a trainer does: stats with a chart, CSV export, reload, YAML uploads, invite codes."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from coach.bot import render
from coach.bot.handlers.common import Who, anyone, retrying, send, service, trainer
from coach.bot.i18n import text
from coach.bot.service import ReloadOutcome, draw, install_upload, reload_content
from coach.bot.uploads import UploadError, classify

log = logging.getLogger("coach.bot")

TRAINER_INVITE_USES, LEARNER_INVITE_USES = 1, 50
INVITE_TTL = 7 * 24 * 3600.0
MAX_DOWNLOAD = 1024 * 1024


def _titles(context: ContextTypes.DEFAULT_TYPE, lang: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    for (scenario_id, scenario_lang), scenario in service(context).scenarios.scenarios.items():
        if scenario_id not in titles or scenario_lang == lang:
            titles[scenario_id] = scenario.title
    return titles


@trainer
async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    svc = service(context)
    stats = await svc.call(svc.store.stats)
    titles = _titles(context, who.lang)
    await send(update, context, render.stats_text(who.lang, stats, titles))
    rates = [(titles.get(s.scenario, s.scenario), s.scenario, s.passed / s.finished)
             for s in stats.scenarios if s.finished]
    if stats.categories or rates:
        labels = {c: render.category_name(who.lang, c) for c, _ in stats.categories}
        texts = {key: (text(who.lang, f"chart.{key}"), text("en", f"chart.{key}"))
                 for key in ("categories", "pass_rate")}
        png = await asyncio.to_thread(draw, "stats_chart", stats.categories, labels, rates, texts)
        chat = update.effective_chat
        await retrying(lambda: context.bot.send_photo(chat.id, InputFile(png, filename="stats.png"),
                                                      caption=text(who.lang, "stats.chart")), "sendPhoto")


@trainer
async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    svc = service(context)
    attempts = await svc.call(svc.store.export_attempts_csv)
    findings = await svc.call(svc.store.export_findings_csv)
    stamp = time.strftime("%Y%m%d-%H%M", time.gmtime())
    chat = update.effective_chat
    await retrying(lambda: context.bot.send_document(
        chat.id, InputFile(attempts, filename=f"attempts-{stamp}.csv"), caption=text(who.lang, "export.attempts")),
        "sendDocument")
    await retrying(lambda: context.bot.send_document(
        chat.id, InputFile(findings, filename=f"findings-{stamp}.csv"), caption=text(who.lang, "export.findings")),
        "sendDocument")


def outcome_text(lang: str, outcome: ReloadOutcome) -> str:
    errors = outcome.errors
    warnings = [p for p in outcome.problems if p.severity != "error"]
    if outcome.applied and outcome.load is not None:
        lines = [text(lang, "reload.done", rules=outcome.load.rules, languages=len(outcome.load.languages),
                      scenarios=outcome.load.scenarios)]
    else:
        lines = [text(lang, "reload.failed", errors=len(errors))]
        lines.append(render.problems_text(errors))
    if warnings:
        lines.append("")
        lines.append(text(lang, "reload.warnings", count=len(warnings)))
        lines.append(render.problems_text(warnings, limit=10))
    return "\n".join(lines)


@trainer
async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    await send(update, context, text(who.lang, "reload.started"))
    outcome = await reload_content(service(context))
    await _send_long(update, context, outcome_text(who.lang, outcome))


async def _send_long(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str) -> None:
    for part in render.split_message(message):
        await send(update, context, part)


@anyone
async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    """A trainer's YAML file is validated and installed; anyone else hears that only text is read."""
    message = update.effective_message
    document = message.document if message is not None else None
    if document is None or not who.trainer:
        await send(update, context, text(who.lang, "unsupported.media"))
        return
    name = document.file_name or "upload.yaml"
    if document.file_size and document.file_size > MAX_DOWNLOAD:
        await send(update, context, text(who.lang, "upload.too_big", limit=MAX_DOWNLOAD // 1024))
        return
    file = await retrying(document.get_file, "getFile")
    data = bytes(await retrying(file.download_as_bytearray, "download"))
    try:
        upload = classify(name, data)
    except UploadError as exc:
        await send(update, context, text(who.lang, exc.key, **{k: render.e(v) for k, v in exc.values.items()}))
        return
    await send(update, context, text(who.lang, "upload.checking", name=render.e(name)))
    outcome = await install_upload(service(context), upload)
    if outcome.applied:
        lines = [text(who.lang, "upload.installed", name=render.e(name), kind=text(who.lang, f"kind.{upload.kind}"),
                      lang=upload.lang)]
        warnings = [p for p in outcome.problems if p.severity != "error"]
        if warnings:
            lines.append(text(who.lang, "reload.warnings", count=len(warnings)))
            lines.append(render.problems_text(warnings, limit=10))
        await _send_long(update, context, "\n".join(lines))
    else:
        errors = outcome.errors
        await _send_long(update, context, text(who.lang, "upload.rejected", name=render.e(name), errors=len(errors))
                         + "\n" + render.problems_text(errors))


@trainer
async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    args = [a.lower() for a in (context.args or [])]
    role = "learner" if args and args[0] in ("learner", "learners", "l") else "trainer"
    uses = LEARNER_INVITE_USES if role == "learner" else TRAINER_INVITE_USES
    svc = service(context)
    code = await svc.call(svc.store.create_invite, role, who.id, uses, INVITE_TTL)
    await send(update, context, text(who.lang, f"invite.{role}", code=code, uses=uses, days=int(INVITE_TTL // 86400)))


@anyone
async def join_command(update: Update, context: ContextTypes.DEFAULT_TYPE, who: Who) -> None:
    args = context.args or []
    if not args:
        await send(update, context, text(who.lang, "join.usage"))
        return
    svc = service(context)
    role = await svc.call(svc.store.redeem_invite, args[0], who.id)
    if role is None:
        await send(update, context, text(who.lang, "join.bad"))
        return
    await send(update, context, text(who.lang, f"join.{role}"))
    if role == "trainer":
        from coach.bot.app import set_trainer_commands

        await set_trainer_commands(context.bot, [who.id])
