"""A plain one-line card text is drawn without rich's Markdown parser (loading it costs the
review screen's start ~50 ms): it must look exactly as the parser draws it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.markdown import Markdown

from srs.cli.screen import _PLAIN_LINE, markdown

WORDS = [
    "SageMaker",
    "endpoint",
    "Which",
    "feature",
    "is",
    "the",
    "model's",
    "(best)",
    "fit?",
    "3",
    "AZs:",
    "yes,",
    "no;",
    "80%",
    "a/b",
    "=+-",
]


def drawn(renderable: object, width: int, color: bool) -> str:
    console = Console(
        width=width,
        force_terminal=color,
        color_system="truecolor" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        record=True,
    )
    console.print(renderable)
    return console.export_text(styles=color)


def texts() -> list[str]:
    rng = random.Random(7)
    out = [
        "Which SageMaker feature tracks experiments?",
        "What does (a) mean: yes; no, maybe 80% of 3/4?",
        "A word",
        "x",
        "Two  spaces inside",
        "Ends with punctuation!",
        'Quote\'s "inside" it',
    ]
    for _ in range(300):
        out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40))))
    return out


@pytest.mark.parametrize("style", ["none", "dim"])
def test_plain_lines_look_as_rich_markdown_draws_them(style: str) -> None:
    checked = 0
    for text in texts():
        if not _PLAIN_LINE.fullmatch(text):
            continue
        checked += 1
        for width in (100, 40, 17):
            for color in (False, True):
                assert drawn(markdown(text, style), width, color) == drawn(
                    Markdown(text, style=style, hyperlinks=False), width, color
                ), (text, width, color)
    assert checked > 200


def test_markdown_syntax_is_not_taken_for_plain_text() -> None:
    for text in [
        "**bold** word",
        "- item",
        "1. first",
        "# Title",
        "a `code` span",
        "a\nb",
        "trailing space ",
        "<b>x</b>",
        "a | b",
        "[link](x)",
        "5 * 3",
        "x_y_z",
    ]:
        assert not _PLAIN_LINE.fullmatch(text), text


def test_a_plain_card_is_drawn_without_loading_the_markdown_parser() -> None:
    import subprocess
    import sys

    code = (
        "import io, sys\n"
        "from rich.console import Console\n"
        "from srs.cli.screen import markdown\n"
        "Console(file=io.StringIO(), width=40).print(markdown('Which service stores objects?'))\n"
        "heavy = ('rich.markdown', 'markdown_it', 'srs.render')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@given(
    st.lists(st.from_regex(r"[a-z][a-z -]{0,40}[a-z]", fullmatch=True), min_size=1, max_size=4),
    st.lists(st.from_regex(r"[A-Za-z][A-Za-z ,]{0,50}", fullmatch=True), max_size=3),
    st.integers(min_value=10, max_value=100),
)
def test_a_breadcrumb_fits_its_width_and_folds_only_between_parts(
    folders: list[str], context: list[str], width: int
) -> None:
    from srs.cli.screen import Breadcrumb

    lines = Breadcrumb("/".join(folders), context).lines(width)
    assert all(len(line) <= width for line in lines)
    pieces = [word for name in folders[:-1] for word in f"{name}/".split()]
    pieces += [word for part in [folders[-1], *context] for word in part.split()]
    for piece in pieces:
        if len(piece) + len("› ") <= width:  # short enough never to be cut
            assert any(piece in line for line in lines), (piece, lines)


def test_a_breadcrumb_part_wider_than_the_screen_keeps_its_end() -> None:
    from srs.cli.screen import Breadcrumb

    assert Breadcrumb("decks/" + "x" * 30 + "-leaf", ["Intro"]).lines(20) == [
        "decks/",
        "…" + "x" * 14 + "-leaf",
        "› Intro",
    ]


def test_a_breadcrumb_counts_columns_not_characters() -> None:
    from rich.cells import cell_len

    from srs.cli.screen import Breadcrumb

    lines = Breadcrumb("日本語の資格/機械学習の基礎", ["データの準備"]).lines(16)
    assert lines == ["日本語の資格/", "機械学習の基礎", "› データの準備"]
    assert all(cell_len(line) <= 16 for line in lines)


@given(st.text(alphabet="ab/:1日本語データ", max_size=60), st.integers(min_value=0, max_value=50))
def test_tail_fit_keeps_the_end_within_the_width_in_columns(source: str, width: int) -> None:
    from rich.cells import cell_len

    from srs.cli.screen import tail_fit

    fitted = tail_fit(source, width)
    assert cell_len(fitted) <= max(width, 10)
    assert fitted == source or (fitted.startswith("…") and source.endswith(fitted[1:]))
    # Nothing is cut that would have fitted: one more character would not.
    if fitted != source:
        kept = len(fitted) - 1
        assert cell_len(source[len(source) - kept - 1 :]) + 1 > max(width, 10)
