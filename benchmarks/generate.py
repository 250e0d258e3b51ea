"""Generated decks of mixed card kinds, the same for every benchmark and every run."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = (
    "model feature stream shard bucket endpoint latency gradient tree forest boost vector "
    "matrix kernel batch epoch tensor label class metric recall precision drift bias variance "
    "window partition crawler catalog schema table query index cluster node replica"
).split()


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def deck_text(cards: int, seed: int = 7) -> str:
    """Markdown with `cards` cards: Q/A, one-liners, headings, clozes and MCQs, all distinct."""
    rng = random.Random(seed)
    out = ["---", "tags: [bench]", "domain: benchmark", "---", "# Generated deck", ""]
    made = 0
    i = 0
    while made < cards:
        i += 1
        kind = i % 5
        tag = f"q{i}"
        if kind == 0:
            out += [f"Q: {tag} what is {_phrase(rng, 6)}?", f"A: {_phrase(rng, 12)}", ""]
        elif kind == 1:
            out += [f"{tag} {_phrase(rng, 3)} :: {_phrase(rng, 8)}", ""]
        elif kind == 2:
            out += [f"## {tag} explain {_phrase(rng, 5)}", "", _phrase(rng, 20), ""]
        elif kind == 3:
            out += [f"C: {tag} {_phrase(rng, 4)} {{{{c1::{_phrase(rng, 2)}}}}} {_phrase(rng, 4)}", ""]
        else:
            out += [
                f"Q: {tag} which {_phrase(rng, 5)}?",
                f"- [x] {_phrase(rng, 3)}",
                f"- [ ] {_phrase(rng, 3)}",
                f"- [ ] {_phrase(rng, 3)}",
                f"Explanation: {_phrase(rng, 10)}",
                "",
                "---",
                "",
            ]
        made += 1
    return "\n".join(out) + "\n"


def write_deck(folder: Path, cards: int, seed: int = 7) -> Path:
    """Write a generated deck file into `folder` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"generated-{cards}.md"
    path.write_text(deck_text(cards, seed), encoding="utf-8")
    return path
