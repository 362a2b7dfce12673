"""The checker on a small, fixed phrasebook: matching, context, spans, emails."""

from __future__ import annotations

import subprocess
import sys

from coach.checker import Checker


def rules(checker: Checker, text: str) -> list[str]:
    return [f.rule for f in checker.check(text, "en").findings]


def test_inflections_and_spans(basic_checker: Checker) -> None:
    text = "Hi Tom,\nwe promised you it would come. I PROMISE."
    report = basic_checker.check(text, "en")
    assert [(f.matched, f.line, f.column) for f in report.findings] == [("we promised", 2, 1), ("I PROMISE", 2, 32)]
    for f in report.findings:
        assert text[f.start : f.end] == f.matched


def test_negation_and_hedges_are_not_risks(basic_checker: Checker) -> None:
    assert rules(basic_checker, "I can't promise an exact time, but I'll call you by 3 pm.") == []
    assert rules(basic_checker, "I won't promise anything I can't keep.") == []
    assert rules(basic_checker, "We usually guarantee next-day delivery.") == []
    assert rules(basic_checker, "We guarantee next-day delivery.") == ["overpromise.promise"]


def test_typos_are_tolerated_without_touching_real_words(basic_checker: Checker) -> None:
    report = basic_checker.check("I promiss it will arrive. That's not my jobb.", "en")
    assert [(f.rule, f.typo) for f in report.findings] == [
        ("overpromise.promise", True), ("not_my_job.not-my-job", True)]
    # "jog" and "joy" are real words: not typos of "job".
    assert rules(basic_checker, "It's not my joy to say so.") == []


def test_exceptions_and_alternatives(basic_checker: Checker) -> None:
    assert rules(basic_checker, "No problem, I'll fix it.") == []
    assert rules(basic_checker, "No, we can't.") == ["categorical_refusal.no"]
    assert rules(basic_checker, "No, we can't. Instead, I can offer a voucher.") == []


def test_warm_hand_off_is_not_not_my_job(basic_checker: Checker) -> None:
    assert rules(basic_checker, "That's not my department.") == ["not_my_job.not-my-job"]
    assert rules(basic_checker, "That's not my department, but Ana will call you today.") == []


def test_quoted_lines_reply_headers_and_signatures_are_skipped(basic_checker: Checker) -> None:
    text = (
        "Hello,\nI'm sorry for the wait.\n\n"
        "> Calm down? You promised!\n"
        "-- \nObviously yours,\nTom\n"
    )
    assert rules(basic_checker, text) == []
    thread = "Thanks for waiting.\n\nOn Mon, 3 May 2026, Ana <ana@example.com> wrote:\nCalm down.\n"
    assert rules(basic_checker, thread) == []


def test_moves_are_reported_with_spans(basic_checker: Checker) -> None:
    text = "We apologise. I can offer a voucher."
    report = basic_checker.check(text, "en")
    assert report.moves_shown == {"apology", "offer_alternative"}
    for move in report.moves:
        assert text[move.start : move.end] == move.matched
    assert "apology" not in basic_checker.check("I'm not sorry.", "en").moves_shown


def test_decomposed_unicode_keeps_spans_in_the_original_text(basic_checker: Checker) -> None:
    text = "Cafe\u0301 owner: obviously it is broken. Calm down."
    report = basic_checker.check(text, "en")
    assert [f.matched for f in report.findings] == ["obviously", "Calm down"]
    for f in report.findings:
        assert text[f.start : f.end] == f.matched


def test_long_texts_are_checked_in_pieces(basic_checker: Checker) -> None:
    text = "All fine here.\n\n" * 20_000 + "Please calm down.\n" + "Still fine. " * 10_000 + "\nI promise."
    report = basic_checker.check(text, "en")
    assert [f.rule for f in report.findings] == ["dismissive.calm-down", "overpromise.promise"]
    for f in report.findings:
        assert text[f.start : f.end] == f.matched
        assert text.count("\n", 0, f.start) + 1 == f.line


def test_a_long_text_on_one_line_is_cut_between_sentences(basic_checker: Checker) -> None:
    text = "I promise it ships today. " * 4_000  # 104,000 characters, no line end: cut at sentence ends
    report = basic_checker.check(text, "en")
    assert len(report.findings) == 4_000
    assert all(text[f.start : f.end] == "I promise" and f.column == f.start + 1 for f in report.findings)


def test_disabled_rules_are_not_reported(basic_checker: Checker) -> None:
    checker = Checker(basic_checker.library, disabled=frozenset({"dismissive.calm-down"}))
    assert [f.rule for f in checker.check("Calm down, obviously.", "en").findings] == ["dismissive.obviously"]


def test_other_languages_are_detected_and_refused(basic_checker: Checker) -> None:
    report = basic_checker.check("Merci beaucoup pour votre patience, nous revenons vers vous demain.")
    assert report.lang is None and report.detection is not None and report.detection.other == "fr"
    assert basic_checker.check("Please calm down, I promise it is fine.").lang == "en"


def test_checking_many_texts_gives_the_reports_of_checking_each(shipped_checker: Checker) -> None:
    texts = [
        "고객님, 내일까지 꼭 보내 드린다고 약속드립니다.",
        "I promise it will arrive tomorrow. Calm down, please.",
        "Bonjour, je vous écris au sujet de ma commande de la semaine dernière.",
        "죄송합니다, 고객님. 그건 제 담당이 아닙니다.",
        "Sorry, that's not my job. " * 3000,  # longer than one chunk: checked piece by piece
        "",
    ]
    one_by_one = [shipped_checker.check(text) for text in texts]
    assert list(shipped_checker.check_many(texts)) == one_by_one
    assert [r.lang for r in one_by_one][:5] == ["ko", "en", None, "ko", "en"]
    assert one_by_one[0].findings and one_by_one[3].findings and len(one_by_one[4].findings) >= 3000
    korean = [text for text in texts if text.startswith(("고객님", "죄송"))] * 20
    assert list(shipped_checker.check_many(korean, "ko")) == [shipped_checker.check(t, "ko") for t in korean]


def test_forked_workers_check_korean_after_the_parent_used_kiwis_threads() -> None:
    # A forked child inherits Kiwi without its worker threads; batching there would wait forever.
    code = (
        "from coach.batch import check_documents\nfrom coach.checker import Checker\n"
        "from coach.paths import shipped\nfrom types import SimpleNamespace\n"
        "texts = ['고객님, 내일까지 꼭 보내 드린다고 약속드립니다.', '그건 제 담당이 아닙니다.'] * 100\n"
        "checker = Checker.from_paths([shipped('phrasebooks')], langs=['ko'])\n"
        "parent = list(checker.check_many(texts, 'ko'))\n"
        "children = check_documents([SimpleNamespace(text=t) for t in texts], [shipped('phrasebooks')], (), 'ko', 2)\n"
        "assert [r.findings for r in children] == [r.findings for r in parent]\n"
        "print(len(children))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "200"
