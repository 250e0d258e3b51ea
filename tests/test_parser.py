"""The deck parser: every card form, context, front matter, code/`---` rules, errors, identity."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from helpers import deck_text
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.decks.builder import check_duplicates
from srs.decks.discover import DeckFile
from srs.decks.markdown import parse_file, parse_text
from srs.errors import DeckError
from srs.model import CardKind, Note, NoteKind, ParsedDeck

DATA = Path(__file__).parent / "data" / "decks"


def parse(text: str, path: str = "deck.md", deck: str = "deck") -> ParsedDeck:
    return parse_text(text, display=path, default_deck=deck)


def notes(text: str) -> list[Note]:
    return list(parse(text).notes)


def one(text: str) -> Note:
    found = notes(text)
    assert len(found) == 1, found
    return found[0]


def errors(text: str, path: str = "deck.md") -> list[str]:
    with pytest.raises(DeckError) as info:
        parse(text, path)
    return [str(p) for p in info.value.problems]


# -- card forms -------------------------------------------------------------------------


def test_heading_card_keeps_the_markdown_body() -> None:
    text = (
        "## What is a shard?\n"
        "\n"
        "A unit of capacity:\n"
        "\n"
        "| a | b |\n"
        "|---|---|\n"
        "| 1 | 2 |\n"
        "\n"
        "### Details\n"
        "```python\n"
        "Q: not a marker\n"
        "```\n"
    )
    note = one(text)
    assert note.kind == NoteKind.BASIC
    assert note.front == "What is a shard?"
    assert note.back == text.split("\n", 2)[2].rstrip("\n")
    assert note.line == 1
    assert [c.kind for c in note.cards] == [CardKind.BASIC]
    assert note.cards[0].id == note.id
    assert (note.cards[0].front, note.cards[0].back) == (note.front, note.back)


def test_heading_card_ends_at_next_level_two_heading_or_rule() -> None:
    found = notes("## One\nfirst\n## Two\nsecond\n---\n## Three\nthird\n# Title\n")
    assert [(n.front, n.back) for n in found] == [
        ("One", "first"),
        ("Two", "second"),
        ("Three", "third"),
    ]


def test_h1_is_a_title_never_a_card() -> None:
    with pytest.raises(DeckError):
        parse("# Only a title\n\nSome prose.\n")
    note = one("# Title\n\nQ: q\nA: a\n")
    assert note.context == ("Title",)


def test_heading_with_empty_body_or_markers_is_a_section() -> None:
    found = notes(
        "# Deck\n## Empty section\n## Section\nQ: q1\nA: a1\n"
        "### Sub\nx :: y\n## Later\nQ: q2\nA: a2\n"
    )
    assert [(n.front, n.context) for n in found] == [
        ("q1", ("Deck", "Section")),
        ("x", ("Deck", "Section", "Sub")),
        ("q2", ("Deck", "Later")),
    ]


def test_not_a_card_comment_makes_a_heading_a_section() -> None:
    parsed = parse("## Intro\n<!-- not-a-card -->\nJust prose.\n\nQ: q\nA: a\n")
    assert [n.front for n in parsed.notes] == ["q"]
    assert parsed.warnings == ("deck.md:3: text outside any card is ignored",)


def test_heading_card_context_is_the_title_only() -> None:
    found = notes("# T\n## S\nQ: q\nA: a\n## Card\nbody\n")
    assert [n.context for n in found] == [("T", "S"), ("T",)]


def test_qa_sides_are_multiline_and_answer_may_start_on_next_line() -> None:
    note = one("Q: first line\nsecond line\n\nthird\nA:\nanswer one\n\n- two\n")
    assert note.front == "first line\nsecond line\n\nthird"
    assert note.back == "answer one\n\n- two"
    note = one("Q: q\nA: same line\nmore\n")
    assert note.back == "same line\nmore"


def test_qa_ends_at_next_marker() -> None:
    found = notes("Q: a\nA: b\nQ: c\nA: d\nC: {{c1::e}}\nf :: g\nQ: h\nA: i\n---\nstray\n")
    assert [n.front for n in found] == ["a", "c", "{{c1::e}}", "f", "h"]
    assert found[0].back == "b"


def test_one_liners_basic_and_both_ways() -> None:
    basic, both = notes("front :: back\nterm ::: meaning\n")
    assert (basic.kind, basic.front, basic.back) == (NoteKind.BASIC, "front", "back")
    assert both.kind == NoteKind.BOTH
    forward, reverse = both.cards
    assert (forward.kind, forward.front, forward.back) == (CardKind.BASIC, "term", "meaning")
    assert (reverse.kind, reverse.front, reverse.back) == (CardKind.REVERSED, "meaning", "term")
    assert (forward.ordinal, reverse.ordinal) == (0, 1)
    assert forward.id == both.id
    assert reverse.id == f"{both.id}:rev"


@pytest.mark.parametrize(
    "line",
    [
        "std::vector is a container",
        "IPv6 loopback is ::1",
        "Anki deck A::B",
        "no space::here",
        "four :::: colons",
        "use `a :: b` in code",
        "see [link](http://x.y/a :: b)",
        "{{x :: y}} braces",
        "trailing ::",
        "   indented :: line",
        "| table :: cell |",
    ],
)
def test_not_one_liners(line: str) -> None:
    parsed = parse(f"{line}\n\nQ: q\nA: a\n")
    assert [n.front for n in parsed.notes] == ["q"]
    assert parsed.warnings == ("deck.md:1: text outside any card is ignored",)


def test_one_liner_separator_is_the_first_outside_code() -> None:
    note = one("`a :: b` means x :: y :: z\n")
    assert (note.front, note.back) == ("`a :: b` means x", "y :: z")
    note = one("- bullet item :: answer\n")
    assert note.front == "bullet item"


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "b c", " ", "\t", ":", "::", ":::", "::::", "- ", "<!-- x -->", "|"]),
        max_size=12,
    ).map("".join)
)
def test_one_liner_regex_path_splits_as_the_walk(line: str) -> None:
    """A line without inline code, `{{` or `](` is split by one regex search; it must find
    the separator (or none) where the walk over the line does."""
    from srs.decks.markdown import _split_oneliner, _walk_oneliner

    assert _split_oneliner(line) == _walk_oneliner(line)


def test_one_liner_trailing_metadata_comment() -> None:
    note = one("front :: back <!-- id: my-card; tags: x y -->\n")
    assert (note.id, note.back, note.tags, note.explicit_id) == (
        "my-card",
        "back",
        ("x", "y"),
        True,
    )


def test_cloze_block_one_card_per_group() -> None:
    note = one("C: {{c1::Paris}} is in {{c2::France::country}}, near {{c1::Versailles}}.\n")
    assert note.kind == NoteKind.CLOZE
    assert note.front == "{{c1::Paris}} is in {{c2::France::country}}, near {{c1::Versailles}}."
    assert note.back == ""
    first, second = note.cards
    assert (first.kind, first.ordinal, second.ordinal) == (CardKind.CLOZE, 0, 1)
    assert first.front == "[...] is in France, near [...]."
    assert first.back == "**Paris** is in France, near **Versailles**."
    assert second.front == "Paris is in [country], near Versailles."
    assert second.back == "Paris is in **France**, near Versailles."
    assert first.id.startswith(f"{note.id}:") and second.id.startswith(f"{note.id}:")
    assert first.id != second.id


def test_cloze_block_is_one_paragraph_with_optional_extra() -> None:
    found = notes("C:\nline {{c1::one}}\nline two\n\nA: extra text\n\nafter :: card\n")
    assert found[0].front == "line {{c1::one}}\nline two"
    assert found[0].back == "extra text"
    assert found[0].cards[0].back == "line **one**\nline two\n\nextra text"
    assert found[1].front == "after"


def test_cloze_anywhere_in_a_card() -> None:
    stray, in_question, in_answer, heading = notes(
        "Bare paragraph {{c1::cloze}}.\n\n"
        "Q: Kinesis keeps data {{c1::24 hours}}\nA: by default\n\n"
        "Q: Retention?\nA: {{c1::24 hours}}\n\n"
        "## Fact\nText {{c1::here}}\n"
    )
    assert (stray.kind, stray.front) == (NoteKind.CLOZE, "Bare paragraph {{c1::cloze}}.")
    assert (in_question.front, in_question.back) == (
        "Kinesis keeps data {{c1::24 hours}}",
        "by default",
    )
    assert in_answer.front == "Retention?\n\n{{c1::24 hours}}"
    assert heading.kind == NoteKind.CLOZE
    assert heading.cards[0].front == "Fact\n\nText [...]"


def test_cloze_in_one_liner_front() -> None:
    note = one("{{c1::Paris}} is the capital :: of France\n")
    assert (note.kind, note.back) == (NoteKind.CLOZE, "of France")


def test_mcq_with_rationale_and_explanation() -> None:
    note = one(
        "Q: Which are serverless?\n"
        "<!-- id: serverless -->\n"
        "- [x] Lambda\n"
        "  - Why: no servers.\n"
        "- [ ] EC2\n"
        "  - Why not: you manage instances.\n"
        "  - And patch them.\n"
        "- [X] Fargate\n"
        "Explanation: Lambda and Fargate\nare serverless.\n"
    )
    assert note.kind == NoteKind.MCQ
    assert (note.id, note.front, note.back) == (
        "serverless",
        "Which are serverless?",
        "Lambda and Fargate\nare serverless.",
    )
    assert [(o.text, o.correct, o.rationale) for o in note.options] == [
        ("Lambda", True, "Why: no servers."),
        ("EC2", False, "Why not: you manage instances.\nAnd patch them."),
        ("Fargate", True, ""),
    ]
    (card,) = note.cards
    assert (card.kind, card.id, card.front, card.back) == (
        CardKind.MCQ,
        "serverless",
        note.front,
        note.back,
    )


def test_mcq_heading_stem_and_a_marker() -> None:
    note = one("## Pick one\n\n- [ ] A. wrong\n- [x] B. right\n\nA: Because.\n")
    assert note.kind == NoteKind.MCQ
    assert note.front == "Pick one"
    assert [o.text for o in note.options] == ["wrong", "right"]
    assert note.back == "Because."


def test_mcq_explanation_after_a_blank_line() -> None:
    note = one("Q: pick\n- [x] a\n- [ ] b\n\nExplanation: because\n")
    assert note.back == "because"


def test_mcq_labels_kept_unless_every_option_has_them_in_order() -> None:
    note = one("Q: q\n- [x] A. one\n- [ ] C. two\nA: e\n")
    assert [o.text for o in note.options] == ["A. one", "C. two"]


def test_checklist_inside_an_answer_is_text() -> None:
    note = one("## Steps\nDo this:\n- [ ] one\n- [ ] two\n")
    assert note.kind == NoteKind.BASIC
    assert note.back == "Do this:\n- [ ] one\n- [ ] two"


def test_rule_closes_a_card() -> None:
    parsed = parse("Q: q\nA: a\n---\nafter the rule\n")
    assert parsed.notes[0].back == "a"
    assert parsed.warnings == ("deck.md:4: text outside any card is ignored",)


def test_markers_inside_fenced_code_are_text() -> None:
    note = one("Q: Show code\nA:\n~~~\nQ: inner\n---\n## heading\nx :: y\n~~~\nend\n")
    assert note.back == "~~~\nQ: inner\n---\n## heading\nx :: y\n~~~\nend"


def test_unclosed_fence_warns() -> None:
    parsed = parse("Q: q\nA: a\n```\nQ: swallowed\nA: too\n")
    assert len(parsed.notes) == 1
    assert parsed.warnings == (
        "deck.md:3: code block is never closed; it runs to the end of the file",
    )


def test_markers_only_at_line_start() -> None:
    note = one("Q: what about  A: inline?\nA: answer Q: too\n")
    assert (note.front, note.back) == ("what about  A: inline?", "answer Q: too")


def test_metadata_comment_sets_id_and_tags_and_is_removed() -> None:
    note = one("---\ntags: base shared\n---\nQ: q\n<!-- id: card-1; tags: extra, base -->\nA: a\n")
    assert note.id == "card-1" and note.explicit_id
    assert note.tags == ("base", "extra", "shared")
    assert note.front == "q"
    assert note.cards[0].id == "card-1"


def test_other_comments_stay_in_the_text() -> None:
    note = one("Q: q\nA: a\n<!-- a remark -->\n")
    assert note.back == "a\n<!-- a remark -->"


def test_line_numbers_point_at_card_starts() -> None:
    found = notes("---\ndeck: x\n---\n\n# T\n\nQ: q\nA: a\n\none :: two\n\n## Head\nbody\n")
    assert [n.line for n in found] == [7, 10, 12]
    assert found[0].location == "deck.md:7"


def test_stray_text_warns_once_per_run() -> None:
    parsed = parse("Intro prose.\n\nMore prose.\n\nQ: q\nA: a\n")
    assert parsed.warnings == ("deck.md:1: text outside any card is ignored",)


def test_crlf_and_bom_are_accepted() -> None:
    note = one("\ufeffQ: q\r\nA: a\r\n".removeprefix("\ufeff"))
    assert (note.front, note.back) == ("q", "a")


# -- front matter ------------------------------------------------------------------------


def test_front_matter_fields() -> None:
    note = one(
        "---\n"
        "deck: AWS ML / Modeling\n"
        "tags: [b, a]\n"
        "domain: 3\n"
        "exam: MLA-C01\n"
        "source: docs\n"
        "owner: me\n"
        "reviewed: 2024-05-01\n"
        "---\n"
        "Q: q\nA: a\n"
    )
    assert note.deck == "AWS ML/Modeling"
    assert note.tags == ("a", "b")
    assert (note.exam_domains, note.source) == ((("MLA-C01", "3"),), "docs")
    assert note.extra == {"owner": "me", "reviewed": "2024-05-01"}


def test_default_deck_and_space_separated_tags() -> None:
    note = parse_text(
        "---\ntags: x  y\n---\nQ: q\nA: a\n", display="d.md", default_deck="a/b"
    ).notes[0]
    assert (note.deck, note.tags, note.path) == ("a/b", ("x", "y"), "d.md")


def test_sample_deck_file() -> None:
    deck_file = DeckFile(DATA / "aws" / "modeling.md", "decks/aws/modeling.md", "aws/modeling")
    parsed = parse_file(deck_file)
    kinds = [n.kind for n in parsed.notes]
    assert kinds == [NoteKind.BASIC, NoteKind.BASIC, NoteKind.BOTH, NoteKind.CLOZE, NoteKind.MCQ]
    assert {n.deck for n in parsed.notes} == {"aws/modeling"}
    assert all(n.path == "decks/aws/modeling.md" for n in parsed.notes)
    assert parsed.notes[1].tags == ("aws", "modeling", "training")
    assert parsed.notes[0].extra == {"reviewer": "test suite"}
    assert parsed.notes[2].context == ("Modeling", "Hyperparameters")
    assert parsed.warnings == ()


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ndeck: x\nQ: q\nA: a\n",
            ["deck.md:1: front matter is not closed: add a '---' line after it"],
        ),
        (
            "---\ndeck: x\ntags: [a\n---\nQ: q\nA: a\n",
            ["deck.md:3: bad YAML front matter: expected ',' or ']', but got '<stream end>'"],
        ),
        (
            "---\ndeck: x\na: 1\n  b: 2\n---\nQ: q\nA: a\n",
            ["deck.md:4: bad YAML front matter: mapping values are not allowed here"],
        ),
        (
            "---\n- a\n---\nQ: q\nA: a\n",
            ["deck.md:2: front matter must be YAML keys and values, such as 'deck: Name'"],
        ),
        (
            "---\ndeck: x\ndomain: [1]\n---\nQ: q\nA: a\n",
            ["deck.md:3: front matter 'domain' must be text"],
        ),
        (
            "---\ntags: [{a: 1}]\n---\nQ: q\nA: a\n",
            ["deck.md:2: front matter 'tags' must be a list of words"],
        ),
        (
            "---\ndeck: a//b\n---\nQ: q\nA: a\n",
            ["deck.md:2: invalid deck name 'a//b' (empty part between '/')"],
        ),
        (
            "---\nd: 2024-13-45\n---\nQ: q\nA: a\n",
            ["deck.md:2: bad YAML front matter: month must be in 1..12"],
        ),
        (
            "---\nx: " + "[" * 60 + "\n---\nQ: q\nA: a\n",
            ["deck.md:2: bad YAML front matter: nested too deeply"],
        ),
        ("Q: q\n\nC: {{c1::x}}\n", ["deck.md:1: 'Q:' without 'A:'"]),
        ("Q: only a question\n", ["deck.md:1: 'Q:' without 'A:'"]),
        ("x :: y\nA: stray answer\n", ["deck.md:2: 'A:' without a 'Q:' before it"]),
        ("x :: y\nExplanation: why\n", ["deck.md:2: 'Explanation:' without a 'Q:' before it"]),
        ("Q:\nA: a\n", ["deck.md:1: empty question after 'Q:'"]),
        ("Q: q\nA:\n\n---\n", ["deck.md:2: empty answer after 'A:'"]),
        ("C: text {{c1::never closed\n", ["deck.md:1: unclosed cloze '{{c1::...' (missing '}}')"]),
        (
            "C: first {{c1::never closed\nthen {{c2::closed}} here\n",
            ["deck.md:1: unclosed cloze '{{c1::...' (missing '}}')"],
        ),
        (
            "C: line one\nfirst {{c1::a}} and {{c2::b here\nlater {{c3::c}}\n",
            ["deck.md:2: unclosed cloze '{{c2::...' (missing '}}')"],
        ),
        ("C: first line\nsecond {{c2::  }} line\n", ["deck.md:2: empty cloze deletion '{{c2::}}'"]),
        (
            "C: {{c1::outer {{c2::inner}} }}\n",
            ["deck.md:1: nested cloze deletions are not supported"],
        ),
        ("C: {{c0::zero}}\n", ["deck.md:1: cloze numbers start at 1 ({{c1::...}})"]),
        (
            "C: no deletion here\n",
            ["deck.md:1: 'C:' block without a cloze deletion such as {{c1::text}}"],
        ),
        ("Q: q\nA: a\n{{c1::x\n", ["deck.md:3: unclosed cloze '{{c1::...' (missing '}}')"]),
        (
            "Q: pick\n- [ ] a\n- [ ] b\nExplanation: none\n",
            ["deck.md:1: multiple-choice question without a correct option"],
        ),
        ("## pick\n- [x] a\n", ["deck.md:1: multiple-choice question needs at least two options"]),
        ("Q: pick\n- [x]\n- [ ] b\n", ["deck.md:2: empty multiple-choice option"]),
        (
            "Q: a\nA: b\n<!-- id: same -->\n\nQ: c\nA: d\n<!-- id: same -->\n",
            ["deck.md:5: duplicate id 'same' (also used at deck.md:1)"],
        ),
        (
            "Q: a\n<!-- id: one -->\nA: b\n<!-- id: two -->\n",
            ["deck.md:4: card has two ids ('one' and 'two')"],
        ),
        (
            "Q: a\nA: b\n<!-- id: has space -->\n",
            [
                "deck.md:3: invalid id 'has space': "
                "use up to 100 letters, digits, '.', '_', '-', '/'"
            ],
        ),
        (
            "# Title\n\nJust notes.\n",
            ["deck.md:1: no cards in this file (see docs/deck-format.md for the card forms)"],
        ),
        ("", ["deck.md:1: no cards in this file (see docs/deck-format.md for the card forms)"]),
        (
            "Q: a\nA: b\nnul\x00here\n",
            ["deck.md:3: binary file (NUL byte): a deck must be Markdown text"],
        ),
    ],
)
def test_error_messages(text: str, expected: list[str]) -> None:
    assert errors(text) == expected


def test_all_problems_of_a_file_are_reported_in_line_order() -> None:
    text = "C: {{c1::}}\n\nQ: no answer\n\nQ: mcq\n- [ ] a\n- [ ] b\n\nok :: card\n"
    assert errors(text) == [
        "deck.md:1: empty cloze deletion '{{c1::}}'",
        "deck.md:3: 'Q:' without 'A:'",
        "deck.md:5: multiple-choice question without a correct option",
    ]


def test_identical_cards_warn_and_are_kept_once() -> None:
    parsed = parse("a :: b\n\nQ: A\nA: **B**\n")
    assert len(parsed.notes) == 1
    assert parsed.warnings == ("deck.md:3: identical to the card at deck.md:1; kept once",)


def test_file_errors(tmp_path: Path) -> None:
    def problems(data: bytes, **limits: int) -> list[str]:
        path = tmp_path / "f.md"
        path.write_bytes(data)
        with pytest.raises(DeckError) as info:
            parse_file(DeckFile(path, "f.md", "f"), **limits)
        return [str(p) for p in info.value.problems]

    assert problems(b"Q: a\nA: b\nline \xff bad\n") == [
        "f.md:3: not UTF-8 text (byte 0xff); save the file as UTF-8"
    ]
    assert problems(b"\x89PNG\r\n\x1a\n\x00\x00") == [
        "f.md:3: binary file (NUL byte): a deck must be Markdown text"
    ]
    assert problems(b"Q: a\nA: b\n" * 10, max_bytes=50) == [
        "f.md:1: file is too large (over 50 bytes); split it"
    ]
    assert problems(b"a :: b\nc :: d\ne ::: f\n", max_cards=3) == [
        "f.md:3: too many cards (more than 3 in one file); split the file"
    ]
    with pytest.raises(DeckError) as info:
        parse_file(DeckFile(tmp_path / "missing.md", "missing.md", "missing"))
    assert [str(p) for p in info.value.problems] == [
        "missing.md:0: cannot read: No such file or directory"
    ]


def test_check_duplicates_across_files() -> None:
    first = parse("Q: a\nA: b\n<!-- id: shared -->\n\nsame :: card\n", path="one.md")
    second = parse("\nx :: y <!-- id: shared -->\nSame :: *card*\n", path="two.md")
    errors_, warnings = check_duplicates([first, second])
    assert [str(e) for e in errors_] == ["two.md:2: duplicate id 'shared' (also used at one.md:1)"]
    assert warnings == ["two.md:3: identical to the card at one.md:5; kept once"]


# -- identity ----------------------------------------------------------------------------


def note_id(text: str) -> str:
    return one(text).id


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "Q: What is a shard?\nA: A unit of capacity\n",
            "Q:   what is a  **shard**?\nA:\nA unit\nof _capacity_\n",
        ),
        ("## What is X?\nIt is `y`.\n", "Q: What is X?\nA: It is y.\n"),
        ("term :: meaning\n", "TERM :: ~~meaning~~\n"),
        ("Q: caf\u00e9?\nA: yes\n", "Q: cafe\u0301?\nA: yes\n"),
    ],
)
def test_cosmetic_edits_keep_the_id(before: str, after: str) -> None:
    assert note_id(before) == note_id(after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Q: Retention in days?\nA: 1\n", "Q: Retention in hours?\nA: 1\n"),
        ("Q: Growth 5%?\nA: x\n", "Q: Growth 5?\nA: x\n"),
        ("a :: b\n", "b :: a\n"),
        ("C: {{c1::Paris}} is big\n", "C: {{c1::Paris}} is huge\n"),
    ],
)
def test_real_edits_change_the_id(before: str, after: str) -> None:
    assert note_id(before) != note_id(after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Q: Retention?\nA: 24 hours\n", "Q: Retention?\nA: 48 hours\n"),
        ("term :: meaning\n", "term :: a better meaning\n"),
        ("term ::: meaning\n", "term ::: a better meaning\n"),
        ("## Heading?\nold body\n", "## Heading?\nnew body, rewritten\n"),
    ],
)
def test_correcting_an_answer_keeps_the_id(before: str, after: str) -> None:
    assert note_id(before) == note_id(after)


def test_same_question_with_different_answers_is_told_apart() -> None:
    from srs.decks.builder import disambiguate

    one = parse_text("Q: Which?\nA: first\n", display="a.md", default_deck="a")
    two = parse_text("Q: Which?\nA: second\n", display="b.md", default_deck="b")
    decks, warnings = disambiguate([one, two])
    ids = [deck.notes[0].id for deck in decks]
    assert ids[0] != ids[1]
    assert len(warnings) == 2 and "a.md:1:" in warnings[0] and "b.md:1:" in warnings[1]
    # Order does not matter: each keeps the same id whichever file comes first.
    again, _ = disambiguate([two, one])
    assert [deck.notes[0].id for deck in again] == ids[::-1]


def test_deck_path_tags_and_context_do_not_change_the_id() -> None:
    base = parse_text("Q: q\nA: a\n", display="a.md", default_deck="a").notes[0]
    moved = parse_text(
        "---\ndeck: Other\ntags: [t]\n---\n# Title\n## Section\nQ: q\nA: a\n<!-- tags: more -->\n",
        display="elsewhere/b.md",
        default_deck="b",
    ).notes[0]
    assert base.id == moved.id
    assert (base.deck, base.path) != (moved.deck, moved.path)


def test_explicit_id_survives_any_edit() -> None:
    assert note_id("Q: a\nA: b\n<!-- id: fixed -->\n") == note_id(
        "Q: totally\nA: different\n<!-- id: fixed -->\n"
    )


def test_turning_a_one_liner_both_ways_keeps_the_forward_card() -> None:
    basic = one("term :: meaning\n")
    both = one("term ::: meaning\n")
    assert basic.cards[0].id == both.cards[0].id


def test_cloze_renumbering_keeps_sibling_ids() -> None:
    before = one("C: {{c1::Paris}} is in {{c2::France}}.\n")
    after = one("C: {{c3::Paris}} is in {{c1::France}}.\n")
    assert before.id == after.id
    by_text = {c.back: c.id for c in before.cards}
    assert {c.back: c.id for c in after.cards} == by_text


def test_cloze_editing_one_deletion_keeps_the_other_sibling() -> None:
    before = one("C: {{c1::Paris}} is in {{c2::France}}.\n<!-- id: paris -->\n")
    after = one("C: {{c1::Lyon}} is in {{c2::France}}.\n<!-- id: paris -->\n")
    assert before.cards[1].id == after.cards[1].id
    assert before.cards[0].id != after.cards[0].id


def test_cloze_groups_with_the_same_text_get_distinct_ids() -> None:
    note = one("C: {{c1::x}} and {{c2::x}}\n")
    assert len({c.id for c in note.cards}) == 2


def test_mcq_option_reordering_keeps_the_id() -> None:
    before = one("Q: pick\n- [x] A. one\n- [ ] B. two\n- [ ] C. three\nA: e\n")
    after = one("Q: pick\n- [ ] three\n- [x] one\n- [ ] two\nA: other explanation\n")
    assert before.id == after.id
    assert before.content_hash != after.content_hash
    changed = one("Q: pick\n- [ ] one\n- [x] two\n- [ ] three\nA: e\n")
    assert changed.id != before.id


def test_content_hash_tracks_exact_text() -> None:
    assert one("Q: q\nA: a\n").content_hash != one("Q: q\nA: A\n").content_hash
    assert one("Q: q\nA: a\n").content_hash == one("Q: q\n\nA: a\n\n").content_hash


# -- robustness --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(deck_text(40))
def test_any_text_parses_or_raises_deck_error(text: str) -> None:
    try:
        parsed = parse(text)
    except DeckError as e:
        assert e.problems
        assert all(p.path == "deck.md" and p.line >= 1 for p in e.problems)
        return
    assert parsed.notes
    for note in parsed.notes:
        assert note.cards
        assert len({c.id for c in note.cards}) == len(note.cards)


_SIDE = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s.strip() != "")


@settings(max_examples=200, deadline=None)
@given(_SIDE, _SIDE)
def test_simple_qa_round_trips(question: str, answer: str) -> None:
    text = f"Q: {question}\nA: {answer}\n"
    try:
        parsed = parse(text)
    except DeckError:
        # Only text that itself forms markup may fail (a stray `{{c1::` or `<!--` comment).
        assert "{{c" in question + answer or "<!--" in question + answer
        return
    note = parsed.notes[0]
    if note.kind == NoteKind.BASIC:
        assert (note.front, note.back) == (question, answer)
        assert (note.cards[0].front, note.cards[0].back) == (question, answer)


def test_large_file_parses() -> None:
    blocks = []
    for i in range(2500):
        blocks.append(f"Q: question {i}\nA: answer {i}\n")
        blocks.append(f"term {i} :: meaning {i}\n")
        blocks.append(f"C: fact {{{{c1::value {i}}}}}\n")
        blocks.append(f"Q: pick {i}\n- [x] yes {i}\n- [ ] no {i}\nExplanation: why\n---\n")
    parsed = parse("\n".join(blocks))
    assert sum(len(n.cards) for n in parsed.notes) == 10_000


@pytest.mark.parametrize(
    "text",
    [
        "{{c1::" * 20_000,
        "C: " + "{{c1::a}}" * 20_000,
        "x" * 100_000 + " :: " + "y" * 100_000,
        "`" * 100_000 + " :: x",
        "#" * 100_000,
        "- [x] " + "a" * 100_000,
        "a ::" * 50_000,
    ],
)
def test_hostile_lines_are_handled(text: str) -> None:
    """Linear-time scanning: these return quickly with a deck or a DeckError, nothing else."""
    with contextlib.suppress(DeckError):
        assert parse(text).notes


def test_docs_examples_parse() -> None:
    """Every Markdown example in docs/deck-format.md is a valid deck (arrows are annotations)."""
    doc = (Path(__file__).parent.parent / "docs" / "deck-format.md").read_text()
    blocks = re.findall(r"```markdown\n(.*?)\n```\n", doc, re.S)
    assert len(blocks) >= 6
    counts = []
    for block in blocks:
        parsed = parse(re.sub(r" +<- .*", "", block))
        assert parsed.warnings == ()
        counts.append(sum(len(n.cards) for n in parsed.notes))
    assert counts[:7] == [7, 1, 1, 3, 3, 1, 2]


def _kinds_by_the_rule_chain(lines: list[str]) -> list[int]:
    """Each line's kind by the plain ordered rules of docs/deck-format.md (fences first, then
    blank, heading, `Q:`, `A:`, `C:`, `Explanation:`, rule, option, comment, one-liner,
    text): the reference `_classify`'s first-character dispatch must agree with."""
    from srs.decks.markdown import _TASK_RE, K, _heading, _split_oneliner

    kinds: list[int] = []
    fence = ""
    for line in lines:
        body = line.lstrip(" ")
        if fence:
            kinds.append(K.TEXT)
            if body.startswith(fence[0]) and len(line) - len(body) <= 3:
                mark = body.rstrip()
                if len(mark) >= len(fence) and mark == fence[0] * len(mark):
                    fence = ""
            continue
        if len(line) - len(body) <= 3 and body[:3] in ("```", "~~~"):
            char = body[0]
            run = len(body) - len(body.lstrip(char))
            if char == "~" or "`" not in body[run:]:
                fence = char * run
                kinds.append(K.TEXT)
                continue
        if not line.strip():
            kinds.append(K.BLANK)
        elif line.startswith("#"):
            heading = _heading(line)
            level = 0 if heading is None else heading[0]
            kinds.append({0: K.TEXT, 1: K.H1, 2: K.H2}.get(level, K.HN))
        elif line.startswith(("Q:", "A:", "C:", "Explanation:")):
            kinds.append({"Q": K.Q, "A": K.A, "C": K.C, "E": K.EXPL}[line[0]])
        elif line.startswith("---") and not line.rstrip().strip("-"):
            kinds.append(K.RULE)
        elif _TASK_RE.fullmatch(line.rstrip()):
            kinds.append(K.TASK)
        elif body.startswith("<!--") and line.rstrip().endswith("-->"):
            kinds.append(K.COMMENT)
        elif line[0] not in " \t|" and _split_oneliner(line) is not None:
            kinds.append(K.ONELINER)
        else:
            kinds.append(K.TEXT)
    return kinds


_LINE_PIECES = [
    "Q:", "A:", "C:", "E", "Explanation:", "#", "## ", "---", "-", "- [x] ", "* [ ] ", "+ ",
    "```", "~~~", "<!-- id: x -->", "<!--", "-->", " ", "  ", "\t", "\u00a0", "|", "x",
    "a :: b", " ::: ", "{{c1::y}}", "`", "Ex",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=5).map("".join), max_size=12))
def test_line_kinds_follow_the_rule_chain(lines: list[str]) -> None:
    """`_classify` dispatches on a line's first characters for speed; every line must get
    the kind the ordered rules give it, fenced code included."""
    from srs.decks.markdown import _classify

    assert _classify(lines, 0)[0] == _kinds_by_the_rule_chain(lines)
