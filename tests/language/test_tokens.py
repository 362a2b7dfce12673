"""The memoized tokens must be exactly the tokens spaCy's own tokenizer makes of the whole text."""

from __future__ import annotations

import pytest

from coach.language.pipeline import _tokens, pipeline
from coach.paths import shipped
from coach.phrasebook.loader import load_phrasebooks

LATIN_AND_HINDI = ("en", "id", "da", "tr", "hi")
TRICKY = [
    "I'll call you at 3 p.m. — don't worry, it's done!",
    "We'll see.\n\nBest regards,\n-- \nAnna",
    "  leading spaces,\ttabs\u00a0and no-break spaces\r\n\r\nand CRLF paragraphs",
    "Vi ringer inden kl. 15. Du får besked i morgen.",
    "Dr. med Budi dan Dr. rer. nat. Sari akan menelepon Bapak.",
    "Siparişiniz (no. 4821) yarın'a kadar gelir mi?",
    "आपका ऑर्डर कल तक पहुँच जाएगा। धन्यवाद!",
    "e-mail: help@example.com, https://example.com/orders?id=7",
]


def reference(lang: str, text: str) -> list[tuple[str | None, int]]:
    """spaCy's tokenizer over the whole text, whitespace reduced as _tokens reduces it."""
    tokens: list[tuple[str | None, int]] = []
    for token in pipeline(lang).make_doc(text):
        if not token.text.isspace():
            tokens.append((token.text, token.idx))
        elif token.text.count("\n") >= 2:
            tokens.append((None, token.idx))
    return tokens


@pytest.fixture(scope="module")
def examples() -> dict[str, list[str]]:
    library = load_phrasebooks([shipped("phrasebooks")], list(LATIN_AND_HINDI))
    return {lang: [text for rule in book.rules for text in (*rule.flag_examples, *rule.pass_examples)]
            for lang, book in library.books.items()}


@pytest.mark.parametrize("lang", LATIN_AND_HINDI)
def test_memoized_tokens_are_spacys(lang: str, examples: dict[str, list[str]]) -> None:
    texts = TRICKY + examples[lang]
    assert len(texts) > 100
    for _ in range(2):  # the second time every chunk comes from the memo
        for text in texts:
            assert list(_tokens(pipeline(lang), lang, text)) == reference(lang, text), text


@pytest.mark.parametrize(("lang", "text"), [("en", "Your order zq81kx7 ships today."),
                                            ("ko", "고객님, 주문 번호 zq81kx7 확인했습니다.")])
def test_words_never_seen_before_leave_nothing_in_spacys_vocabulary(lang: str, text: str) -> None:
    """A bot runs for months on an open vocabulary (order numbers, names, typos): spaCy must not keep
    a string for every one of them."""
    from coach.language.pipeline import analyse

    strings = pipeline(lang).vocab.strings
    analysis = analyse(text, lang)
    assert "zq81kx7" in text[analysis.starts[0]:]  # it was read (Kiwi cuts it into letters and digits)
    assert len(analysis) > 4
    assert "zq81kx7" not in strings


def test_a_full_memo_is_cleared_without_losing_the_text_at_hand(monkeypatch) -> None:
    """When the memo fills up in the middle of a text, the chunks of that text it already held go with
    the rest and must be tokenized again, not looked up."""
    import coach.language.pipeline as module

    monkeypatch.setattr(module, "MAX_CACHED_CHUNKS", 4)
    monkeypatch.setitem(module._CHUNK_TOKENS, "en", {})
    nlp = pipeline("en")
    list(_tokens(nlp, "en", "Hi, we"))  # two chunks memoized
    text = "Hi, we will call you tomorrow."  # five new chunks: over the bound
    assert list(_tokens(nlp, "en", text)) == reference("en", text)
    assert len(module._CHUNK_TOKENS["en"]) == 6
