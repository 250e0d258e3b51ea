"""Markdown -> sanitised HTML: math delimiters, code, tables, and hostile input."""

from __future__ import annotations

import re

import pytest

from srs.render import render_markdown, rewrite_image_sources, sanitise_html


def html(text: str) -> str:
    return render_markdown(text).html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("$x^2$", r"\(x^2\)"),
        ("$$\\sum_{i=1}^n x_i$$", r"\[\sum_{i=1}^n x_i\]"),
        ("a $b_1 * c_2$ d", r"a \(b_1 * c_2\) d"),  # no emphasis inside math
        ("$a<b$", r"\(a&lt;b\)"),
        ("$$\na + b\n$$", "\\[\na + b\n\\]"),
        (r"already \(x\) MathJax", r"already \(x\) MathJax"),
    ],
)
def test_math_becomes_anki_mathjax(source: str, expected: str) -> None:
    assert expected in html(source)


@pytest.mark.parametrize(
    "source",
    [
        "It costs $5 and $10.",  # closing `$` after a space: not math
        "$ x$ is not math",  # space just inside the opening `$`
        "from $5 to $6",
        r"a literal \$x\$",
    ],
)
def test_dollars_that_are_not_math(source: str) -> None:
    out = html(source)
    assert r"\(" not in out
    assert "$" in out
    assert "\\$" not in out


def test_math_closing_dollar_followed_by_digit_is_not_a_close() -> None:
    assert r"\(" not in html("$5$6 and more")


def test_dollars_in_code_are_left_alone() -> None:
    out = html("Use `$HOME` and\n\n```sh\necho $PATH $x$\n```\n")
    assert "<code>$HOME</code>" in out
    assert "echo $PATH $x$" in re.sub(r"<[^>]+>", "", out)  # highlighted: spans around words
    assert r"\(" not in out


def test_fenced_code_is_highlighted_and_escaped() -> None:
    out = html("```python\nif a < b:\n    pass\n```")
    assert '<span class="k">if</span>' in out
    assert '<span class="o">&lt;</span>' in out


def test_table_with_alignment() -> None:
    out = html("| Service | Use |\n|:--|--:|\n| Kinesis | $|x|$ |\n")
    assert "<table>" in out and "<th" in out
    assert 'align="right"' in out
    assert r"\(|x|\)" in out  # a `|` inside math does not split the cell


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<script>alert(1)</script>ok", "alert"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ("[x](javascript:alert(1))", "javascript:"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<object data="x.swf"></object>', "object"),
        ('<img src="data:image/png;base64,AAAA">', "data:"),
        ('<div onclick="steal()">x</div>', "onclick"),
        ("<style>body{display:none}</style>", "display:none"),
        ('<code class="srs-correct">x</code>', "srs-correct"),
    ],
)
def test_hostile_html_is_stripped(hostile: str, forbidden: str) -> None:
    assert forbidden not in html(hostile)
    if hostile.startswith("<"):  # raw HTML, e.g. from an imported deck
        assert forbidden not in sanitise_html(hostile)


def test_images_are_reported_and_rewritten() -> None:
    rendered = render_markdown('![a dot](img/dot.png) and <img src="b c.png">')
    assert rendered.images == ("img/dot.png", "b c.png")
    out = rewrite_image_sources(rendered.html, {"img/dot.png": "dot-1.png"})
    assert 'src="dot-1.png"' in out
    assert 'src="b c.png"' in out
    assert 'alt="a dot"' in out


def test_cloze_markers_pass_through() -> None:
    out = html("{{c1::Paris::capital}} is in **France**, $x$")
    assert "{{c1::Paris::capital}}" in out
    assert "<strong>France</strong>" in out


def test_blank_text_renders_empty() -> None:
    assert html("  \n ") == ""


def test_fenced_code_is_highlighted_with_token_classes() -> None:
    out = html("```python\nif a < b:\n    pass\n```")
    assert '<div class="srs-code">' in out
    assert '<span class="k">if</span>' in out and "&lt;" in out
    plain = html("```\nno language < here\n```")
    assert "no language &lt; here" in plain and '<span class="k">' not in plain


@pytest.mark.parametrize(
    "hostile",
    [
        '<span class="srs-mark srs-correct">x</span>',
        '<div class="srs-option srs-correct">x</div>',
        '<span class="k" style="position:fixed">x</span>',
    ],
)
def test_only_highlight_classes_survive(hostile: str) -> None:
    out = html(hostile)
    assert "srs-mark" not in out and "srs-correct" not in out and "srs-option" not in out
    assert "style" not in out


def test_plain_text_fast_path_gives_the_full_renderers_html() -> None:
    """Issue 19: plain one-line texts (with bold/italic words) skip Python-Markdown and nh3;
    on generated texts the fast path's HTML equals the full path's, byte for byte."""
    import random

    from srs.render import _plain_html, _render_full

    rng = random.Random(19)
    alphabet = "ab Z09 ,.?!'\"():;%/+=-*_&<>#|\\$[]`\n\t~"
    words = ["a", "bc", "Hi", "x1", "**b**", "*i*", "**two words**", "*it's*", "(**p**)"]
    words += ["**q**.", "*a-b*", "***x***", "** y**", "*x *", "a*b*", "1.", "-", ":", " ", '"q"']
    texts = ["Q0: what does the catalog do for a model?", "It works, see **node**."]
    for _ in range(3000):
        size = rng.randint(0, 12)
        texts.append(rng.choice("aQzI") + "".join(rng.choice(alphabet) for _ in range(size)))
        size = rng.randint(0, 6)
        texts.append(rng.choice("aQzI") + " ".join(rng.choice(words) for _ in range(size)))
    fast = [t for t in texts if _plain_html(t) is not None]
    assert len(fast) > 1000
    assert [_plain_html(t) for t in fast] == [_render_full(t).html for t in fast]
    assert (
        render_markdown("It works, see **node**.").html
        == "<p>It works, see <strong>node</strong>.</p>"
    )
