"""`$..$` math as readable Unicode text for the terminal (`\\frac{TP}{TP+FP}` -> `TP/(TP+FP)`).

Anki shows math with MathJax; a terminal cannot, and raw LaTeX (`\\sqrt{\\frac{1}{n}...}`) is
hard to read while answering. The LaTeX is parsed and turned into text by `pylatexenc`
(`LatexNodes2Text`: a maintained parser that knows the Greek letters, operators, accents and
blackboard letters), with three rules of ours on top: a fraction is `a/b` with parentheses
only where needed, `\\left`/`\\right` vanish, and short super/subscripts become Unicode
superscript/subscript characters (`x²`, `yᵢ`) when every character has one, else `^(..)`.
The math spans are found by `srs.render`'s scanner, so the terminal and the Anki export agree
on what is math (pandoc's `$` rule: prices survive). `pylatexenc` is imported only when a card
holds math.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["math_to_text"]

_SUPER = dict(zip("0123456789+-=()nijkaeoxt", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱʲᵏᵃᵉᵒˣᵗ", strict=True))
_SUB = dict(zip("0123456789+-=()aeijknorstux", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₙₒᵣₛₜᵤₓ", strict=True))
_SUPER |= {"⊤": "ᵀ", "T": "ᵀ", "−": "⁻", "∗": "*", "*": "*"}
_SUB["−"] = "₋"
_SIMPLE = re.compile(r"[\w.′]+|\([^()]*\)")  # needs no parentheses as a numerator/denominator
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def math_to_text(text: str) -> str:
    """Card Markdown with every math span replaced by Unicode text (Markdown-escaped)."""
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return text
    from html import unescape

    from srs.markdown_scan import MATH_TOKEN_RE, math_pieces

    protected, pieces = math_pieces(text)
    if not pieces:
        return text
    shown = []
    for piece in pieces:
        source = unescape(piece)
        if source == "$":
            shown.append("\\$")
            continue
        display = source.startswith("\\[")
        converted = _MARKDOWN_SPECIAL.sub(r"\\\1", latex_to_text(source[2:-2]))
        shown.append(f"\n\n    {converted}\n\n" if display else converted)
    return MATH_TOKEN_RE.sub(lambda m: shown[int(m.group(1))], protected)


@lru_cache(maxsize=4096)
def latex_to_text(latex: str) -> str:
    """One formula (without its delimiters) as Unicode text."""
    try:
        text = _converter().latex_to_text(latex)
    except Exception:  # pragma: no cover - pylatexenc is lenient; never lose the card over math
        return latex
    return _scripts(" ".join(text.split()))


def _scripts(text: str) -> str:
    """`^2` -> `²`, `_{ij}` -> `ᵢⱼ` where every character has a Unicode script form."""
    out, i = [], 0
    while i < len(text):
        mark = text[i]
        if mark not in "^_" or i + 1 >= len(text) or text[i + 1].isspace():
            out.append(mark)
            i += 1
            continue
        if text[i + 1] == "{":
            close = _matching_brace(text, i + 1)
            if close == -1:
                out.append(text[i:])
                break
            inner, i = _scripts(text[i + 2 : close]), close + 1
        else:
            inner, i = text[i + 1], i + 2
        table = _SUPER if mark == "^" else _SUB
        if all(ch in table for ch in inner):
            out.append("".join(table[ch] for ch in inner))
        else:
            out.append(mark + inner if len(inner) == 1 else f"{mark}({inner})")
    return "".join(out)


def _matching_brace(text: str, at: int) -> int:
    depth = 0
    for j in range(at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return -1


def _fraction(node: Any, l2tobj: Any) -> str:
    parts = [
        l2tobj.nodelist_to_text([arg]).strip() if arg is not None else ""
        for arg in node.nodeargd.argnlist[-2:]
    ]
    num, den = (p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in parts)
    return "/".join(p if _SIMPLE.fullmatch(p) else f"({p})" for p in (num, den))


@lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    db = get_default_latex_context_db()
    db.add_context_category(
        "srs-terminal",
        prepend=True,
        macros=[
            MacroTextSpec("frac", simplify_repl=_fraction),
            MacroTextSpec("dfrac", simplify_repl=_fraction),
            MacroTextSpec("tfrac", simplify_repl=_fraction),
            MacroTextSpec("left", discard=True),
            MacroTextSpec("right", discard=True),
        ],
    )
    return LatexNodes2Text(
        latex_context=db, math_mode="text", keep_braced_groups=True, keep_braced_groups_minlen=2
    )
