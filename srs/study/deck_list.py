"""The rows of `srs decks`: every deck, its parents and a collection total, as `srs review` counts.

Anki's deck list shows a parent with its sub-decks folded in and the daily limits of each level
applied (v3): a sub-deck gives at most what its own limit allows, and the parent at most what
its limit allows of the sum. srs does the same, so a row promises exactly what
`srs review --deck NAME` will give today, and the total row what `srs review` gives; the rows
are folded up from the per-deck counts, so the cost follows the number of decks.

Why the fold is exact: a deck that does not set a limit itself inherits its nearest ancestor's
(or the collection's), and it has studied no more today than that ancestor, so its cap is never
tighter than the ancestor's; the caps that can bind are the deck's own and those of ancestors
that set a limit themselves, which the queue applies too (`srs.study.queue._DeckLimits`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from srs.model import value_class
from srs.options import Options
from srs.store import Store
from srs.study.queue import DeckCounts, limited_decks

# (new, reviews) a deck's limits still allow today for the deck with its sub-decks; "" is the
# collection.
Caps = Callable[[str], tuple[int, int]]


@value_class
class DeckRow:
    """One line of `srs decks`: a deck with its sub-decks, a bare parent, or the collection."""

    name: str  # "" for the collection
    kind: str  # "deck" (holds cards), "parent" (holds only sub-decks), "collection"
    depth: int  # 0 for top-level decks and the collection
    total: int
    new: int
    learning: int
    due: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "new": self.new,
            "learning": self.learning,
            "due": self.due,
            "kind": self.kind,
            "depth": self.depth,
        }


def _ancestors(name: str) -> list[str]:
    """The parents of a deck name, nearest last ("a/b/c" -> ["a", "a/b"])."""
    parts = name.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts))]


def _within(name: str, deck: str) -> bool:
    return deck == "" or name == deck or name.startswith(deck + "/")


def daily_caps(
    store: Store,
    options_for: Callable[[str], Options],
    studied: dict[int, tuple[int, int]],
) -> Caps:
    """What each deck's daily limits (and those its parents set themselves) leave today,
    given what was `studied` today per deck id (`store.studied_today_per_deck`)."""
    names = store.deck_names_by_id()
    done: dict[str, dict[str, int]] = {"new": {}, "review": {}}  # deck (with sub-decks) -> n
    for deck_id, counts in studied.items():
        name = names.get(deck_id, "")
        for state, n in zip(("new", "review"), counts, strict=True):
            for deck in ("", *_ancestors(name), name):
                done[state][deck] = done[state].get(deck, 0) + n
    limited = {
        "new": set(limited_decks(store, "new_per_day")),
        "review": set(limited_decks(store, "reviews_per_day")),
    }

    def left(deck: str, state: str) -> int:
        options = options_for(deck)
        limit = options.new_per_day if state == "new" else options.reviews_per_day
        return max(limit - done[state].get(deck, 0), 0)

    def caps(deck: str) -> tuple[int, int]:
        above = _ancestors(deck) if deck else []
        new, review = (
            min([left(deck, state)] + [left(a, state) for a in above if a in limited[state]])
            for state in ("new", "review")
        )
        return new, review

    return caps


Counts = tuple[int, int, int, int]  # total, new, learning, due


def _capped(counts: Counts, caps: Caps | None, deck: str) -> Counts:
    if caps is None:
        return counts
    cap_new, cap_due = caps(deck)
    total, new, learning, due = counts
    return total, min(new, cap_new), learning, min(due, cap_due)


def _add(a: Counts, b: Counts) -> Counts:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]


def deck_rows(own: Sequence[DeckCounts], caps: Caps | None) -> list[DeckRow]:
    """Rows in tree order (each parent before its sub-decks), then the collection total.

    `own`: each deck's counts of its own cards (as `deck_counts` gives them); `caps`: what
    limits leave (None in exam mode, where the plan has no daily limits).
    """
    held = {row.name: row for row in own}
    names = set(held)
    for name in held:
        names.update(_ancestors(name))
    children: dict[str, list[str]] = {}
    for name in names:
        children.setdefault(name.rsplit("/", 1)[0] if "/" in name else "", []).append(name)
    folded: dict[str, Counts] = {}
    for name in sorted(names, key=lambda n: -n.count("/")):  # deepest first
        row = held.get(name)
        counts: Counts = (row.total, row.new, row.learning, row.due) if row else (0, 0, 0, 0)
        for child in children.get(name, []):
            counts = _add(counts, folded[child])
        folded[name] = _capped(counts, caps, name)
    rows = [
        DeckRow(name, "deck" if name in held else "parent", name.count("/"), *folded[name])
        for name in sorted(names, key=lambda n: n.split("/"))
    ]
    everything: Counts = (0, 0, 0, 0)
    for name in children.get("", []):
        everything = _add(everything, folded[name])
    rows.append(DeckRow("", "collection", 0, *_capped(everything, caps, "")))
    return rows
