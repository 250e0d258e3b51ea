"""Is the generated collection shaped like one the real `srs import` builds?

`deck_folder` writes the generated notes (`generate.note_shapes`) as Markdown deck files, one per
deck, with the same kinds, siblings, decks, tags and exam domains; `imported_collection` runs the
real import on them (twice: the second time without the orphaned notes, which orphans them, as
removing cards from a file does). `compare` then sets each table's row count and each column's
value distribution side by side with the collection `generate.build_srs` writes straight into
the schema. States, history and memory come from studying, not importing, so they are not part
of the comparison (the generator's own tests pin them).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import (
    DECK_NAMES,
    NOW,
    ROOT,
    ZONE,
    NoteShape,
    _phrase,
    deck_domains,
    deck_tags,
    note_shapes,
)

TOLERANCE = 0.03  # largest share of rows whose value may differ (total variation distance)


def _note_markdown(shape: NoteShape, rng: Any) -> list[str]:
    extra_tags = [t for t in shape.tags if t not in deck_tags(shape.deck)]
    defaults = deck_domains(shape.deck)
    moved = [f"{e}={d}" for e, d in shape.domains if defaults[e] != d]
    meta = []
    if extra_tags:
        meta.append("tags: " + " ".join(extra_tags))
    if moved:
        meta.append("exam_domains: " + " ".join(moved))
    comment = f"<!-- {'; '.join(meta)} -->" if meta else ""
    tag = f"n{shape.index}"
    if shape.kind == "both":
        return [f"{tag} {_phrase(rng, 4)} ::: {_phrase(rng, 8)} {comment}".rstrip(), ""]
    if shape.kind == "cloze":
        words = [f"{tag}", *(_phrase(rng, 1) for _ in range(9))]
        for k in range(len(shape.cards)):
            words[1 + 3 * k] = f"{{{{c{k + 1}::{words[1 + 3 * k]}}}}}"
        return [f"C: {' '.join(words)}", *([comment] if comment else []), ""]
    if shape.kind == "mcq":
        return [
            f"Q: {tag} which {_phrase(rng, 5)}?",
            f"- [x] {_phrase(rng, 3)}",
            f"- [ ] {_phrase(rng, 3)}",
            f"- [ ] {_phrase(rng, 3)}",
            f"- [ ] {_phrase(rng, 3)}",
            f"Explanation: {_phrase(rng, 10)}",
            *([comment] if comment else []),
            "",
            "---",
            "",
        ]
    return [
        f"Q: {tag} what is {_phrase(rng, 6)}?",
        f"A: {_phrase(rng, 12)}",
        *([comment] if comment else []),
        "",
    ]


def deck_folder(folder: Path, n: int, *, with_orphans: bool = True) -> Path:
    """The generated notes of an `n`-card collection as one Markdown file per deck."""
    import random
    import shutil

    rng = random.Random(3)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "decks" / "aws-ml" / "exams", folder / "exams", dirs_exist_ok=True)
    by_deck: dict[int, list[str]] = {}
    for shape in note_shapes(n):
        lines = _note_markdown(shape, rng)  # drawn either way: texts stay put
        if shape.orphaned and not with_orphans:
            continue
        by_deck.setdefault(shape.deck, []).extend(lines)
    for deck, name in enumerate(DECK_NAMES):
        domains = ", ".join(f"{e}: {d}" for e, d in deck_domains(deck).items())
        head = [
            "---",
            f"deck: {name}",
            f"tags: [{', '.join(deck_tags(deck))}]",
            f"exam_domains: {{{domains}}}",
            "---",
            "# Generated deck",
            "",
        ]
        text = "\n".join(head + by_deck.get(deck, [])) + "\n"
        (folder / f"{name.rsplit('/', 1)[-1]}.md").write_text(text, encoding="utf-8")
    return folder


def imported_collection(work: Path, n: int) -> Path:
    """An `n`-card collection built by the real import of `deck_folder` (orphans included)."""
    from srs.collection import Collection

    db = work / f"imported-{n}.db"
    decks = work / "decks"
    with Collection.open(db, ZONE, now=NOW) as col:
        col.import_paths([deck_folder(decks, n)], NOW)
        col.import_paths([deck_folder(decks, n, with_orphans=False)], NOW)
    return db


Query = Callable[[sqlite3.Connection], list[tuple[Any, ...]]]


def _column(sql: str) -> Query:
    return lambda conn: [tuple(row) for row in conn.execute(sql)]


# (table, column or derived value): one value per row
COLUMNS: dict[str, Query] = {
    "notes.kind": _column("SELECT kind FROM notes"),
    "notes.deck": _column("SELECT d.name FROM notes n JOIN decks d ON d.id = n.deck_id"),
    "notes.orphaned": _column("SELECT orphaned FROM notes"),
    "notes.tags (count)": _column("SELECT json_array_length(tags) FROM notes"),
    "notes.tags (values)": _column("SELECT j.value FROM notes, json_each(notes.tags) j"),
    "notes.options (count)": _column("SELECT json_array_length(options) FROM notes"),
    "cards.kind": _column("SELECT kind FROM cards"),
    "cards.ordinal": _column("SELECT ordinal FROM cards"),
    "cards.deck": _column("SELECT d.name FROM cards c JOIN decks d ON d.id = c.deck_id"),
    "cards.orphaned": _column("SELECT orphaned FROM cards"),
    "cards per note": _column("SELECT COUNT(*) FROM cards GROUP BY note_id"),
    "note_domains.exam": _column("SELECT exam FROM note_domains"),
    "note_domains.(exam, domain)": _column("SELECT exam, domain FROM note_domains"),
    "decks.name": _column("SELECT name FROM decks"),
    "blueprints.code": _column("SELECT code FROM blueprints"),
}
TABLES = ("decks", "notes", "cards", "note_domains", "blueprints")


def distance(a: list[Any], b: list[Any]) -> float:
    """Total variation distance of two samples' value distributions (0 same, 1 disjoint)."""
    if not a or not b:
        return 0.0 if not a and not b else 1.0
    ca, cb = Counter(a), Counter(b)
    return 0.5 * sum(abs(ca[k] / len(a) - cb[k] / len(b)) for k in set(ca) | set(cb))


def compare(generated: Path, imported: Path) -> list[tuple[str, float, float, bool]]:
    """(what, generated figure, imported figure or distance, within tolerance) per table and
    column: row counts (relative difference) and value distributions (distance)."""
    out = []
    gen, imp = sqlite3.connect(generated), sqlite3.connect(imported)
    try:
        objects = "SELECT type, name FROM sqlite_master ORDER BY 1, 2"
        a_objects, b_objects = gen.execute(objects).fetchall(), imp.execute(objects).fetchall()
        out.append(
            (
                "schema objects (tables, indexes, triggers; no sqlite_stat1)",
                float(len(a_objects)),
                float(len(b_objects)),
                a_objects == b_objects,
            )
        )
        for table in TABLES:
            a = gen.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            b = imp.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            rel = abs(a - b) / max(b, 1)
            out.append((f"rows in {table}", float(a), float(b), rel <= TOLERANCE))
        for name, query in COLUMNS.items():
            d = distance(query(gen), query(imp))
            out.append((name, d, TOLERANCE, d <= TOLERANCE))
    finally:
        gen.close()
        imp.close()
    return out


def report(lines: list[tuple[str, float, float, bool]]) -> str:
    return json.dumps([{"what": w, "a": a, "b": b, "ok": ok} for w, a, b, ok in lines], indent=1)
