"""`$..$` math as Unicode text for the terminal (srs.math_text over pylatexenc)."""

from __future__ import annotations

import pytest

from srs.math_text import latex_to_text, math_to_text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"x^2 + y_i", "x² + yᵢ"),
        (r"\frac{TP}{TP+FP}", "TP/(TP+FP)"),
        (r"\frac{1}{2}", "1/2"),
        (r"\log\left(\frac{p}{1-p}\right)", "log(p/(1-p))"),
        (r"\alpha \le \beta", "α≤β"),
        (r"e^{-\lambda t}", "e^(-λt)"),
        (r"x^{(i)}", "x⁽ⁱ⁾"),
        (r"\mathbb{R}^n", "ℝⁿ"),
        (r"\sigma(w^\top x + b)", "σ(wᵀx + b)"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_math_spans_follow_the_exports_dollar_rule() -> None:
    text = r"Precision $\frac{a}{b}$ costs \$10; `$x$` is code; $5 is a price."
    assert math_to_text(text) == r"Precision a/b costs \$10; `$x$` is code; $5 is a price."


def test_display_math_gets_its_own_block_and_markdown_is_escaped() -> None:
    shown = math_to_text("Loss: $$\\sum_i y_i * p_i$$")
    assert shown.startswith("Loss:") and "∑ᵢ yᵢ \\* pᵢ" in shown


def test_text_without_math_is_returned_as_is() -> None:
    text = "No math here, a price of $5."
    assert math_to_text(text) is text
