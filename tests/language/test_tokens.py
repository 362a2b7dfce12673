"""The memoized tokens must be exactly the tokens spaCy's own tokenizer makes of the whole text."""

from __future__ import annotations

import pytest
from spacy.attrs import IDX, ORTH

from coach.language.pipeline import _PARAGRAPH_BREAK, _tokens, pipeline
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


def reference(lang: str, text: str) -> list[tuple[int, int]]:
    """spaCy's tokenizer over the whole text, whitespace reduced as _tokens reduces it."""
    nlp = pipeline(lang)
    tokens = []
    for orth, start in nlp.make_doc(text).to_array([ORTH, IDX]).tolist():
        word = nlp.vocab.strings[orth]
        if not word.isspace():
            tokens.append((orth, start))
        elif word.count("\n") >= 2:
            tokens.append((_PARAGRAPH_BREAK, start))
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
