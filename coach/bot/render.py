"""Turning core values into Telegram messages: HTML text and inline keyboards, in the user's language.

Pure functions, no I/O: every function takes the language and the values to show and returns text
(Telegram HTML, every dynamic part escaped) or a keyboard. Tags never span lines, so a long message
can be split at any line break.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from coach.bot.i18n import FLAGS, NATIVE_NAMES, text
from coach.checker import Finding, MoveHit, Report
from coach.language import LANGUAGES

LIMIT = 4096  # Telegram's limit for one message
SNIPPET = 40  # characters of context on each side of a flagged phrase
MAX_FINDINGS = 8  # findings listed in one card; the rest are counted
SEVERITY_ICON = {"error": "🔴", "warning": "🟠", "suggestion": "🔵"}
MOOD_FACES = ((20, "😌"), (40, "🙂"), (60, "😐"), (80, "😠"), (101, "😡"))


def e(value: object) -> str:
    return escape(str(value), quote=False)


def category_name(lang: str, category: str) -> str:
    try:
        return text(lang, f"category.{category}")
    except KeyError:
        return category.replace("_", " ")


def move_name(lang: str, move: str) -> str:
    try:
        return text(lang, f"move.{move}")
    except KeyError:
        return move.replace("_", " ")


def difficulty_name(lang: str, difficulty: str) -> str:
    try:
        return text(lang, f"difficulty.{difficulty}")
    except KeyError:
        return difficulty


# -- pieces -----------------------------------------------------------------------------------------


def snippet(source: str, start: int, end: int, width: int = SNIPPET) -> str:
    """The flagged words marked in their context: “…so <b><u>I promise</u></b> it will…”."""
    left = max(0, start - width)
    right = min(len(source), end + width)
    if left > 0:
        space = source.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(source):
        space = source.rfind(" ", end, right)
        right = space if space != -1 else right
    before = " ".join(source[left:start].split())
    after = " ".join(source[end:right].split())
    marked = " ".join(source[start:end].split())
    gap_before = " " if before and source[start - 1].isspace() else ""
    gap_after = " " if after and end < len(source) and source[end].isspace() else ""
    return ("…" if left > 0 else "") + e(before) + gap_before + f"<b><u>{e(marked)}</u></b>" + gap_after \
        + e(after) + ("…" if right < len(source) else "")


def finding_lines(lang: str, number: int, finding: Finding, source: str) -> list[str]:
    icon = SEVERITY_ICON.get(finding.severity, "•")
    lines = [f"{icon} {number}. “{snippet(source, finding.start, finding.end)}”",
             f"<i>{e(category_name(lang, finding.category))}</i> — {e(finding.message)}"]
    if finding.rewrites:
        lines.append(text(lang, "card.try", rewrite=e(finding.rewrites[0].text)))
    return lines


def findings_block(lang: str, findings: Sequence[Finding], source: str) -> list[str]:
    lines: list[str] = []
    for number, finding in enumerate(findings[:MAX_FINDINGS], start=1):
        if lines:
            lines.append("")
        lines.extend(finding_lines(lang, number, finding, source))
    if len(findings) > MAX_FINDINGS:
        lines.append("")
        lines.append(text(lang, "card.more", count=len(findings) - MAX_FINDINGS))
    return lines


def mood_meter(lang: str, mood: int) -> str:
    """A small meter: face, five blocks, and a word (0 calm … 100 furious)."""
    mood = max(0, min(100, int(mood)))
    face = next(f for limit, f in MOOD_FACES if mood < limit)
    filled = min(5, (mood + 19) // 20)
    level = min(4, mood // 20)
    return f"{face} {'▰' * filled}{'▱' * (5 - filled)} {e(text(lang, f'mood.level{level}'))}"


def split_message(message: str, limit: int = LIMIT) -> list[str]:
    """Split at line breaks into parts Telegram accepts (a single over-long line is cut hard)."""
    parts: list[str] = []
    current = ""
    for line in message.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts or [message[:limit]]


def joined(first: str, second: str, limit: int = LIMIT) -> list[str]:
    """Two cards in one message when they fit, else each in its own (never cut inside a card that fits)."""
    if not first:
        return split_message(second, limit)
    together = split_message(f"{first}\n\n{second}", limit)
    return together if len(together) == 1 else split_message(first, limit) + split_message(second, limit)


def copyable(block: str, limit: int = LIMIT - 64) -> list[str]:
    """Text in <pre> blocks (tap to copy in Telegram), split so each escaped block fits a message."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in block.splitlines(keepends=True):
        cost = len(e(line))
        if current and size + cost > limit:
            pieces.append("".join(current))
            current, size = [], 0
        if cost <= limit:
            current.append(line)
            size += cost
            continue
        for char in line:  # one line longer than a message: cut it by characters
            char_cost = len(e(char))
            if size + char_cost > limit:
                pieces.append("".join(current))
                current, size = [], 0
            current.append(char)
            size += char_cost
    if current:
        pieces.append("".join(current))
    return [f"<pre>{e(p.rstrip())}</pre>" for p in pieces if p.strip()]


# -- keyboards --------------------------------------------------------------------------------------


def menu_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(text(lang, "menu.scenarios"), callback_data="m:scen"),
         InlineKeyboardButton(text(lang, "menu.check"), callback_data="m:check")],
        [InlineKeyboardButton(text(lang, "menu.progress"), callback_data="m:prog"),
         InlineKeyboardButton(text(lang, "menu.lang"), callback_data="m:lang")],
        [InlineKeyboardButton(text(lang, "menu.help"), callback_data="m:help")],
    ])


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    rows, row = [], []
    for lang in LANGUAGES:
        mark = " ✓" if lang == current else ""
        row.append(InlineKeyboardButton(f"{FLAGS[lang]} {NATIVE_NAMES[lang]}{mark}", callback_data=f"lang:{lang}"))
        if len(row) == 2:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def scenario_token(scenario_id: str, lang: str) -> str:
    """callback_data for a scenario: readable when it fits Telegram's 64 bytes, else a short hash."""
    data = f"sc:{lang}:{scenario_id}"
    if len(data.encode()) <= 64:
        return data
    return "sc#" + hashlib.sha1(f"{lang}:{scenario_id}".encode()).hexdigest()[:16]


def scenario_keyboard(lang: str, scenarios: Iterable, best: dict[str, int]) -> InlineKeyboardMarkup:
    """One button per scenario: title · difficulty · best score so far."""
    rows = []
    for scenario in scenarios:
        score = best.get(scenario.id)
        best_text = text(lang, "scenarios.best", score=score) if score is not None else text(lang, "scenarios.new")
        label = f"{scenario.title} · {difficulty_name(lang, scenario.difficulty)} · {best_text}"
        if scenario.lang != lang:
            label = f"{FLAGS.get(scenario.lang, scenario.lang)} {label}"
        rows.append([InlineKeyboardButton(label[:120], callback_data=scenario_token(scenario.id, scenario.lang))])
    return InlineKeyboardMarkup(rows)


def roleplay_keyboard(lang: str, attempt: int, turns: int, can_retry: bool = True) -> InlineKeyboardMarkup:
    buttons = []
    if can_retry:
        buttons.append(InlineKeyboardButton(text(lang, "button.retry"), callback_data=f"rp:r:{attempt}:{turns}"))
    buttons.append(InlineKeyboardButton(text(lang, "button.hint"), callback_data=f"rp:h:{attempt}:{turns}"))
    buttons.append(InlineKeyboardButton(text(lang, "button.end"), callback_data=f"rp:e:{attempt}:{turns}"))
    return InlineKeyboardMarkup([buttons])


def final_keyboard(lang: str, scenario_id: str, scenario_lang: str) -> InlineKeyboardMarkup:
    token = scenario_token(scenario_id, scenario_lang)
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(text(lang, "button.again"), callback_data=token),
        InlineKeyboardButton(text(lang, "button.next"), callback_data="nx" + token[2:]),  # sc:… → nx:…
    ]])


# -- drafts -----------------------------------------------------------------------------------------


def draft_messages(lang: str, source: str, report: Report, rewritten: str | None) -> list[str]:
    """The answer to a draft: what was found (or that it is fine) and a version ready to copy."""
    if not report.findings:
        return [text(lang, "draft.clean")]
    lines = [text(lang, "draft.header", count=len(report.findings)), ""]
    lines.extend(findings_block(lang, report.findings, source))
    messages = split_message("\n".join(lines))
    if rewritten and rewritten.strip() != source.strip():
        blocks = copyable(rewritten)
        intro = text(lang, "draft.rewritten")
        if len(messages[-1]) + len(intro) + len(blocks[0]) + 4 <= LIMIT:
            messages[-1] = f"{messages[-1]}\n\n{intro}\n{blocks[0]}"
        else:
            messages.append(f"{intro}\n{blocks[0]}")
        messages.extend(blocks[1:])
    return messages


# -- role-play --------------------------------------------------------------------------------------


def brief_message(lang: str, scenario) -> str:
    brief = scenario.brief
    lines = [f"🎭 <b>{e(scenario.title)}</b> · {e(difficulty_name(lang, scenario.difficulty))}", "",
             e(brief.situation)]
    if brief.facts:
        lines.append("")
        lines.extend(f"• {e(fact)}" for fact in brief.facts)
    lines.append("")
    lines.append(text(lang, "roleplay.goal", goal=e(brief.goal)))
    lines.append(text(lang, "roleplay.pass", score=scenario.pass_score))
    lines.append("")
    lines.append(text(lang, "roleplay.customer_is", name=e(scenario.persona.name), about=e(scenario.persona.about)))
    lines.append(text(lang, "roleplay.how"))
    return "\n".join(lines)


def customer_line(name: str, line: str) -> str:
    return f"🗣 <b>{e(name)}</b>: {e(line)}"


def moves_lines(lang: str, checklist: Sequence, moves: Sequence[MoveHit], missed: Sequence[str]) -> list[str]:
    """✓ the checklist moves shown so far (this reply's in bold), ○ those still missing."""
    shown_now = {m.move for m in moves}
    lines = []
    if checklist:
        done = [f"<b>{e(move_name(lang, c.move))}</b>" if c.move in shown_now else e(move_name(lang, c.move))
                for c in checklist if c.done]
        todo = [e(move_name(lang, c.move)) for c in checklist if not c.done]
        if done:
            lines.append(text(lang, "card.shown", moves=", ".join(done)))
        if todo:
            lines.append(text(lang, "card.missing", moves=", ".join(todo)))
    else:
        if shown_now:
            lines.append(text(lang, "card.shown", moves=", ".join(e(move_name(lang, m)) for m in sorted(shown_now))))
    if missed:
        lines.append(text(lang, "card.expected", moves=", ".join(e(move_name(lang, m)) for m in missed)))
    return lines


def feedback_card(lang: str, reply: str, findings: Sequence[Finding], moves: Sequence[MoveHit],
                  checklist: Sequence, missed: Sequence[str], mood: int, persona: str, next_line: str | None) -> str:
    """ONE card per reply: findings, moves, mood, then the customer's next line. The reply that ends a
    role-play gets the final card in the same message (see the learner handler)."""
    if findings:
        lines = [text(lang, "card.flagged", count=len(findings)), ""]
        lines.extend(findings_block(lang, findings, reply))
    else:
        lines = [text(lang, "card.clean")]
    lines.append("")
    lines.extend(moves_lines(lang, checklist, moves, missed))
    lines.append(text(lang, "card.mood", meter=mood_meter(lang, mood)))
    if next_line:
        lines.append("")
        lines.append(customer_line(persona, next_line))
    return "\n".join(lines)


def final_card(lang: str, report, title: str) -> str:
    verdict = text(lang, "final.passed") if report.passed else text(lang, "final.failed")
    lines = [text(lang, "final.title", title=e(title), score=report.score, verdict=verdict,
                  pass_score=report.pass_score)]
    if report.outcome == "gave_up":
        lines.append(text(lang, "final.gave_up"))
    elif report.ending is not None:
        lines.append(f"<i>{e(report.ending.title)}</i>")
    well = _went_well(lang, report)
    lines.append("")
    lines.append(text(lang, "final.well"))
    if well:
        lines.extend(f"• {item}" for item in well)
    else:
        lines.append(f"• {text(lang, 'final.well_none')}")
    if report.rewrites:
        lines.append("")
        lines.append(text(lang, "final.rewrites"))
        for number, s in enumerate(report.rewrites, start=1):
            lines.append(f"{number}. “{e(s.matched)}” → “{e(s.rewrite)}”")
    if report.missed:
        lines.append("")
        lines.append(text(lang, "final.models"))
        for turn in report.missed[:4]:
            lines.append(text(lang, "final.customer", line=e(turn.prompt)))
            lines.append(text(lang, "final.you", line=e(turn.reply)))
            lines.append(text(lang, "final.model", line=e(turn.model_answer)))
            lines.append("")
        if len(report.missed) > 4:
            lines.append(text(lang, "card.more", count=len(report.missed) - 4))
    return "\n".join(lines).rstrip()


def _went_well(lang: str, report) -> list[str]:
    items = []
    done = [c for c in report.checklist if c.done]
    if done:
        items.append(text(lang, "final.moves_done", moves=", ".join(e(move_name(lang, c.move)) for c in done)))
    flagged_turns = {p.turn for p in report.penalties}
    clean = report.turns - len(flagged_turns)
    if report.turns and clean:
        items.append(text(lang, "final.clean_turns", clean=clean, turns=report.turns))
    if report.mood_end < report.mood_start:
        items.append(text(lang, "final.calmer", start=report.mood_start, end=report.mood_end))
    if report.outcome == "good":
        items.append(text(lang, "final.good_ending"))
    return items


# -- progress and stats -------------------------------------------------------------------------


def progress_text(lang: str, progress, titles: dict[str, str]) -> str:
    lines = [text(lang, "progress.title"), ""]
    if not progress.scenarios:
        lines.append(text(lang, "progress.none"))
    for p in progress.scenarios:
        best = "—" if p.best is None else str(p.best)
        last = "—" if p.last is None else str(p.last)
        mark = " ✅" if p.passed else ""
        lines.append(text(lang, "progress.row", title=e(titles.get(p.scenario, p.scenario)), attempts=p.attempts,
                          best=best, last=last) + mark)
    if progress.categories:
        lines.append("")
        lines.append(text(lang, "progress.trips"))
        lines.extend(f"• {e(category_name(lang, c))}: {n}" for c, n in progress.categories)
    lines.append("")
    lines.append(text(lang, "progress.drafts", count=progress.drafts))
    return "\n".join(lines)


def stats_text(lang: str, stats, titles: dict[str, str]) -> str:
    lines = [text(lang, "stats.title"), text(lang, "stats.totals", learners=stats.learners,
                                             attempts=stats.attempts, drafts=stats.drafts)]
    if stats.categories:
        lines.append("")
        lines.append(text(lang, "stats.categories"))
        lines.extend(f"• {e(category_name(lang, c))}: {n}" for c, n in stats.categories)
    if stats.rules:
        lines.append("")
        lines.append(text(lang, "stats.rules"))
        lines.extend(f"• <code>{e(r)}</code>: {n}" for r, n in stats.rules)
    if stats.scenarios:
        lines.append("")
        lines.append(text(lang, "stats.scenarios"))
        for s in stats.scenarios:
            rate = f"{100 * s.passed / s.finished:.0f}%" if s.finished else "—"
            line = text(lang, "stats.scenario_row", title=e(titles.get(s.scenario, s.scenario)), rate=rate,
                        passed=s.passed, finished=s.finished, attempts=s.attempts)
            lines.append(line)
            if s.hardest_node:
                lines.append("   " + text(lang, "stats.hardest", node=e(s.hardest_node),
                                          rate=f"{100 * s.hardest_rate:.0f}%"))
    if not (stats.categories or stats.scenarios):
        lines.append("")
        lines.append(text(lang, "stats.empty"))
    return "\n".join(lines)


def problems_text(problems: Sequence, limit: int = 25) -> str:
    shown = [f"• <code>{e(p)}</code>" for p in problems[:limit]]
    if len(problems) > limit:
        shown.append(f"… +{len(problems) - limit}")
    return "\n".join(shown)
