"""`srs stats`: every figure of `--json` against values worked out by hand from a known history.

The history (Europe/Berlin, day starts at 04:00, fuzz off, leech threshold 1):

    card  deck/domain        what happens
    A     d1 / "1: Data"     Mon 03-02 10:00 Easy (new -> review 4 d, due Fri 03-06)
                             Fri 03-06 09:00 Again (review 4 d -> relearning, lapse 1, ease 2300)
    B     d1 / "1: Data"     Mon 10:00:30 Good (new -> learning), 10:11 Good (-> review 1 d)
                             Tue 03-03 04:00 Good: a review on scheduler day 03-03 (-> 3 d)
                             Fri 03-06 09:00:30 Hard (3 d -> 4 d, ease 2350, due 03-10)
    C     d1 / "1: Data"     Mon 10:12 Again (new -> learning); Tue 03:59 Good: still day 03-02
    D     d2 / "2: Models"   set up as a 30-day review card due 03-06; Fri 10:00 Good (-> 75 d)
    E     d2 / "2: Models"   set up as a 25-day review card due 03-05; Fri 10:05 Again (lapse)
    F     misc               suspended, never studied
    G     misc               new
    H     misc               removed from its file: orphaned

Every expected number below is derived from that table, not read back from srs.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from dateutil import tz
from typer.testing import CliRunner

from srs.cli.app import app
from srs.collection import Collection
from srs.dates import moment
from srs.errors import DeckNotFound
from srs.model import Grade
from srs.stats import compute_stats
from srs.views import display_path

BERLIN = tz.gettz("Europe/Berlin")
D1 = "---\nexam_domains: {MLA-C01: 1}\nsource: test\n---\n# Data\n\nQ: Card A?\nA: a\n\nQ: Card B?\nA: b\n\nQ: Card C?\nA: c\n"  # noqa: E501
D2 = '---\ndomain: "2: Models"\nexam: MLA-C01\n---\n# Models\n\nQ: Card D?\nA: d\n\nQ: Card E?\nA: e\n'  # noqa: E501
MISC = "# Misc\n\nQ: Card F?\nA: f\n\nQ: Card G?\nA: g\n\nQ: Card H?\nA: h\n"


def local(text: str) -> datetime:
    """A Berlin wall-clock time (March 2026 is CET, UTC+1)."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def ordinal(text: str) -> int:
    return date.fromisoformat(text).toordinal()


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "d1.md").write_text(D1, encoding="utf-8")
    (decks / "d2.md").write_text(D2, encoding="utf-8")
    (decks / "misc.md").write_text(MISC, encoding="utf-8")
    db = tmp_path / "stats.db"
    with Collection.open(db, BERLIN) as col:
        col.set_option("fuzz", "off")
        col.set_option("leech_threshold", "1")
        col.import_paths([decks], local("2026-03-02T08:00"))
        ids = {card.front.removeprefix("Card ").rstrip("?"): card.id for card in col.cards()}
        assert sorted(ids) == list("ABCDEFGH")
        a, b, c, d, e = (ids[k] for k in "ABCDE")
        # D and E stand for cards with earlier history (only the fields an answer reads).
        col.store.execute(
            "UPDATE cards SET state = 'review', interval_days = 30, ease = 2500, reps = 6,"
            " due_day = ? WHERE id = ?",
            (ordinal("2026-03-06"), d),
        )
        col.store.execute(
            "UPDATE cards SET state = 'review', interval_days = 25, ease = 2500, reps = 5,"
            " due_day = ? WHERE id = ?",
            (ordinal("2026-03-05"), e),
        )
        col.set_suspended(ids["F"])
        answers = [
            (a, Grade.EASY, "2026-03-02T10:00:00", 4000),
            (b, Grade.GOOD, "2026-03-02T10:00:30", 6000),
            (b, Grade.GOOD, "2026-03-02T10:11:00", 5000),
            (c, Grade.AGAIN, "2026-03-02T10:12:00", 3000),
            (c, Grade.GOOD, "2026-03-03T03:59:00", 2000),  # before the day start: still 03-02
            (b, Grade.GOOD, "2026-03-03T04:00:00", 7000),  # at the day start: 03-03
            (a, Grade.AGAIN, "2026-03-06T09:00:00", 8000),
            (b, Grade.HARD, "2026-03-06T09:00:30", 9000),
            (d, Grade.GOOD, "2026-03-06T10:00:00", 10000),
            (e, Grade.AGAIN, "2026-03-06T10:05:00", 11000),
        ]
        for card_id, grade, when, ms in answers:
            col.answer(card_id, grade, local(when), duration_ms=ms)
        (decks / "misc.md").write_text(MISC.replace("\nQ: Card H?\nA: h\n", ""), "utf-8")
        col.import_paths([decks], local("2026-03-06T12:00"))
    return db, {k: str(decks / f) for k, f in (("d1", "d1.md"), ("d2", "d2.md"))}


def stats_json(db: Path, now: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        app,
        ["--db", str(db), "--now", now, "stats", "--json", *args],
        env={"SRS_TZ": "Europe/Berlin"},
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def pf(passed: int, failed: int) -> dict[str, Any]:
    total = passed + failed
    return {
        "passed": passed,
        "failed": failed,
        "total": total,
        "retention": round(passed / total, 4) if total else None,
    }


def test_every_figure_on_friday_evening(history: tuple[Path, dict[str, str]]) -> None:
    db, paths = history
    data = stats_json(db, "2026-03-06T20:00:00+01:00", "--days", "7")

    assert data["today_date"] == "2026-03-06"
    assert data["days"] == 7
    assert data["deck"] is None

    # Today: A, B, D, E answered, all four from the review state.
    assert data["today"] == {
        "date": "2026-03-06",
        "new": 0,
        "learning": 0,
        "review": 4,
        "relearning": 0,
        "answers": 4,
        "time_ms": 8000 + 9000 + 10000 + 11000,
        "cards": 4,
        "retention": pf(2, 2),  # B Hard and D Good passed; A and E Again failed
    }
    # Study days 03-02, 03-03, 03-06: the run ending today is 1 day, the longest 2.
    assert data["streak"] == {
        "current": 1,
        "longest": 2,
        "study_days": 3,
        "last_study_day": "2026-03-06",
    }
    assert data["heatmap"]["start"] == "2025-03-07"
    assert data["heatmap"]["end"] == "2026-03-06"
    assert data["heatmap"]["max"] == 5
    # The 03:59 answer belongs to 03-02, the 04:00 one to 03-03.
    assert data["heatmap"]["days"] == {"2026-03-02": 5, "2026-03-03": 1, "2026-03-06": 4}

    def day(when: str, new: int = 0, learning: int = 0, review: int = 0, ms: int = 0) -> Any:
        total = new + learning + review
        return {"date": when, "new": new, "learning": learning, "review": review,
                "relearning": 0, "total": total, "time_ms": ms}  # fmt: skip

    assert data["daily"] == [
        day("2026-02-28"),
        day("2026-03-01"),
        day("2026-03-02", new=3, learning=2, ms=4000 + 6000 + 5000 + 3000 + 2000),
        day("2026-03-03", review=1, ms=7000),
        day("2026-03-04"),
        day("2026-03-05"),
        day("2026-03-06", review=4, ms=38000),
    ]

    # Due: A and E relearn today (10-minute steps after this morning's lapses), C has been
    # waiting in learning since 03-03; B is due 03-10 (4 days); D in 75 days (outside).
    forecast = data["forecast"]
    assert forecast["overdue"] == 0
    assert len(forecast["days"]) == 30
    assert forecast["days"][0] == {"date": "2026-03-06", "review": 0, "learning": 3, "total": 3}
    assert forecast["days"][4] == {"date": "2026-03-10", "review": 1, "learning": 0, "total": 1}
    assert sum(d["total"] for d in forecast["days"]) == 4
    assert forecast["days"][-1]["date"] == "2026-04-04"

    assert data["cards"] == {
        "total": 7,  # H is orphaned
        "new": 1,  # G
        "learning": 1,  # C
        "relearning": 2,  # A, E
        "young": 1,  # B (4 d)
        "mature": 1,  # D (75 d)
        "suspended": 1,  # F
        "orphaned": 1,  # H
        "leeches": 2,  # A and E, one lapse each with threshold 1
    }

    # Review answers: B 03-03 young pass; today A young fail, B young pass, D mature pass,
    # E mature fail (25 d before the answer).
    retention = data["retention"]
    assert list(retention) == ["today", "yesterday", "week", "month", "year"]
    assert retention["today"] == {"young": pf(1, 1), "mature": pf(1, 1), "total": pf(2, 2)}
    assert retention["yesterday"] == {"young": pf(0, 0), "mature": pf(0, 0), "total": pf(0, 0)}
    for period in ("week", "month", "year"):
        assert retention[period] == {"young": pf(2, 1), "mature": pf(1, 1), "total": pf(3, 2)}

    # Intervals of review/relearning cards: A 1 d and E 1 d (lapse, new interval 0 % -> 1),
    # B 4 d, D 75 d.
    intervals = data["intervals"]
    assert intervals["cards"] == 4
    assert intervals["mean"] == (1 + 1 + 4 + 75) / 4
    counts = {b["label"]: b["count"] for b in intervals["buckets"] if b["count"]}
    assert counts == {"1d": 2, "4-6d": 1, "2-3m": 1}
    assert sum(b["count"] for b in intervals["buckets"]) == 4
    # Ease: A 2500-200, E 2500-200, B 2500-150 (Hard), D 2500 (Good keeps it).
    ease = data["ease"]
    assert ease["cards"] == 4
    assert ease["mean"] == (2300 + 2300 + 2350 + 2500) / 4 / 10
    counts = {b["label"]: b["count"] for b in ease["buckets"] if b["count"]}
    assert counts == {"230%": 3, "250%": 1}

    assert data["domains"] == [
        {
            "exam": "MLA-C01",
            "domain": "1",
            "name": None,  # no blueprint imported: ids only
            "cards": 3,
            "seen": 3,
            "mature": 0,
            "share_seen": 1.0,
            "share_mature": 0.0,
            "retention": pf(2, 1),  # B 03-03, B today passed; A today failed
            "mock_exam": None,
            "weakest": False,
        },
        {
            "exam": "MLA-C01",
            "domain": "2",  # the `exam` + `domain` shorthand keeps the id before ':'
            "name": None,
            "cards": 2,
            "seen": 2,
            "mature": 1,
            "share_seen": 1.0,
            "share_mature": 0.5,
            "retention": pf(1, 1),
            "mock_exam": None,
            "weakest": True,  # 50 % retention against 67 %
        },
    ]
    assert data["mock_exams"] == []

    hardest = data["hardest"]
    assert [(h["front"], h["lapses"], h["answers"], h["again"], h["leech"]) for h in hardest] == [
        ("Card A?", 1, 2, 1, True),
        ("Card E?", 1, 1, 1, True),
    ]
    assert hardest[0]["location"] == f"{paths['d1']}:7"
    assert hardest[1]["location"] == f"{paths['d2']}:10"
    assert hardest[0]["deck"] == "d1"


def test_later_day_counts_overdue_and_breaks_the_streak(
    history: tuple[Path, dict[str, str]],
) -> None:
    db, _ = history
    # Thursday 03-12 at 03:30 local is still scheduler day 03-11.
    data = stats_json(db, "2026-03-12T03:30:00+01:00")
    assert data["today_date"] == "2026-03-11"
    assert data["streak"]["current"] == 0
    assert data["streak"]["longest"] == 2
    assert data["today"]["answers"] == 0
    assert data["today"]["retention"] == pf(0, 0)
    # B was due 03-10: overdue, counted on today with the three learning cards.
    assert data["forecast"]["overdue"] == 1
    assert data["forecast"]["days"][0] == {
        "date": "2026-03-11", "review": 1, "learning": 3, "total": 4,
    }  # fmt: skip
    assert data["retention"]["week"]["total"] == pf(2, 2)  # 03-05..03-11: today's four only
    assert data["retention"]["month"]["total"] == pf(3, 2)
    assert len(data["daily"]) == 30
    assert data["daily"][-1]["date"] == "2026-03-11"


def test_answers_after_now_are_left_out(history: tuple[Path, dict[str, str]]) -> None:
    db, _ = history
    # Tuesday 03-03 05:00: only Monday's five answers and the 04:00 one exist yet.
    data = stats_json(db, "2026-03-03T05:00:00+01:00", "--days", "2")
    assert data["heatmap"]["days"] == {"2026-03-02": 5, "2026-03-03": 1}
    assert data["today"]["review"] == 1
    assert data["streak"] == {
        "current": 2, "longest": 2, "study_days": 2, "last_study_day": "2026-03-03",
    }  # fmt: skip
    assert [d["total"] for d in data["daily"]] == [5, 1]


def test_deck_filter(history: tuple[Path, dict[str, str]]) -> None:
    db, _ = history
    data = stats_json(db, "2026-03-06T20:00:00+01:00", "--deck", "d2", "--days", "7")
    assert data["deck"] == "d2"
    assert data["today"]["answers"] == 2
    assert data["heatmap"]["days"] == {"2026-03-06": 2}
    assert data["cards"]["total"] == 2
    assert data["cards"]["mature"] == 1
    assert data["retention"]["today"]["mature"] == pf(1, 1)
    assert [d["domain"] for d in data["domains"]] == ["2"]
    assert data["domains"][0]["weakest"] is False  # nothing to compare with
    assert [h["front"] for h in data["hardest"]] == ["Card E?"]
    assert data["forecast"]["days"][0]["learning"] == 1  # E only


def test_unknown_deck_is_an_error(history: tuple[Path, dict[str, str]]) -> None:
    db, _ = history
    result = CliRunner().invoke(app, ["--db", str(db), "stats", "--deck", "nope"])
    assert result.exit_code == 1
    assert "no deck named 'nope'" in result.output
    with Collection.open(db, BERLIN) as col, pytest.raises(DeckNotFound):
        compute_stats(col.store, col.moment(local("2026-03-06T20:00")), deck="nope")


def test_empty_collection(tmp_path: Path) -> None:
    with Collection.open(tmp_path / "empty.db", BERLIN) as col:
        figures = compute_stats(col.store, moment(local("2026-03-06T20:00"), BERLIN, 4))
    data = figures.to_dict()
    assert data["streak"] == {"current": 0, "longest": 0, "study_days": 0, "last_study_day": None}
    assert data["today"]["retention"]["retention"] is None
    assert data["cards"]["total"] == 0
    assert data["intervals"]["mean"] is None
    assert data["domains"] == [] and data["hardest"] == []
    assert all(d["total"] == 0 for d in data["forecast"]["days"])


@pytest.mark.parametrize("columns", [120, 60, 40])
def test_screen_fits_the_terminal_without_colour(
    history: tuple[Path, dict[str, str]], columns: int
) -> None:
    db, _ = history
    result = CliRunner().invoke(
        app,
        ["--db", str(db), "--now", "2026-03-06T20:00:00+01:00", "stats"],
        env={"SRS_TZ": "Europe/Berlin", "COLUMNS": str(columns), "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "\x1b[" not in out  # NO_COLOR: no escape sequences at all
    assert max(len(line) for line in out.splitlines()) <= columns
    for heading in ("Today:", "Streak:", "Reviews per day", "Due per day", "True retention",
                    "Intervals", "Ease", "Exam domains", "Hardest cards"):  # fmt: skip
        assert heading in out
    assert re.search(r"Today: 4 answers on 4 cards in 0m 38s", out)
    assert "* 2" in out  # the weakest domain is marked


# -- issue 18 item 5: every table keeps its columns at 100 and 40 columns ----------------------

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped AWS deck with a few lapses (long fronts, long paths, long domain names)."""
    db = tmp_path_factory.mktemp("shipped") / "c.db"
    with Collection.open(db, BERLIN) as col:
        col.import_paths([ROOT / "decks" / "aws-ml"], local("2026-03-02T08:00"))
        cards = [c for c in col.cards() if not c.options][:4]
        for card in cards:
            col.answer(card.id, Grade.EASY, local("2026-03-02T10:00"))
            col.answer(card.id, Grade.AGAIN, local("2026-03-06T09:00"))
    return db


def stats_screen(db: Path, columns: int) -> list[str]:
    result = CliRunner().invoke(
        app,
        ["--db", str(db), "--now", "2026-03-06T20:00:00+01:00", "stats"],
        env={"SRS_TZ": "Europe/Berlin", "COLUMNS": str(columns), "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= columns
    return lines


SECTIONS = ("Today:", "Reviews per day", "Answers per day", "Due per day", "Cards",
            "True retention", "Intervals", "Ease", "Exam domains", "Hardest cards")  # fmt: skip


def section(lines: list[str], title: str) -> list[str]:
    """The lines under a section title, up to the next section's title."""
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith(SECTIONS)), len(lines)
    )
    return lines[start + 1 : end]


@pytest.mark.parametrize("columns", [100, 40])
def test_hardest_cards_keep_lapses_again_and_location(shipped: Path, columns: int) -> None:
    with Collection.open(shipped, BERLIN) as col:
        hard = col.stats(local("2026-03-06T20:00")).hardest
    lines = stats_screen(shipped, columns)
    text = "\n".join(section(lines, "Hardest cards"))
    assert "lapses" in text and "again" in text, text
    flat = " ".join(text.split())
    for h in hard:
        where = f"{display_path(h.path)}:{h.line}"
        assert where in "".join(line.strip() for line in text.splitlines()), (where, text)
        assert f"{h.again}/{h.answers}" in flat
        assert " ".join(h.front.split())[:30] in flat or h.front.split()[0] in flat


@pytest.mark.parametrize("columns", [100, 40])
def test_exam_domains_keep_whole_words(shipped: Path, columns: int) -> None:
    lines = stats_screen(shipped, columns)
    part = section(lines, "Exam domains")
    flat = " ".join(" ".join(part).split())
    for name in ("Data Preparation for Machine Learning (ML)", "ML Model Development",
                 "ML Solution Monitoring, Maintenance, and Security"):  # fmt: skip
        assert name in flat, "\n".join(part)
    for header in ("cards", "seen", "mature", "mock"):
        assert header in flat
    words = set(flat.split())
    assert "Machine" in words and "Orchestration" in words  # never split letter by letter
    if columns == 40:  # rows as blocks: a figure's name and its value share a line
        for name in ("cards", "seen", "mature", "retention 30d", "mock"):
            assert all(not line.rstrip().endswith(f" {name}") for line in part), part


def test_domain_queries_read_each_card_once(tmp_path: Path) -> None:
    """Issue 19: joined to `note_domains`, the domain queries must walk the cards once and look
    each note's domain up by key; with `nd` outer, SQLite scanned the whole card index once per
    domain row (3 minutes on 50k cards with domains)."""
    from srs.store import Store

    store = Store.open(tmp_path / "plan.db")
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        store.domain_cards(None, "MLA-C01", 21)
        store.domain_review_answers(None, "MLA-C01", 1, 2)
        store.domain_cards("d1", "MLA-C01", 21)
    finally:
        store.conn.set_trace_callback(None)
    assert len(statements) == 3
    for sql in statements:
        plan = [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        steps = [s for s in plan if s.startswith(("SCAN", "SEARCH"))]
        on_domains = [k for k, s in enumerate(steps) if s.split()[1] == "nd"]
        assert on_domains, plan
        # every step after the domain lookup is by key: nothing is scanned per domain row
        assert all(s.startswith("SEARCH") for s in steps[on_domains[0] :]), plan
    store.close()


@pytest.mark.parametrize(
    "counts",
    [(30, 32, 18), (62, 14, 4), (9, 11, 60), (77, 2, 1), (33, 33, 14), (1, 1, 78)],
)
def test_stacked_bars_of_the_same_total_have_the_same_length(counts: tuple[int, ...]) -> None:
    """Days with 80 answers each drew bars of 19 to 21 columns when each part was rounded on
    its own; the length is the total's, a part shown at least one column wide."""
    from srs.cli.stats import _bar

    scale = 20 / 80
    bar = _bar([(c, g, "") for c, g in zip(counts, "█▓▒", strict=True)], scale)
    assert len(bar.plain) == 20
    assert [bar.plain.count(g) >= 1 for g in "█▓▒"] == [True] * 3


def _figures(store: Any, now: datetime) -> dict[str, Any]:
    at = moment(now, BERLIN, 4)
    figures: dict[str, Any] = compute_stats(
        store, at, days=7, exam="MLA-C01", domain_names={"1": "Data"}
    ).to_dict()
    return figures


def test_the_domains_and_the_forecast_are_read_beside_on_a_second_connection(
    history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a collection file, the exam-domain and forecast queries run in a thread on a
    read-only second connection (SQLite lets go of the GIL while it steps them); the figures
    equal those read on one connection, as from a copy in memory (which has no second one)."""
    import sqlite3
    import threading

    from srs.store import Store

    db, _ = history
    now = local("2026-03-06T20:00")
    seen: list[tuple[str, bool]] = []
    real_cards, real_forecast = Store.domain_cards, Store.due_forecast

    def watch(real: Any) -> Any:
        def watching(self: Store, *args: Any, **kwargs: Any) -> Any:
            seen.append((threading.current_thread().name, self.conn is main.conn))
            return real(self, *args, **kwargs)

        return watching

    monkeypatch.setattr(Store, "domain_cards", watch(real_cards))
    monkeypatch.setattr(Store, "due_forecast", watch(real_forecast))
    main = Store.open(db)
    try:
        beside = _figures(main, now)
        with main.reader() as reader:
            assert reader is not None
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.execute("DELETE FROM cards")
        memory = sqlite3.connect(":memory:")
        main.conn.backup(memory)
    finally:
        main.close()
    assert seen == [("srs-stats", False), ("srs-stats", False)]
    seen.clear()
    alone = _figures(Store(memory, None), now)
    assert seen == [("MainThread", False), ("MainThread", False)]  # the copy's own connection
    assert beside == alone
    assert beside["domains"] and beside["forecast"]


def test_a_failure_beside_is_raised_by_compute_stats(
    history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from srs.store import Store

    def broken(self: Store, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk went away")

    monkeypatch.setattr(Store, "due_forecast", broken)
    store = Store.open(history[0])
    try:
        with pytest.raises(RuntimeError, match="disk went away"):
            _figures(store, local("2026-03-06T20:00"))
    finally:
        store.close()


def test_an_error_on_this_side_waits_for_the_thread_before_closing_its_connection(
    history: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second connection is closed only once the thread reading on it has finished, also
    when a statement on the first connection fails."""
    import time

    from srs.store import Store

    finished: list[int] = []
    real_forecast = Store.due_forecast

    def slow_forecast(self: Store, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)  # still reading when the other side fails
        rows = real_forecast(self, *args, **kwargs)  # on a closed connection this would raise
        finished.append(len(rows))
        return rows

    def broken_log(self: Store, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("log unreadable")

    monkeypatch.setattr(Store, "due_forecast", slow_forecast)
    monkeypatch.setattr(Store, "log_by_day", broken_log)
    store = Store.open(history[0])
    try:
        with pytest.raises(RuntimeError, match="log unreadable"):
            _figures(store, local("2026-03-06T20:00"))
        assert finished and finished[0] > 0  # the thread ended cleanly before the return
    finally:
        store.close()
