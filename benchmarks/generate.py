"""Generated benchmark data, the same for srs and for the peers, in every run.

Two kinds of data:

* deck text (`deck_text`, `write_deck`): Markdown decks of mixed card kinds for the import
  benchmarks;
* collections (`plan_cards`, `iter_reviews`): N plain notes with one card each, spread over ten
  decks, with states and a review log of 10 rows per card spread over the past year. Everything
  is relative to "today" / "now", so the same plan is loaded into srs (at the fixed instant
  `NOW`) and into an Anki collection (at Anki's real clock, which cannot be faked).

Collections are written straight into the real schema with `executemany` in one transaction
(srs: after `Store.open`, so the migrations ran) and cached under `cache_dir()`; the cache key
holds the generator version and a digest of srs/store/migrations.py, so a schema change regenerates.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 3  # collections (note_shapes, plan_cards, iter_reviews)
DECK_VERSION = 3  # deck text (deck_text)
ROOT = Path(__file__).resolve().parent.parent
# The srs side's clock (passed as --now / `now`); the Anki side uses its real clock.
NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
ZONE = UTC
DAY_STARTS_AT = 4
N_DECKS = 10
REVIEWS_PER_CARD = 10
HISTORY_DAYS = 365

WORDS = [
    "model",
    "feature",
    "stream",
    "shard",
    "bucket",
    "endpoint",
    "latency",
    "gradient",
    "tree",
    "forest",
    "boost",
    "vector",
    "matrix",
    "kernel",
    "batch",
    "epoch",
    "tensor",
    "label",
    "class",
    "metric",
    "recall",
    "precision",
    "drift",
    "bias",
    "variance",
    "window",
    "partition",
    "crawler",
    "catalog",
    "schema",
    "table",
    "query",
    "index",
    "cluster",
    "node",
    "replica",
]


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


# -- deck text ---------------------------------------------------------------------------------


def deck_text(cards: int, seed: int = 7, prefix: str = "q") -> str:
    """Markdown with `cards` cards: Q/A, one-liners, headings, clozes and MCQs, all distinct
    (each starts with `prefix` and its number, so files with other prefixes never collide)."""
    rng = random.Random(seed)
    out = ["---", "tags: [bench]", "exam_domains: {BENCH-01: 1}", "---", "# Generated deck", ""]
    made = 0
    i = 0
    while made < cards:
        i += 1
        kind = i % 5
        tag = f"{prefix}{i}"
        if kind == 0:
            out += [f"Q: {tag} what is {_phrase(rng, 6)}?", f"A: {_phrase(rng, 12)}", ""]
        elif kind == 1:
            out += [f"{tag} {_phrase(rng, 3)} :: {_phrase(rng, 8)}", ""]
        elif kind == 2:
            # A heading card's body runs to the next heading or `---`; without the rule the
            # cards after it would make it a section title instead of a card.
            out += [f"## {tag} explain {_phrase(rng, 5)}", "", _phrase(rng, 20), "", "---", ""]
        elif kind == 3:
            out += [
                f"C: {tag} {_phrase(rng, 4)} {{{{c1::{_phrase(rng, 2)}}}}} {_phrase(rng, 4)}",
                "",
            ]
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
    """Write a generated deck file into `folder` (unless already there) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"generated-{cards}-s{seed}-v{DECK_VERSION}.md"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(deck_text(cards, seed), encoding="utf-8")
        tmp.replace(path)
    return path


def write_deck_folder(folder: Path, cards: int, per_file: int = 10_000) -> Path:
    """A folder of decks holding `cards` cards, at most `per_file` per file (srs refuses files
    over 20,000 cards / 5 MB, and real collections are many files)."""
    folder = folder / f"decks-{cards}-v{DECK_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(0, (cards + per_file - 1) // per_file):
        path = folder / f"part-{k:03d}.md"
        if not path.exists():
            size = min(per_file, cards - k * per_file)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(deck_text(size, seed=7 + k, prefix=f"f{k}q"), encoding="utf-8")
            tmp.replace(path)
    return folder


# -- collections shaped like real ones ---------------------------------------------------------

# The shipped AWS deck (decks/aws-ml, imported): 66 % basic notes, 9 % both-ways (a reversed
# sibling), 4 % cloze (1.9 cards a note), 21 % multiple choice; every note in a domain of each
# exam; decks two and three levels deep; file tags plus per-card task tags.
EXAMS = ("MLA-C01", "MLS-C01", "MLA-C02")
DOMAINS = 4  # per exam, as in the blueprints
DECK_NAMES = (
    "bench/data/d00",
    "bench/data/d01",
    "bench/data/prep/d02",
    "bench/models/d03",
    "bench/models/algorithms/d04",
    "bench/models/d05",
    "bench/deploy/d06",
    "bench/deploy/d07",
    "bench/genai/rag/d08",
    "bench/genai/agents/d09",
)
KINDS = ("basic", "both", "cloze", "mcq")
KIND_WEIGHTS = (62, 10, 6, 22)
CLOZE_SIBLINGS = ((1, 2, 3), (40, 35, 25))
ORPHANED_NOTES = 0.01  # removed from their files since
SUSPENDED = 0.02
BURIED = 0.01  # skipped until tomorrow (by hand or as a sibling of a card answered today)
LEECHES = 0.01  # of review cards: 8+ lapses, tagged `leech`
EXAM_ATTEMPTS = 12  # finished mock exams of 65 questions


@dataclass(frozen=True, slots=True)
class NoteShape:
    """One note: its kind, deck, cards (plan indexes), exam domains, tags."""

    index: int
    deck: int  # index into DECK_NAMES
    kind: str
    cards: tuple[int, ...]
    domains: tuple[tuple[str, int], ...]  # (exam, domain id), one per exam
    tags: tuple[str, ...]
    orphaned: bool


def deck_domains(deck: int) -> dict[str, int]:
    """A deck file's default domain per exam (front matter `exam_domains`)."""
    return {exam: 1 + (deck + k) % DOMAINS for k, exam in enumerate(EXAMS)}


def deck_tags(deck: int) -> tuple[str, ...]:
    return ("bench", DECK_NAMES[deck].split("/")[1])


def note_shapes(n: int, seed: int = 19) -> list[NoteShape]:
    """Notes holding `n` cards in all, each deck a contiguous run of notes (one file each)."""
    rng = random.Random(seed)
    raw: list[tuple[str, int]] = []
    total = 0
    while total < n:
        kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        size = {"both": 2, "cloze": rng.choices(*CLOZE_SIBLINGS)[0]}.get(kind, 1)
        size = min(size, n - total)
        if kind == "both" and size == 1:
            kind = "basic"
        raw.append((kind, size))
        total += size
    shapes = []
    first = 0
    for j, (kind, size) in enumerate(raw):
        deck = j * len(DECK_NAMES) // len(raw)
        domains = deck_domains(deck)
        tags = set(deck_tags(deck))
        if rng.random() < 0.3:  # a card of another domain than its file's
            exam = rng.choice(EXAMS)
            domains[exam] = rng.randint(1, DOMAINS)
        if rng.random() < 0.7:
            tags |= {f"task-{e.lower()}-{d}.{1 + j % 3}" for e, d in domains.items()}
        if kind == "mcq":
            tags.add(rng.choice(WORDS))
        shapes.append(
            NoteShape(
                j,
                deck,
                kind,
                tuple(range(first, first + size)),
                tuple(sorted(domains.items())),
                tuple(sorted(tags)),
                rng.random() < ORPHANED_NOTES,
            )
        )
        first += size
    return shapes


@dataclass(frozen=True, slots=True)
class CardPlan:
    """One card with its state and FSRS memory, relative to today / now."""

    index: int
    deck: int  # index into DECK_NAMES
    front: str
    back: str
    state: str  # new | learning | relearning | review
    due_day: int | None  # days from today (review cards)
    due_secs: int | None  # seconds from now (intraday (re)learning)
    interval: int
    ease: int  # permille, 0 while not graduated
    reps: int
    lapses: int
    remaining_steps: int
    suspended: bool = False
    buried: bool = False
    orphaned: bool = False
    leech: bool = False
    stability: float | None = None
    difficulty: float | None = None
    last_review_secs: int | None = None  # seconds before now


def plain_notes(n: int, seed: int = 11) -> Iterator[tuple[str, str]]:
    """(front, back) Markdown of `n` distinct plain notes."""
    rng = random.Random(seed)
    for i in range(n):
        yield (
            f"Q{i}: what does the {_phrase(rng, 3)} do for a {_phrase(rng, 2)}?",
            f"It {_phrase(rng, 10)}, see **{rng.choice(WORDS)}**.",
        )


def plan_cards(n: int, seed: int = 13) -> list[CardPlan]:
    """`n` cards: ~30 % new, ~3 % learning, ~1 % relearning, the rest in review.

    Review intervals are exponential (mean 40 days) and due dates fall between 3 days overdue
    and one interval ahead, so roughly one review card in six is due today (a realistic day).
    On top (a second seeded stream, so the states above do not move): suspended, buried,
    orphaned (whole notes, `note_shapes`) and leech cards, and FSRS memory on every card answered
    (stability near the interval, difficulty from the ease, last answer one interval before due).
    """
    rng = random.Random(seed)
    extra = random.Random(seed + 1000)
    card_note = {i: shape for shape in note_shapes(n) for i in shape.cards}
    plans = []
    for i, (front, back) in enumerate(plain_notes(n)):
        roll = rng.random()
        due_day = due_secs = None
        ivl = ease = reps = lapses = steps = 0
        if roll < 0.30:
            state = "new"
        elif roll < 0.33:
            state, due_secs, reps, steps = "learning", rng.randint(-600, 3600), 1, 1
        elif roll < 0.34:
            state, due_secs = "relearning", rng.randint(-600, 3600)
            ivl, ease, reps, lapses, steps = rng.randint(1, 30), 2100, rng.randint(5, 20), 1, 1
        else:
            state = "review"
            ivl = min(int(rng.expovariate(1 / 40)) + 1, 3000)
            ease = rng.choice((1300, 1700, 2100, 2300, 2500, 2500, 2500, 2650, 2800, 3100))
            due_day = rng.randint(-3, ivl)
            reps = rng.randint(2, 25)
            lapses = min(int(rng.expovariate(1.5)), 7)
        shape = card_note[i]
        leech = state == "review" and extra.random() < LEECHES
        if leech:
            lapses = extra.randint(8, 15)
        stability = difficulty = last = None
        if state != "new":
            if state == "review":
                stability = max(0.5, ivl * extra.uniform(0.7, 1.5))
                last = (ivl - (due_day or 0)) * 86_400 + extra.randint(0, 40_000)
            else:
                stability = extra.uniform(0.2, 3.0)
                last = extra.randint(300, 4000)
            difficulty = min(10.0, max(1.0, 11.0 - (ease or 2500) / 300 + extra.gauss(0, 0.7)))
        plans.append(
            CardPlan(
                i,
                shape.deck,
                front,
                back,
                state,
                due_day,
                due_secs,
                ivl,
                ease,
                reps,
                lapses,
                steps,
                suspended=extra.random() < SUSPENDED,
                buried=extra.random() < BURIED,
                orphaned=shape.orphaned,
                leech=leech,
                stability=stability,
                difficulty=difficulty,
                last_review_secs=last,
            )
        )
    return plans


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    """One past answer: which card, when (days ago + seconds after that day's start), what."""

    card: int
    days_ago: int  # 1..HISTORY_DAYS (nothing studied today yet: daily limits are full)
    secs: int
    grade: int
    kind: int  # 0 learn, 1 review, 2 relearn
    state_before: str
    state_after: str
    ivl_before: int
    ivl_after: int
    ease: int
    duration_ms: int


def iter_reviews(
    plans: list[CardPlan], per_card: int = REVIEWS_PER_CARD, seed: int = 17
) -> Iterator[ReviewPlan]:
    """`per_card * len(plans)` answers over the past year, more of them recent, on seen cards."""
    rng = random.Random(seed)
    seen = [p.index for p in plans if p.state != "new"] or [0]
    kinds = (1,) * 70 + (0,) * 20 + (2,) * 10
    for i in range(per_card * len(plans)):
        card = seen[rng.randrange(len(seen))]
        days_ago = 1 + int(HISTORY_DAYS * (1 - rng.random() ** 0.5)) % HISTORY_DAYS
        grade = rng.choices((1, 2, 3, 4), weights=(10, 8, 75, 7))[0]
        kind = kinds[i % len(kinds)]
        before = ("learning", "review", "relearning")[kind]
        ivl_before = min(int(rng.expovariate(1 / 30)) + 1, 2000) if kind == 1 else 0
        ivl_after = 0 if grade == 1 else max(1, int(ivl_before * 2.5))
        after = "relearning" if grade == 1 and kind == 1 else "review"
        yield ReviewPlan(
            card,
            days_ago,
            rng.randint(0, 16 * 3600),
            grade,
            kind,
            before,
            after,
            ivl_before,
            ivl_after,
            2500,
            rng.randint(2000, 20000),
        )


# -- caching -----------------------------------------------------------------------------------


def cache_dir() -> Path:
    """`$SRS_BENCH_CACHE`, else <tmp>/srs-bench-cache (created)."""
    path = Path(
        os.environ.get("SRS_BENCH_CACHE") or Path(tempfile.gettempdir()) / "srs-bench-cache"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def schema_digest() -> str:
    """Changes whenever srs's migrations or storage constants (`srs.store.schema`: schema
    version, page size) change, so cached srs collections are rebuilt."""
    store = ROOT / "srs" / "store"
    source = (store / "migrations.py").read_bytes() + (store / "schema.py").read_bytes()
    return hashlib.blake2b(source, digest_size=4).hexdigest()


def srs_collection(n: int) -> Path:
    """A cached srs collection with `n` cards and 10 review rows per card."""
    path = cache_dir() / f"srs-{n}-v{GENERATOR_VERSION}-{schema_digest()}.db"
    if not path.exists():
        for stale in cache_dir().glob(f"srs-{n}-v*.db*"):  # older schema or generator
            stale.unlink(missing_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        build_srs(tmp, n)
        tmp.replace(path)
    return path


def card_id(i: int) -> str:
    """srs-shaped card ids (16 hex digits), stable per index."""
    return hashlib.blake2b(f"card{i}".encode(), digest_size=8).hexdigest()


def note_id(shape: NoteShape) -> str:
    return f"n{card_id(shape.cards[0])[:15]}"


def _cloze_text(front: str, size: int) -> str:
    words = front.split()
    return " ".join(
        f"{{{{c{1 + k // 3}::{w}}}}}" if k % 3 == 0 and k // 3 < size else w
        for k, w in enumerate(words)
    )


def _cloze_card(text: str, group: int) -> tuple[str, str]:
    import re

    def side(hidden: bool) -> str:
        def one(m: re.Match[str]) -> str:
            if int(m.group(1)) != group:
                return m.group(2)
            return "[...]" if hidden else f"**{m.group(2)}**"

        return re.sub(r"\{\{c(\d+)::([^}]*)\}\}", one, text)

    return side(True), side(False)


def _mcq_options(rng: random.Random) -> str:
    right = rng.randrange(4)
    return json.dumps(
        [
            {
                "text": _phrase(rng, 8),
                "correct": k == right,
                "rationale": ("Why: " if k == right else "Why not: ") + _phrase(rng, 8),
            }
            for k in range(4)
        ]
    )


def collection_rows(
    n: int, today: int, now_ms: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[str, str, str]]]:
    """(notes, cards, note_domains) rows of the generated collection, as the schema holds them."""
    plans = plan_cards(n)
    rng = random.Random(29)
    notes: list[tuple[Any, ...]] = []
    cards: list[tuple[Any, ...]] = []
    domains: list[tuple[str, str, str]] = []
    lines = [5] * len(DECK_NAMES)
    for shape in note_shapes(n):
        nid = note_id(shape)
        first = plans[shape.cards[0]]
        front, back, options = first.front, first.back, "[]"
        if shape.kind == "cloze":
            front, back = _cloze_text(first.front, len(shape.cards)), ""
        elif shape.kind == "mcq":
            options = _mcq_options(rng)
        stem = DECK_NAMES[shape.deck].rsplit("/", 1)[-1]
        cid = card_id(shape.cards[0])
        notes.append(
            (
                nid,
                shape.kind,
                shape.deck + 1,
                front,
                back,
                options,
                json.dumps(list(shape.tags)),
                json.dumps(["Generated deck", f"Section {shape.index // 50}"]),
                f"decks/{stem}.md",
                lines[shape.deck],
                cid,
                cid[:8],
                int(shape.orphaned),
                now_ms,
                now_ms,
            )
        )
        lines[shape.deck] += 3 + 4 * (shape.kind == "mcq")
        domains += [(nid, exam, str(domain)) for exam, domain in shape.domains]
        for ordinal, i in enumerate(shape.cards):
            p = plans[i]
            kind, c_front, c_back = "basic", p.front, p.back
            if shape.kind == "both" and ordinal == 1:
                kind, c_front, c_back = "reversed", p.back, p.front
            elif shape.kind == "cloze":
                kind = "cloze"
                c_front, c_back = _cloze_card(front, ordinal + 1)
            elif shape.kind == "mcq":
                kind = "mcq"
            last = now_ms - p.last_review_secs * 1000 if p.last_review_secs is not None else None
            cards.append(
                (
                    card_id(i),
                    nid,
                    kind,
                    ordinal,
                    c_front,
                    c_back,
                    p.deck + 1,
                    p.index,
                    p.state,
                    now_ms + p.due_secs * 1000 if p.due_secs is not None else None,
                    today + p.due_day if p.due_day is not None else None,
                    p.interval,
                    p.ease,
                    p.reps,
                    p.lapses,
                    p.remaining_steps,
                    int(p.suspended),
                    today + 1 if p.buried else None,
                    int(p.leech),
                    int(p.orphaned),
                    p.stability,
                    p.difficulty,
                    last,
                    now_ms,
                    now_ms,
                )
            )
    return notes, cards, domains


def _blueprints(path: Path) -> None:
    """Migrations, then the shipped exam blueprints stored as an import stores them."""
    from srs.exam.blueprints import blueprint_to_json, find_blueprint_files, load_blueprint
    from srs.store import Store

    store = Store.open(path, NOW)
    try:
        with store.transaction():
            store.save_blueprints(
                (bp.code, display, blueprint_to_json(bp))
                for file, display in find_blueprint_files([ROOT / "decks" / "aws-ml"])
                for bp in [load_blueprint(file, display)]
            )
    finally:
        store.close()


def _exam_attempts(conn: sqlite3.Connection, n: int, now_ms: int) -> None:
    """Finished mock exams over the MCQ cards (65 questions, one every few days)."""
    rng = random.Random(31)
    mcq = [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT c.id, nd.domain FROM cards c JOIN note_domains nd ON nd.note_id = c.note_id"
            " AND nd.exam = 'MLA-C01' WHERE c.kind = 'mcq' AND c.orphaned = 0"
        )
    ]
    for k in range(EXAM_ATTEMPTS if mcq else 0):
        started = now_ms - (EXAM_ATTEMPTS - k) * 3 * 86_400_000
        asked = rng.sample(mcq, min(65, len(mcq)))
        right = [rng.random() < 0.55 + 0.02 * k for _ in asked]
        cur = conn.execute(
            "INSERT INTO exam_attempts (exam, deck, seed, practice, question_count, time_limit_s,"
            " started_at, finished_at, status, correct, passed, result)"
            " VALUES ('MLA-C01', NULL, ?, 0, ?, 7800, ?, ?, 'submitted', ?, ?, ?)",
            (
                k,
                len(asked),
                started,
                started + 5_400_000,
                sum(right),
                int(sum(right) >= 0.72 * len(asked)),
                json.dumps({"shortfalls": [], "requested": 65, "elapsed_s": 5400}),
            ),
        )
        conn.executemany(
            "INSERT INTO exam_answers (attempt_id, position, card_id, domain, option_order,"
            " chosen, correct, flagged, answered_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    cur.lastrowid,
                    pos,
                    card,
                    domain,
                    "[0, 1, 2, 3]",
                    '["A"]',
                    int(ok),
                    int(rng.random() < 0.05),
                    started + pos * 80_000,
                )
                for pos, ((card, domain), ok) in enumerate(zip(asked, right, strict=True))
            ],
        )


def build_srs(path: Path, n: int) -> None:
    """Write the plan into a fresh srs collection at `path`."""
    from srs.dates import moment, to_ms

    at = moment(NOW, ZONE, DAY_STARTS_AT)
    today = at.today.toordinal()
    now_ms = to_ms(NOW)
    day_start_ms = to_ms(at.next_day_at) - 86_400_000
    plans = plan_cards(n)
    _blueprints(path)  # migrations, then the blueprints
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    decks = [(d + 1, name) for d, name in enumerate(DECK_NAMES)]
    conn.executemany("INSERT INTO decks (id, name) VALUES (?, ?)", decks)
    notes, cards, domains = collection_rows(n, today, now_ms)
    conn.executemany(
        "INSERT INTO notes (id, kind, deck_id, front, back, options, tags, context, path, line,"
        " content_hash, signature, orphaned, created_at, modified_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        notes,
    )
    conn.executemany(
        "INSERT INTO cards (id, note_id, kind, ordinal, front, back, deck_id, position, state,"
        " due_at, due_day, interval_days, ease, reps, lapses, remaining_steps, suspended,"
        " buried_until, leech, orphaned, stability, difficulty, last_review, created_at,"
        " modified_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        cards,
    )
    conn.executemany("INSERT INTO note_domains (note_id, exam, domain) VALUES (?,?,?)", domains)
    _exam_attempts(conn, n, now_ms)
    del notes, cards
    snapshot = {
        "state": "review",
        "due_at": None,
        "due_day": today,
        "interval_days": 12,
        "ease": 2500,
        "reps": 9,
        "lapses": 1,
        "remaining_steps": 0,
        "suspended": 0,
        "leech": 0,
        "buried_until": None,
    }
    batch = []
    sql = (
        "INSERT INTO reviews (card_id, reviewed_at, review_day, grade, kind, scheduler,"
        " state_before, state_after, interval_before, interval_after, ease_before, ease_after,"
        " duration_ms, before, after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    for r in iter_reviews(plans):
        before = snapshot | {
            "state": r.state_before,
            "interval_days": r.ivl_before,
            "due_day": today - r.days_ago,
        }
        after = snapshot | {
            "state": r.state_after,
            "interval_days": r.ivl_after,
            "due_day": today - r.days_ago + r.ivl_after,
        }
        batch.append(
            (
                card_id(r.card),
                day_start_ms - r.days_ago * 86_400_000 + r.secs * 1000,
                today - r.days_ago,
                r.grade,
                r.kind,
                "sm2",
                r.state_before,
                r.state_after,
                r.ivl_before,
                r.ivl_after,
                r.ease,
                r.ease,
                r.duration_ms,
                json.dumps(before),
                json.dumps(after),
            )
        )
        if len(batch) >= 50_000:
            conn.executemany(sql, batch)
            batch.clear()
    conn.executemany(sql, batch)
    conn.execute("COMMIT")
    # No ANALYZE: srs never runs it, so real collections have no sqlite_stat1 and SQLite plans
    # their queries without statistics (with them, the stats domain query of issue 19 was fast
    # here and took minutes for users). benchmarks/shape.py checks the schema objects match.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    # Answers given in srs carry the memory model's prediction (m012, a table since m014).
    from srs.collection import Collection
    from srs.memory.calibration import fill_predictions

    with Collection.open(path, ZONE) as col:
        fill_predictions(col.store, col.options)


EXAM_DATE = "2027-01-27"  # 60 days after NOW: exam mode's middle phase


def exam_collection(n: int) -> Path:
    """`srs_collection(n)` with exam mode on (`exam_date` set), cached beside it."""
    import shutil

    from srs.collection import Collection

    source = srs_collection(n)
    path = source.with_name(source.stem + "-exam.db")
    if not path.exists():
        for stale in cache_dir().glob(f"srs-{n}-v*-exam.db*"):
            stale.unlink(missing_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        shutil.copyfile(source, tmp)
        with Collection.open(tmp, ZONE, now=NOW) as col:
            col.set_option("exam_date", EXAM_DATE)
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        tmp.replace(path)
    return path
