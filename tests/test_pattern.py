"""The pattern compiler's indexing helpers: ways spelled out in backtracking order, and leads."""

from __future__ import annotations

from coach.phrasebook.compiled import analyse_word
from coach.phrasebook.pattern import Lit, compile_pattern, expand_ways, leads


def words(way) -> list[str]:
    return ["|".join(sorted(e.keys)) if isinstance(e, Lit) else type(e).__name__ for e in way]


def test_optional_words_and_alternatives_are_spelled_out_in_the_order_backtracking_tries_them() -> None:
    en = analyse_word("en")
    assert [words(w) for w in expand_ways(compile_pattern("i really? will|can call", en))] == [
        ["i", "really", "can|will", "call"], ["i", "can|will", "call"]]  # taken before skipped
    # "can't" is two tokens and "cannot" three: an alternative of sequences becomes two ways
    assert [words(w) for w in expand_ways(compile_pattern("we can't|cannot help", en))] == [
        ["we", "ca|can", "n't|not", "help"], ["we", "can", "not", "help"]]


def test_a_run_of_the_same_optional_word_counts_instead_of_doubling() -> None:
    elements = compile_pattern("we " + "/\\w+/? " * 8 + "send", analyse_word("en"))
    ways = expand_ways(elements)
    assert [len(w) for w in ways] == [10, 9, 8, 7, 6, 5, 4, 3, 2]  # 9 ways, not 2⁸ = 256


def test_leads_name_the_first_two_words() -> None:
    lead = leads(compile_pattern("i|we will|can call", analyse_word("en")))
    assert ("i", "will") in lead.pairs and ("we", "can") in lead.pairs and not lead.firsts
    assert lead.may_begin(("we",), ("can",)) and not lead.may_begin(("we",), ("should",))
    single = leads(compile_pattern("obviously", analyse_word("en")))
    assert single.firsts == {"obviously"} and single.may_begin(("obviously",), ())
    assert leads(compile_pattern("* promise", analyse_word("en"))).anywhere
